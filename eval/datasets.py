"""Readers for the benchmark formats: Decorte et al. (sentence -> ESCO skill labels) and MELO (title -> URIs)."""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from taxonomy.model import Taxonomy

EXCLUDED_LABELS = {"UNDERSPECIFIED", "LABEL NOT PRESENT"}


@dataclass
class Example:
    query: str
    gold: set[str]           # URIs
    gold_labels: set[str]    # as given


def read_decorte(path: Path, taxonomy: Taxonomy) -> tuple[list[Example], int]:
    """Sentences with their gold skills as URIs; also the count of gold labels the taxonomy lacks.

    Labels are ESCO v1.1.0 preferred labels compared case-insensitively; a label is resolved to a URI through the
    taxonomy's English preferred labels, then its alternative labels (labels that changed between versions).
    """
    preferred, alternative = {}, {}
    for concept in taxonomy.of_kind("skill"):
        preferred.setdefault(concept.label("en").lower(), concept.uri)
        for alt in concept.alt_labels.get("en", []):
            alternative.setdefault(alt.lower(), concept.uri)
    by_sentence: dict[str, Example] = {}
    missing = 0
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            sentence, label = row["sentence"], (row.get("label") or "").strip()
            example = by_sentence.setdefault(sentence, Example(sentence, set(), set()))
            if not label or label in EXCLUDED_LABELS:
                continue
            uri = preferred.get(label.lower()) or alternative.get(label.lower())
            if uri is None:
                missing += 1
                uri = f"missing:{label.lower()}"
            example.gold.add(uri)
            example.gold_labels.add(label)
    return list(by_sentence.values()), missing


def _tsv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8") as fh:
        return [line.rstrip("\n").split("\t") for line in fh if line.strip()]


def stable_bucket(key: str, n: int) -> int:
    """Which of ``n`` buckets ``key`` falls in: a hash that is the same in every process (``hash`` is not)."""
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % n


def in_part(key: str, part: tuple[int, int] | None) -> bool:
    """Whether ``key`` falls in part i of n (a stable hash of the key), for tuning on one part and reporting on
    another; None: every key."""
    if part is None:
        return True
    i, n = part
    return stable_bucket(key, n) == i - 1


def read_melo(folder: Path, part: tuple[int, int] | None = None) -> list[Example]:
    folder = Path(folder)
    queries = {row[0]: row[1] for row in _tsv(folder / "queries.tsv") if in_part(row[0], part)}
    uri_of = {row[0]: row[1] for row in _tsv(folder / "concept_mapping.tsv")}
    gold: dict[str, set[str]] = {qid: set() for qid in queries}
    for row in _tsv(folder / "annotations.tsv"):
        if len(row) >= 4 and row[3].strip() != "0" and row[2] in uri_of:
            if row[0] in gold:
                gold[row[0]].add(uri_of[row[2]])
    return [Example(queries[qid], gold[qid], set()) for qid in queries]
