"""Words that are not matched in text: one-word ESCO labels, and one-word patterns matcha derives from labels, that,
found alone in a CV or ad, mostly mean something else than their skill. Each was judged by reading it against the
skill's ESCO description (``taxonomy/data/unmatched_words.tsv``, with the reason); the role says what was judged:
- ``preferred`` / ``alternative``: a label ("packing", an alternative label of *packaging engineering*). The
  concept keeps it as a name (search, explanations), but neither phrase matching nor the label vectors use it.
- ``word form``: the base form a one-word label is matched by ("lamb", from "lambing" of *assist animal birth*);
  ``tool object``: the object of a label that names using a tool ("ultrasound", from "use ultrasound"). That
  pattern is dropped; the label itself stays, and its vector too.
Such a word then reaches a profile only when linking by similarity finds that it fits its sentence.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from taxonomy.model import Taxonomy

DATA_FILE = Path(__file__).parent / "data" / "unmatched_words.tsv"
LABEL_ROLES = ("preferred", "alternative")
PATTERN_ROLES = ("word form", "tool object")


class UnmatchedWord(NamedTuple):
    lang: str
    text: str  # the label, or the pattern's base form (lower case)
    uri: str
    role: str


def read_unmatched(path: Path = DATA_FILE) -> list[UnmatchedWord]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        lang, text, uri, role = line.split("\t")[:4]
        if role not in LABEL_ROLES + PATTERN_ROLES:
            raise ValueError(f"{path.name}: unknown role {role!r} for {text!r}")
        rows.append(UnmatchedWord(lang, text, uri, role))
    return rows


def apply_unmatched(taxonomy: Taxonomy, rows: list[UnmatchedWord]) -> int:
    """Mark the rows in the taxonomy (``Taxonomy.unmatch``, ``Taxonomy.unmatched_patterns``) where the concept
    exists and, for a label, has that label; returns how many were marked."""
    marked = 0
    for row in rows:
        concept = taxonomy.get(row.uri)
        if concept is None:
            continue
        if row.role in PATTERN_ROLES:
            taxonomy.unmatched_patterns.add((row.uri, row.lang, row.text.casefold()))
        elif row.text.casefold() in {text.casefold() for text in concept.labels_in(row.lang)}:
            taxonomy.unmatch(row.uri, row.lang, row.text)
        else:
            continue
        marked += 1
    return marked
