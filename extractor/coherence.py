"""Word sense and coherence: does a concept fit its sentence and its document, or does it merely share a word?

Each skill a profile would hold is a candidate; whether it is kept depends on figures that are all computed (no
list of words), so the rule carries to words nobody listed:

- **ambiguity** of the words it was found by: log2 of the number of taxonomy concepts whose labels contain all of
  them (lemma norms, every label of the pattern language). "Board", "process", "engineering" occur in the labels
  of hundreds of concepts; "MIG/MAG-svetsning", "Java", "control systems" in a few.
- **everyday words**: a label found as one word that is common in the language (wordfreq's Zipf scale: "så",
  "history", "security") is not specific however few labels have it: it needs support like an ambiguous one.
- **unknown words**: words of the evidence that no taxonomy label has ("Docker", "CI", "Scrum"): ESCO lacks what
  the phrase is about, so a link to a label that shares another of its words ("containers") proves nothing.
  Everyday words ("every week", "lunch") are not such terms.
- **sentence fit**: cosine of the line or sentence the evidence is in and the concept (its label and description
  for the English reader, ``Resources.skill_descriptions``; its Swedish labels for the e5 reader).
- **anchor fit**: mean cosine of the concept and the document's specific concepts (taxonomy labels found with
  ambiguity at most ``SPECIFIC``), in one space for every reader (label and description, all-MiniLM): "dock
  operations" is far from the Java, Python and Git of a developer's CV.
- **word grounding** of a link in English text (``extractor.grounding``): whether every word of the concept's
  label finds a close word in its line; "cleaning cages and the ward" is near *clean fish cage*, but "fish" has
  nothing in the line to stand on.
- **shadowing**: whether the evidence also names a more confident concept ("working in a team" is *work in teams*
  before it is *work in textile manufacturing teams*), how often and where in the CV the concept is found.

Similarities are rescaled so that 0 is what two unrelated texts score in that model (the mean cosine of random
entries; e5's similarities are compressed) and 1 is identity. Which candidates stay is decided by a logistic model
over these figures (``extractor.keep_model``), learned from labelled CVs, not by hand-set cut-offs.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import numpy as np

from extractor.everyday_words import is_everyday
from extractor.grounding import WordGrounding
from extractor.keep_model import KeepModel, load_keep_model
from extractor.label_index import LabelIndex
from extractor.linking import sentence_spans
from extractor.mentions import PhraseIndex
from extractor.profile import ConceptMatch
from extractor.sections import line_at
from models.encoders import Encoder
from models.nlp import normalised_doc

_WORD = re.compile(r"[^\W\d_]{2,}|[A-Za-z]+[+#]+")
# Evidence whose words all occur together in the labels of at most 2**SPECIFIC concepts is specific.
SPECIFIC = 2.0
# A phrase that holds a word no taxonomy label has ("Docker containers", "CI pipelines") and stands further than
# UNKNOWN_WORD_ANCHORS from the document's specific concepts is never kept: ESCO lacks the term, so its link
# rests on a shared word only (the issue's *test pipeline infrastructure operations* from "set up CI pipelines").
UNKNOWN_WORD_ANCHORS = 0.15
# A short text, for the keep threshold (``KeepModel.thresholds["short"]``): at most two lines and SHORT_WORDS words,
# two lines as long as the longest the threshold was chosen on (CV lines read alone: 41 words). A CV pasted as one
# or two long paragraphs is not a short text.
SHORT_WORDS = 80
# What a caller says a text is: a CV, an ad, or any other text (a search, a sentence). Swedish CVs have a keep
# threshold of their own (``Fit.kind``, ``eval.keep_thresholds``).
DOCUMENTS = ("cv", "ad", "text")


def specific(method: str, ambiguity: float, common: bool) -> bool:
    """A taxonomy label found in the text by words that point to few concepts and are not everyday words."""
    return method != "embedding" and ambiguity <= SPECIFIC and not common


@dataclass
class Fit:
    """What is known about one candidate concept in one document."""

    uri: str
    method: str
    score: float            # the link's own confidence (label similarity, or the phrase match's)
    ambiguity: float        # log2 of the number of concepts whose labels have all the evidence's words
    sentence: float = 0.0   # best (rescaled) cosine of an evidence's line and the concept
    unknown: int = 0        # words of the evidence that no taxonomy label has
    common: bool = False    # every evidence is one word of everyday language ("så", "history")
    anchors: float | None = None  # mean similarity to the document's specific concepts (``SPECIFIC``); None: none
    language: str = "en"    # the document's
    group: str = ""         # ESCO top group letter: S (skills), K (knowledge), T (transversal), A, L
    places: int = 1         # evidence spans
    words: int = 1          # words of the shortest evidence
    sections: frozenset[str] = frozenset()  # CV sections of the evidence
    shadowed: bool = False  # every evidence span is also evidence of a more confident candidate
    overlap: bool = False   # some evidence span is
    lines: int = 0          # non-empty lines of the document (one for a sentence of an ad, a search)
    text_words: int = 0     # words of the document
    document: str = "text"  # what the caller says the text is: "cv", "ad" or "text"
    grounding: tuple[float, float] | None = None  # least and mean word support of a link's label in its line (English)

    @property
    def specific(self) -> bool:
        """A taxonomy label in the text whose words point to few concepts ("MIG/MAG-svetsning", "Java")."""
        return specific(self.method, self.ambiguity, self.common)

    @property
    def kind(self) -> str:
        """The kind of text, for the keep threshold: "short" (a line or two, ``SHORT_WORDS`` words at most), "cv_sv"
        (a longer Swedish CV) or ""."""
        if self.lines <= 2 and self.text_words <= SHORT_WORDS:
            return "short"
        return "cv_sv" if self.document == "cv" and self.language == "sv" else ""

    @property
    def tier(self) -> str:
        """The kind of CV whose profile people see has a threshold of its own (``KeepModel.shown``): "cv_sv" (a
        longer Swedish CV), "cv" (a longer CV in another language) or "" (an ad, a short text: one tier)."""
        if self.document != "cv" or self.kind == "short":
            return ""
        return self.kind or "cv"

    @property
    def support(self) -> float:
        """How well the concept fits its sentence and the rest of the document: the mean of its sentence fit
        and its closeness to the document's specific concepts (the sentence fit alone where there are none)."""
        return self.sentence if self.anchors is None else (self.sentence + self.anchors) / 2

    def features(self) -> dict[str, float]:
        """The figures the keep model weighs (``extractor.keep_model.FEATURES``; flags are 0/1, counts capped)."""
        linked = float(self.method == "embedding")
        least, mean = self.grounding or (0.0, 0.0)
        return {
            "linked": linked,  # a phrase linked by similarity, not a label found in the text
            "score": self.score,  # the link's or the phrase match's own confidence
            "linked_score": self.score * linked,
            "support": self.support,  # sentence and document fit
            "sentence": self.sentence,
            "anchors": self.anchors if self.anchors is not None else 0.0,
            "no_anchors": float(self.anchors is None),
            "ambiguity": min(self.ambiguity, 8.0),
            "unknown_word": float(self.unknown > 0),
            "everyday": float(self.common),
            "specific": float(self.specific),
            "shadowed": float(self.shadowed),  # every evidence also names a more confident concept
            "overlap": float(self.overlap),  # some evidence does
            "places": float(min(self.places, 4)),
            "words": float(min(self.words, 6)),  # the shortest evidence, in words
            "knowledge": float(self.group == "K"),  # ESCO knowledge (K), transversal (T) or another skill
            "transversal": float(self.group == "T"),
            "swedish": float(self.language == "sv"),
            "short_text": float(self.lines <= 2),  # a sentence or two: no sections, little document to fit
            **{f"in_{section}": float(section in self.sections)
               for section in ("skills", "experience", "education", "profile")},
            # Word grounding of a link by similarity (``extractor.grounding``; a label found in the text is grounded
            # by construction; 0 where not measured: text other than English), and whether it was measured, so
            # that a link nobody could ground does not pass for an ungrounded one.
            "linked_grounding_least": least * linked, "linked_grounding_mean": mean * linked,
            "linked_grounded": linked * float(self.grounding is not None),
        }

    @property
    def rests_on_a_shared_word(self) -> bool:
        """Linked by similarity through a phrase with a term the taxonomy lacks, far from the document's specific
        concepts (``UNKNOWN_WORD_ANCHORS``): never kept, whatever the keep model says."""
        return (self.method == "embedding" and self.unknown > 0 and self.anchors is not None
                and self.anchors < UNKNOWN_WORD_ANCHORS)


class WordSpread:
    """How many concepts each lemma norm occurs in the labels of, per pattern language (built from the phrase
    index's own keys, so the words are normalised exactly as the text is)."""

    def __init__(self, phrases: PhraseIndex) -> None:
        self.phrases = phrases
        self.concepts: dict[str, dict[str, frozenset[str]]] = {}
        for lang, table in phrases.targets.items():
            by_word: dict[str, set[str]] = defaultdict(set)
            for key, targets in table.items():
                for word in set(key.split(" ")):
                    if _WORD.fullmatch(word):
                        by_word[word].update(t[0] for t in targets)
            self.concepts[lang] = {word: frozenset(uris) for word, uris in by_word.items()}

    def unknown(self, text: str, lang: str, uri: str | None = None) -> int:
        """How many words of the text no taxonomy label has ("Docker", "Scrum"); with ``uri``, also the words
        that name another concept: words in the labels of one concept only, not ``uri`` ("CI", only in a label
        of Jenkins, for a link to *test pipeline infrastructure operations*)."""
        lang = lang if lang in self.concepts else "en"
        table = self.concepts[lang]
        return sum(1 for t in normalised_doc(text, self.phrases.nlp[lang]) if _WORD.fullmatch(t.norm_)
                   and not is_everyday(t.norm_, lang)  # "every week", "lunch": words, not terms ESCO lacks
                   and (t.norm_ not in table or (uri is not None and len(table[t.norm_]) == 1
                                                 and uri not in table[t.norm_])))

    @staticmethod
    def common(text: str, lang: str) -> bool:
        """Whether the text is one everyday word of its language (``extractor.everyday_words``: "history",
        "security"; not "welding", "Python", "svetsning"). Such a word mostly means something else than the one
        label it matches."""
        words = _WORD.findall(text)
        return len(words) == 1 and is_everyday(words[0], lang)  # "C++" is not the letter "c"

    def ambiguity(self, text: str, lang: str) -> float:
        """log2 of the number of concepts whose labels contain every word of the text that labels have (0: one
        concept, or words no label has); where no label has them all, that of the text's rarest word."""
        lang = lang if lang in self.concepts else "en"
        table = self.concepts[lang]
        norms = {t.norm_ for t in normalised_doc(text, self.phrases.nlp[lang]) if _WORD.fullmatch(t.norm_)}
        sets = sorted((table[n] for n in norms if n in table), key=len)
        if not sets:
            return 0.0
        shared = set(sets[0])
        for other in sets[1:]:
            shared &= other
        return math.log2(len(shared) or len(sets[0]))


class SenseCheck:
    """Computes each candidate concept's :class:`Fit` in a document and decides which are kept."""

    def __init__(self, phrases: PhraseIndex, concepts: LabelIndex, group_of: Callable[[str], str],
                 model: KeepModel | None = None, threshold: float | None = None,
                 grounding: WordGrounding | None = None) -> None:
        """``concepts``: one vector per skill (label and description) for comparing skills with each other,
        whatever reads the text; ``group_of``: a concept's ESCO top group; ``model``: which fits are kept
        (``extractor.keep_model``, the shipped one by default), at ``threshold`` (default: the model's);
        ``grounding``: word grounding of links in English text (none: not measured)."""
        self.spread = WordSpread(phrases)
        self.grounding = grounding
        self.concepts = concepts
        self.group_of = group_of
        self._model = model
        self.threshold = threshold

    @property
    def model(self) -> KeepModel:
        """The keep model, read when first needed (so that candidates can be drafted to train a new one)."""
        if self._model is None:
            self._model = load_keep_model()
        return self._model

    @staticmethod
    def _scale(index: LabelIndex):
        unrelated = index.unrelated_level()
        return lambda x: (x - unrelated) / (1.0 - unrelated)

    def keeps(self, fit: Fit) -> bool:
        """Whether a candidate stays: not a link resting on a shared word, and accepted by the keep model."""
        return not fit.rests_on_a_shared_word and self.model.keeps(fit.features(), fit.kind, fit.tier, self.threshold)

    def shows(self, fit: Fit) -> bool:
        """Whether a kept candidate is in the profile people see; one kept below it is a possible skill."""
        return self.model.shows(fit.features(), fit.tier)

    def fits(self, text: str, language: str, matches: list[ConceptMatch], encoder: Encoder, index: LabelIndex,
             known: dict[str, np.ndarray], document: str = "text") -> list[Fit]:
        """Each match's fit; ``index`` holds the concepts in ``encoder``'s space (descriptions, or labels);
        ``known``: vectors by text (the candidate phrases'; lines it lacks are embedded and added)."""
        if not matches:
            return []
        spans = sentence_spans(text)
        lines = [text[start:end] for start, end in spans]
        rows = [sorted({i for ev in m.evidence for i, (s, e) in enumerate(spans) if s <= ev.start < e})
                for m in matches]
        needed = sorted({i for found in rows for i in found})
        missing = sorted({lines[i] for i in needed} - known.keys())
        if missing:  # lines with a skill that no candidate phrase covers (one word, headings): usually none or one
            known.update(zip(missing, encoder.encode(missing)))
        uris = [m.uri for m in matches]
        by_sentence = np.zeros((len(spans), len(uris)), dtype=np.float32)
        if needed:
            vectors = np.stack([known[lines[i]] for i in needed])
            by_sentence[needed] = self._scale(index)(index.similarities(vectors, uris))
        concepts = self.concepts.concept_vectors(uris)
        between = self._scale(self.concepts)(concepts @ concepts.T)
        ambiguity = [min(self.spread.ambiguity(ev.text, language) for ev in m.evidence) for m in matches]
        common = [all(self.spread.common(ev.text, language) for ev in m.evidence) for m in matches]
        anchors = [j for j, m in enumerate(matches) if specific(m.method, ambiguity[j], common[j])]
        evidence = [{(ev.start, ev.end) for ev in m.evidence} for m in matches]
        n_lines = sum(1 for line in text.splitlines() if line.strip())
        n_words = len(text.split())
        grounded = self._grounded(text, language, matches, encoder)
        fits = []
        for column, match in enumerate(matches):
            others = [j for j in anchors if j != column]
            above = [j for j, m in enumerate(matches) if (m.confidence, m.uri) > (match.confidence, match.uri)]
            covered = set().union(*(evidence[j] for j in above))
            fits.append(Fit(
                uri=match.uri, method=match.method, score=match.confidence, ambiguity=ambiguity[column],
                common=common[column],
                unknown=min(self.spread.unknown(ev.text, language, match.uri) for ev in match.evidence),
                sentence=float(max(by_sentence[i, column] for i in rows[column])) if rows[column] else 0.0,
                anchors=float(np.mean(between[column, others])) if others else None,
                language=language, group=self.group_of(match.uri), places=len(match.evidence),
                words=min(len(ev.text.split()) for ev in match.evidence),
                sections=frozenset(ev.section for ev in match.evidence if ev.section),
                shadowed=evidence[column] <= covered, overlap=bool(evidence[column] & covered), lines=n_lines,
                text_words=n_words, grounding=grounded[column], document=document))
        return fits

    def _grounded(self, text: str, language: str, matches: list[ConceptMatch],
                  encoder: Encoder) -> list[tuple[float, float] | None]:
        """Each link's word grounding: the best over its evidence's lines (English text only; a label found in the
        text is grounded by construction and is not measured)."""
        if self.grounding is None or language != "en":
            return [None] * len(matches)
        lines = [[line_at(text, ev.start) for ev in m.evidence] if m.method == "embedding" else [] for m in matches]
        pairs = sorted({(line, m.uri) for m, found in zip(matches, lines) for line in found})
        scored = dict(zip(pairs, self.grounding.scores(pairs, encoder)))
        return [(max(scored[line, m.uri][0] for line in found), max(scored[line, m.uri][1] for line in found))
                if found else None for m, found in zip(matches, lines)]
