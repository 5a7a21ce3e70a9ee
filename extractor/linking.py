"""Embedding-based linking: candidate phrases (lines, bullets, clauses) -> nearest taxonomy concepts."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPLIT = re.compile(r"[\n•·●▪■◦|;]+|(?<=[.!?])\s+|(?<=\w)[.:](?=\s)")
_CLAUSE = re.compile(r",\s*|\s+(?:och|samt|and|&|eller|or|with|med)\s+|\s+[-–—]\s+|\(|\)", re.I)
_WORD = re.compile(r"[^\W\d_]{2,}")
_TOKEN = re.compile(r"[\w+#/.-]*\w[+#]*")
# Words that do not start or end a skill phrase: English stop words and the cue words of ads.
_CUE_WORDS = frozenset("ability abilities able experience experienced knowledge understanding proficiency "
                       "proficient skills skill strong good excellent solid advanced basic familiarity familiar "
                       "preferred required plus".split())


# Words an action phrase may run on over (an article or possessive: "unloaded the van"); any other stop word ends it.
_PHRASE_GLUE = frozenset("the a an my our their his her its".split())


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    text: str


def _spans(pattern: re.Pattern, text: str, offset: int) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for match in pattern.finditer(text):
        spans.append((offset + pos, offset + match.start()))
        pos = match.end()
    spans.append((offset + pos, offset + len(text)))
    return spans


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in "+#"):
        end -= 1
    return start, end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Lines, bullets and sentences of the text as (start, end), trimmed as candidate phrases are."""
    spans = [trimmed(text, start, end) for start, end in _spans(_SPLIT, text, 0)]
    return [(start, end) for start, end in spans if end > start]


def candidate_phrases(text: str, max_words: int = 12) -> list[Candidate]:
    """Lines, bullets and sentences of up to ``max_words`` words, and their clauses."""
    seen: set[tuple[int, int]] = set()
    found: list[Candidate] = []

    def add(start: int, end: int) -> None:
        start, end = trimmed(text, start, end)
        words = len(text[start:end].split())
        if end > start and (start, end) not in seen and 1 <= words <= max_words and _WORD.search(text[start:end]):
            seen.add((start, end))
            found.append(Candidate(start, end, text[start:end]))

    for s_start, s_end in _spans(_SPLIT, text, 0):
        add(s_start, s_end)
        clauses = _spans(_CLAUSE, text[s_start:s_end], s_start)
        if len(clauses) > 1:
            for c_start, c_end in clauses:
                add(c_start, c_end)
    return found


def word_windows(text: str, max_words: int = 4) -> list[Candidate]:
    """Every run of 1..``max_words`` words that neither starts nor ends with a stop or cue word (single words of
    4+ letters): the short spans where a skill is named ("concurrent applications", "stakeholders")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(text)]
    content = [t[2] not in STOP_WORDS and t[2] not in _CUE_WORDS and _WORD.search(t[2]) is not None
               for t in tokens]
    found: list[Candidate] = []
    for i in range(len(tokens)):
        if not content[i]:
            continue
        for j in range(i, min(i + max_words, len(tokens))):
            if content[j] and (j > i or len(tokens[i][2]) >= 4):
                start, end = tokens[i][0], tokens[j][1]
                found.append(Candidate(start, end, text[start:end]))
    return found


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Every clause of every line, bullet and sentence (the spans ``candidate_phrases`` splits them into)."""
    return [span for s_start, s_end in _spans(_SPLIT, text, 0)
            for span in _spans(_CLAUSE, text[s_start:s_end], s_start)]


def action_phrases(text: str, leads: frozenset[str], lemmas: dict[str, str], max_words: int = 5) -> list[Candidate]:
    """Inside each clause, the phrases that start at a word whose lemma leads skill labels (``leads``: "train",
    "replace", "prepare") and run on to the next stop word (an article or possessive excepted), punctuation mark
    or the clause's end, ``max_words`` at most, 2 at least: "Trained new employees on the checkouts" gives "Trained
    new employees", which is nearer *train employees* than its clause is."""
    from spacy.lang.en.stop_words import STOP_WORDS

    found: list[Candidate] = []
    for c_start, c_end in clause_spans(text):
        tokens = [(c_start + m.start(), c_start + m.end(), m.group().lower())
                  for m in _TOKEN.finditer(text[c_start:c_end])]
        for i, (start, _, word) in enumerate(tokens):
            if lemmas.get(word, word) not in leads:
                continue
            end, words = tokens[i][1], 1
            for j in range(i + 1, min(i + max_words, len(tokens))):
                gap, word_j = text[tokens[j - 1][1]:tokens[j][0]], tokens[j][2]
                if gap.strip() or (word_j in STOP_WORDS and word_j not in _PHRASE_GLUE) or not _WORD.search(word_j):
                    break
                if word_j not in _PHRASE_GLUE:
                    end, words = tokens[j][1], j - i + 1
            if words >= 2:
                found.append(Candidate(start, end, text[start:end]))
    return found


def label_leads(labels: list[str], lemmas: dict[str, str], least: int = 5) -> frozenset[str]:
    """The lemmas that lead at least ``least`` labels of two or more words (ESCO's skill labels start with their
    verb or head: "train employees", "replace defective devices"); stop words excepted."""
    from collections import Counter

    from spacy.lang.en.stop_words import STOP_WORDS

    counts = Counter(lemmas.get(first, first) for first in (label.split()[0].lower() for label in labels
                                                            if len(label.split()) >= 2))
    return frozenset(word for word, n in counts.items()
                     if n >= least and word not in STOP_WORDS and _WORD.fullmatch(word))
