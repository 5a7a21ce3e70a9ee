"""spaCy blank pipelines with lookup lemmatisers (no model download), and token normalisation."""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

SUPPORTED = ("sv", "en")


@lru_cache(maxsize=4)
def get_nlp(lang: str) -> Language:
    """Tokenizer + lookup lemmatiser for ``lang`` ('sv' or 'en'); hyphen compounds split into parts."""
    nlp = spacy.blank(lang if lang in SUPPORTED else "en")
    # "MIG/MAG-svetsning" -> MIG / MAG - svetsning, so parts of compounds can match on their own.
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[\w])[-/](?=[\w])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def norm(token_text: str, lemma: str) -> str:
    """The form a token is matched on: its lemma, lower-cased (the text itself if no lemma)."""
    return (lemma or token_text).lower()


def normalised_doc(text: str, lang: str) -> Doc:
    """A Doc whose tokens' NORM attribute is the lower-cased lemma (what the phrase matchers use)."""
    doc = get_nlp(lang)(text)
    for token in doc:
        token.norm_ = norm(token.text, token.lemma_)
    return doc


def normalise_phrases(phrases: list[str], lang: str, batch_size: int = 2000) -> list[tuple[str, ...]]:
    """Token norms of many short phrases (taxonomy labels), batched."""
    nlp = get_nlp(lang)
    return [tuple(norm(t.text, t.lemma_) for t in doc) for doc in nlp.pipe(phrases, batch_size=batch_size)]
