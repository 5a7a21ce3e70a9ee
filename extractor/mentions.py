"""Mentions of taxonomy labels in a text: phrase matching over lemma norms, Swedish and English.

Patterns are the taxonomy's labels (ESCO plus matcha's Swedish lexicon), tokenised and lemmatised by spaCy with the
same lookup tables as the text, so inflected forms match ("svetsade" ~ "svetsa", "pipes" ~ "pipe"). Matching is
what spaCy's ``PhraseMatcher(attr="NORM")`` + ``filter_spans`` do, over a table of lemma n-grams: building a
PhraseMatcher for the 110k ESCO labels took 10.5 s on 2 cores, the table loads from its cache in under 2 s.
Swedish closed compounds that end in a known term ("rörsvetsning" -> "svetsning") match with lower confidence.
Labels of one everyday word ("work", "order": ``extractor.everyday_words``) are no patterns; the object of a label
that names using a tool ("operate forklift", "köra cirkelsåg") is one where no label already has that form.
Labels and derived one-word patterns audited as mostly meaning something else ("packing" of *packaging
engineering*, "lamb" from "lambing": ``taxonomy.label_audit``) are none either.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections import defaultdict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from extractor.everyday_words import is_everyday, is_lower_case_acronym
from extractor.label_index import entries_digest
from core.atomic_files import atomic_write
from models.nlp import full_lemma_table, get_nlp, nlp_with_lemmas, normalise_phrases, normalised_doc
from models.swedish_forms import (compound_of_phrase, nominal_phrases, nominalisations, phrase_of_compound,
                                  weak_forms)
from taxonomy.model import Kind, LabelEntry, Taxonomy

log = logging.getLogger(__name__)

MIN_COMPOUND_TERM = 5
# Bumped when the rules that build the cached patterns and lemma tables change (the label digest does not).
_RULES_VERSION = "10"
# Words that join two verbs sharing an object ("läste och tolkade ritningar") or two objects sharing a verb.
_COORDINATORS = {"och", "samt", "eller", "and", "or", ","}
_PART_SEPARATORS = _COORDINATORS | {"/", "&"}  # what joins the parts of a coordinated label ("MIG/MAG welding")


class PatternTarget(NamedTuple):
    """What a pattern points to. The phrase index keeps these as plain tuples (read from its cache without
    building 110k objects at start-up) and names their fields where a pattern matches."""

    uri: str
    kind: Kind
    preferred: bool
    label: str
    lang: str


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    uri: str
    kind: Kind
    method: str       # "phrase" | "compound"
    confidence: float


class PhraseIndex:
    """Phrase matchers for one taxonomy, one per pattern language; built once per process."""

    def __init__(self, taxonomy: Taxonomy, languages: tuple[str, ...] = ("sv", "en"),
                 cache_dir: Path | None = None) -> None:
        self.languages = languages
        self.targets: dict[str, dict[str, list[tuple]]] = {}  # key -> PatternTarget fields
        self.max_words: dict[str, int] = {}
        self.single_terms: dict[str, dict[str, list[tuple]]] = {}
        self.nlp: dict[str, Language] = {}
        entries = [(kind, e) for kind in ("skill", "occupation")
                   for e in taxonomy.label_entries(kind)]  # type: ignore[arg-type]
        for lang in languages:
            in_lang = [(kind, e) for kind, e in entries if e.lang == lang]
            dropped = sorted((key, uri) for uri, of_lang, key in taxonomy.unmatched_patterns if of_lang == lang)
            if cache_dir is None:
                self._build(self._patterns(in_lang, lang, set(dropped)), lang)
                self.nlp[lang] = get_nlp(lang)
                continue
            digest = entries_digest([e for _, e in in_lang]) + _digest_of(dropped)
            raw = _cached(cache_dir, f"phrases{_RULES_VERSION}-{lang}", digest, lambda: {
                k: [tuple(t) for t in v] for k, v in self._patterns(in_lang, lang, set(dropped)).items()})
            self._build(raw, lang)
            lemmas = _cached(cache_dir, f"lemmas{_RULES_VERSION}-{lang}", digest,
                             lambda: self._compact_lemmas(lang))
            self.nlp[lang] = nlp_with_lemmas(lang, lemmas)

    def _compact_lemmas(self, lang: str) -> dict[str, str]:
        """The forms of the full lemma table whose lemma can change a match: the form or its lemma is a pattern
        word, or (Swedish) either ends in a compound term. For any other form, the full table's norm (its
        lemma) and the compact table's (the form itself) are both unknown to the patterns, so matches are the
        same with either table; a test checks this on real CVs."""
        words = {word for key in self.targets[lang] for word in key.split(" ")}
        terms = self.single_terms[lang]

        def matters(word: str) -> bool:
            return word in words or any(word[cut:] in terms
                                        for cut in range(3, len(word) - MIN_COMPOUND_TERM + 1))

        table = full_lemma_table(lang)
        compact = {form: lemma for form, lemma in table.items()
                   if matters(form.lower()) or matters(lemma.lower())}
        if lang == "sv":  # regular past tense of the labels' verbs, where the table lacks or misreads it
            for word in words:
                for form in weak_forms(word):
                    if not table.get(form, "").endswith("a"):
                        compact[form] = word
        return compact

    @staticmethod
    def _patterns(labels: list[tuple[Kind, LabelEntry]], lang: str,
                  dropped: AbstractSet[tuple[str, str]] = frozenset()) -> dict[str, list[PatternTarget]]:
        """Lemma-norm key -> targets, for the labels (of language ``lang``) worth matching; without the (key,
        URI) pairs ``dropped`` (one-word patterns audited as misleading: ``taxonomy.label_audit``)."""
        entries: list[tuple[str, PatternTarget]] = []
        for kind, entry in labels:
            if len(entry.text) < 2 or len(entry.text.split()) > 10:
                continue
            words = entry.text.split()
            # Alternative English occupation labels of one word are mostly generic ("assistant").
            if kind == "occupation" and lang == "en" and not entry.preferred and len(words) == 1:
                continue
            # A label of one everyday word ("work", "order", "lager") mostly means something else in a CV.
            if len(words) == 1 and is_everyday(entry.text, lang):
                continue
            entries.append((entry.text, PatternTarget(entry.uri, kind, entry.preferred, entry.text,  # type: ignore[arg-type]
                                                      lang)))
        norms = normalise_phrases([text for text, _ in entries], lang)
        by_key: dict[str, list[PatternTarget]] = defaultdict(list)
        for (text, target), norm in zip(entries, norms):
            key = " ".join(norm)
            if target not in by_key[key]:
                by_key[key].append(target)
        # "lägga golv" <-> "golvläggning" (Swedish), "köra cirkelsåg" -> "cirkelsåg", where no label has that form
        derived = (_derived_forms(entries) if lang == "sv" else []) + _tool_objects(entries, lang)
        if derived:
            for (text, target), norm in zip(derived, normalise_phrases([t for t, _ in derived], lang)):
                key = " ".join(norm)
                if key not in by_key:
                    by_key[key].append(target._replace(preferred=False))
        kept = {key: [t for t in targets if (key, t.uri) not in dropped] for key, targets in by_key.items()}
        return {key: targets for key, targets in kept.items() if targets}

    def _build(self, by_key: dict[str, list[tuple]], lang: str) -> None:
        self.targets[lang] = by_key
        self.max_words[lang] = max((key.count(" ") + 1 for key in by_key), default=1)
        self.single_terms[lang] = {k: v for k, v in by_key.items()
                                   if " " not in k and len(k) >= MIN_COMPOUND_TERM and lang == "sv"}
        log.info("phrase index %s: %d patterns", lang, len(by_key))

    def _spans(self, doc: Doc, lang: str) -> list[Span]:
        """Longest pattern match at each token, then the longest non-overlapping spans (filter_spans)."""
        table, longest = self.targets[lang], self.max_words[lang]
        norms = [token.norm_ for token in doc]
        spans = []
        for i in range(len(norms)):
            for n in range(min(longest, len(norms) - i), 0, -1):
                key = " ".join(norms[i:i + n])
                if key in table:
                    spans.append(Span(doc, i, i + n, label=key))
                    break
        return filter_spans(spans)

    def _parts(self, doc: Doc, spans: list[Span], lang: str) -> list[Span]:
        """The parts of a coordinated label that are labels themselves: "HTML and CSS" (a label of *use markup
        languages*) names *CSS* too, which the longest match hid. Each part between coordinators, whole."""
        table, found = self.targets[lang], []
        for span in spans:
            cuts = [i for i in range(span.start, span.end) if doc[i].norm_ in _PART_SEPARATORS]
            if not cuts:  # not a coordination: the span is its only part, found already
                continue
            for start, end in zip([span.start, *(c + 1 for c in cuts)], [*cuts, span.end]):
                key = " ".join(token.norm_ for token in doc[start:end])
                if end > start and key in table:
                    found.append(Span(doc, start, end, label=key))
        return found

    def _coordinated(self, doc: Doc, lang: str) -> list[Span]:
        """Phrases split by a coordination: two verbs sharing an object ("läste och tolkade ritningar" ->
        "läsa ritningar") and one verb with a list of objects ("monterade fönster, dörrar och kök" -> "montera
        kök"). The span runs from the verb to the end of the object, so the evidence shows both."""
        table, longest = self.targets[lang], self.max_words[lang]
        norms = [token.norm_ for token in doc]
        spans = []

        def longest_object(verb: int, first: int) -> None:
            for n in range(min(longest - 1, len(norms) - first), 0, -1):
                key = " ".join([norms[verb], *norms[first:first + n]])
                if key in table:
                    spans.append(Span(doc, verb, first + n, label=key))
                    return

        for i in range(len(norms) - 2):
            if not doc[i].is_alpha:
                continue
            if norms[i + 1] in _COORDINATORS and doc[i + 2].is_alpha:  # verb and verb object
                longest_object(i, i + 3)
            for j in range(i + 2, min(i + 8, len(norms) - 1)):  # verb object, object and object
                if doc[j].is_sent_start or norms[j] in {".", ";", ":"}:
                    break
                if norms[j] in _COORDINATORS and norms[j - 1] not in _COORDINATORS:
                    longest_object(i, j + 1)
        return spans

    def find(self, text: str, doc_lang: str) -> list[Mention]:
        mentions: list[Mention] = []
        pattern_langs = [lang for lang in self.languages if lang == doc_lang or lang == "en"]
        for lang in pattern_langs:
            doc = normalised_doc(text, self.nlp[lang])
            spans = self._spans(doc, lang)
            spans += self._parts(doc, spans, lang)
            plain = {span.label_ for span in spans}
            spans += [span for span in self._coordinated(doc, lang) if span.label_ not in plain]
            for span in spans:
                in_name = doc_lang == "sv" and _in_a_name(span)
                for target in map(PatternTarget._make, self.targets[lang][span.label_]):
                    if not _case_ok(span.text, target.label):
                        continue
                    if in_name and target.kind == "skill" and target.label == target.label.lower():
                        continue
                    confidence = 0.95 if target.preferred else 0.9
                    mentions.append(Mention(span.start_char, span.end_char, span.text, target.uri, target.kind,
                                            "phrase", confidence))
            if lang == "sv":
                mentions.extend(self._compounds(doc, {(m.start, m.end) for m in mentions}))
        return mentions

    def _compounds(self, doc: Doc, taken: set[tuple[int, int]]) -> list[Mention]:
        found = []
        terms = self.single_terms["sv"]
        for token in doc:
            if not token.is_alpha or len(token.text) < MIN_COMPOUND_TERM + 3 or _capital_inside(token.text):
                continue
            if any(s <= token.idx < e for s, e in taken):
                continue
            word = token.norm_
            for cut in range(3, len(word) - MIN_COMPOUND_TERM + 1):
                targets = terms.get(word[cut:])
                if targets:
                    for target in map(PatternTarget._make, targets):
                        found.append(Mention(token.idx, token.idx + len(token.text), token.text, target.uri,
                                             target.kind, "compound", 0.7))
                    break
        return found


def _derived_forms(entries: list[tuple[str, PatternTarget]]) -> list[tuple[str, PatternTarget]]:
    """Swedish compounds of two-word verb phrase labels, verb phrases of compound labels and the nominal style of
    skill verb phrases, pointing to the same concept: "lägga golv" -> "golvläggning", "blodprovstagning" -> "ta
    blodprov", "planera transporter" -> "planering av transporter"."""
    verbs = {noun: text.split()[0].lower() for text, _ in entries if len(text.split()) == 2
             for noun in nominalisations(text.split()[0].lower())}
    derived = []
    for text, target in entries:
        words = text.split()
        phrases = [text] if len(words) >= 2 else []
        if len(words) == 2:
            derived.extend((form, target) for form in compound_of_phrase(text))
        elif len(words) == 1 and len(text) >= 9:
            phrases = phrase_of_compound(text, verbs)
            derived.extend((form, target) for form in phrases)
        if target.kind == "skill":
            derived.extend((form, target) for phrase in phrases for form in nominal_phrases(phrase))
    return derived


def _digest_of(dropped: list[tuple[str, str]]) -> str:
    """Part of the pattern cache's key: the dropped patterns (none: nothing, so older caches stay valid)."""
    return "-" + hashlib.sha1(repr(dropped).encode()).hexdigest()[:8] if dropped else ""


# Verbs of labels that name using a tool or a system: the object alone names the skill in a list of tools
# ("Cirkelsåg, spikpistol" -> *operate circular saw*, *operate nail gun*).
TOOL_VERBS = {"en": ("operate", "use"), "sv": ("använda", "köra", "manövrera")}
_ARTICLES = {"a", "an", "the", "en", "ett"}


def _tool_objects(entries: list[tuple[str, PatternTarget]], lang: str) -> list[tuple[str, PatternTarget]]:
    """The object of each skill label that is a tool verb and its object ("operate forklift" -> "forklift"),
    unless the object is one everyday word."""
    verbs = set(TOOL_VERBS.get(lang, ()))
    objects = []
    for text, target in entries:
        words = text.split()
        if target.kind != "skill" or len(words) < 2 or words[0].lower() not in verbs:
            continue
        rest = words[2:] if words[1].lower() in _ARTICLES else words[1:]
        if rest and not (len(rest) == 1 and is_everyday(rest[0], lang)):
            objects.append((" ".join(rest), target))
    return objects


def _cached(cache_dir: Path, prefix: str, digest: str, build: Callable[[], dict]) -> dict:
    """A dict pickled under ``cache_dir`` per exact set of labels (``digest``), built when missing; caches of
    other label sets are removed."""
    path = cache_dir / f"{prefix}-{digest}.pickle"
    if path.exists():
        with path.open("rb") as fh:  # written below by this process or an earlier one: a trusted local cache
            return pickle.load(fh)
    value = build()
    with atomic_write(path) as fh:
        pickle.dump(value, fh, protocol=5)
    for stale in cache_dir.glob(f"{prefix}-*.pickle"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return value


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _capital_inside(word: str) -> bool:
    """A word written with a capital letter inside it is a name ("NordLogistik"), not a compound to split;
    an acronym ("HLR") is not."""
    return not word.isupper() and any(c.isupper() for c in word[1:])


def _in_a_name(span: Span) -> bool:
    """A capitalised word (not an acronym) after the first word of its line, beside another capitalised word
    (not a letter or an acronym) with only spaces between: a word of a name ("Provet Cloud", "Windows Server",
    "Svensk Logistik AB"). Swedish writes common nouns in lower case inside a line, so such a word names a product
    or a firm, not a skill. A line's first word is capitalised by convention ("Journalsystem Provet Cloud": a
    journal system), and a word alone ("i Scrum") or beside punctuation ("Kock, Restaurang") is no name."""
    if len(span) != 1:
        return False
    token, doc = span[0], span.doc
    if not _capitalised(token.text) or token.text.isupper():
        return False

    def joined(left: Token, right: Token) -> bool:  # two words of one line with only spaces between
        return left.is_alpha and right.is_alpha and bool(left.whitespace_) and "\n" not in left.whitespace_

    def name_word(word: str) -> bool:  # "Provet", "Svensk"; not a letter ("Truckkort A") or an acronym ("HP")
        return len(word) >= 2 and _capitalised(word) and not word.isupper()

    before = token.i > 0 and joined(doc[token.i - 1], token) and name_word(doc[token.i - 1].text)
    if before:  # a word before it on its line: not the line's first word
        return True
    after = token.i + 1 < len(doc) and joined(token, doc[token.i + 1]) and name_word(doc[token.i + 1].text)
    if not after:
        return False
    # A line's first word is capitalised by convention: a name only with a word before it on its line.
    line_start = next((t.i for t in reversed(doc[:token.i]) if "\n" in t.text or "\n" in t.whitespace_), -1) + 1
    return any(t.is_alpha for t in doc[line_start:token.i])


def _case_ok(text: str, label: str) -> bool:
    """Short labels ("IT", "Go", "R") must match case exactly, or be an acronym written in lower case that is no
    word ("sql" for "SQL", not "less" for "LESS"); longer ones match any case. No short label matches a shorter
    word: lemmatising "RS" (an alternative label of *geographic information systems*) gives "r", which the
    programming language "R" must not match."""
    if len(label) <= 4 and " " not in label:
        if len(text) < len(label):
            return False
        if label != label.lower():
            return text == label or is_lower_case_acronym(text, label)
    return True
