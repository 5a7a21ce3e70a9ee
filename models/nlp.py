"""spaCy blank pipelines with lookup lemmatisers (no model download), and token normalisation.

The full Swedish lemma table of ``spacy-lookups-data`` has 660k forms and takes about 4 s to load; a pipeline can
instead be given a compact table (only the forms that can change a match, see ``extractor.mentions``).
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

SUPPORTED = ("sv", "en")


def _blank(lang: str) -> Language:
    nlp = spacy.blank(lang if lang in SUPPORTED else "en")
    # "MIG/MAG-svetsning" -> MIG / MAG - svetsning, so parts of compounds can match on their own.
    infixes = list(nlp.Defaults.infixes) + [r"(?<=[\w])[-/](?=[\w])"]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    return nlp


@lru_cache(maxsize=4)
def get_nlp(lang: str) -> Language:
    """Tokenizer + lookup lemmatiser for ``lang`` ('sv' or 'en') with the full lemma table; hyphen compounds
    split into parts."""
    return nlp_with_lemmas(lang, full_lemma_table(lang))  # with matcha's corrections (labels and text agree)


def full_lemma_table(lang: str) -> dict[str, str]:
    """Form -> lemma, as ``spacy-lookups-data`` ships it for ``lang``."""
    paths = spacy.util.registry.lookups.get(lang if lang in SUPPORTED else "en")
    table = dict(spacy.util.load_language_data(paths["lemma_lookup"]))
    if lang == "sv":  # past tense of strong verbs the table misses or misreads ("drog" -> "droga")
        from models.swedish_forms import IRREGULAR_FORMS

        table.update(IRREGULAR_FORMS)
        table.update({"golv": "golv", "golvet": "golv", "golven": "golv"})  # not the verb "golva"
        # Present tense in -ar that the table reads as an agent noun ("planerar" -> "planerare", "svetsar" ->
        # "svetsare"): no form of a noun in -are ends in -ar, so where the verb is a lemma, the form is the verb.
        verbs = set(table.values())
        table.update({form: form[:-1] for form, lemma in list(table.items())
                      if form.endswith("ar") and lemma == form + "e" and form[:-1] in verbs})
    return table


@lru_cache(maxsize=1)
def english_lemmas() -> dict[str, str]:
    """English form -> lemma (``spacy-lookups-data``), loaded once."""
    return full_lemma_table("en")


def nlp_with_lemmas(lang: str, lemmas: dict[str, str]) -> Language:
    """The same pipeline as ``get_nlp(lang)``, with the lookup lemmatiser reading ``lemmas`` only."""
    from spacy.lookups import Lookups

    nlp = _blank(lang)
    lookups = Lookups()
    lookups.add_table("lemma_lookup", lemmas)
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"}).initialize(lookups=lookups)
    return nlp


def norm(token_text: str, lemma: str) -> str:
    """The form a token is matched on: its lemma, lower-cased (the text itself if no lemma)."""
    return (lemma or token_text).lower()


def normalised_doc(text: str, nlp: Language) -> Doc:
    """A Doc whose tokens' NORM attribute is the lower-cased lemma (what the phrase matchers use)."""
    doc = nlp(text)
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup", {}) if "lemmatizer" in nlp.pipe_names \
        else {}
    for token in doc:
        lemma = token.lemma_
        if lemma == token.text and token.is_title:  # "Läste" at a line's start: look up "läste" (not "MIG")
            lemma = table.get(token.lower_, lemma)
        token.norm_ = norm(token.text, lemma)
    return doc


def normalise_phrases(phrases: list[str], lang: str, batch_size: int = 2000) -> list[tuple[str, ...]]:
    """Token norms of many short phrases (taxonomy labels), batched."""
    nlp = get_nlp(lang)
    return [tuple(norm(t.text, t.lemma_) for t in doc) for doc in nlp.pipe(phrases, batch_size=batch_size)]
