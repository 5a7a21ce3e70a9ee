"""Labelled matching collections and the text baselines that matching is measured against.

A collection is a folder with ``cvs/<id>.json`` (``id``, ``lang`` sv|en, ``field``, ``split`` tune|report, ``text``)
and ``ads/<id>.json`` (the same, plus ``title``, ``employer``, ``kind``, ``municipality``), or a CSV of CVs alone
with a text and a label per row (a public resume set, read where it lies: ``read_labelled_csv``). A document is
relevant to a CV when it has the CV's field. Baselines rank by plain text similarity, with well-kept libraries:
TF-IDF cosine (scikit-learn), BM25 (bm25s, its own tokenizer, no stemming) and whole-text embeddings (the
project's encoders, the text in chunks, averaged)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

TOP = 20  # ranks kept per query (precision@5 and MRR within the first 20)


@dataclass
class SetDoc:
    id: str
    lang: str
    field: str
    split: str
    text: str
    title: str = ""
    employer: str = ""
    kind: str = "job"
    municipality: str = ""


class MatchSetError(ValueError):
    pass


def _read_docs(folder: Path, with_ad_fields: bool) -> list[SetDoc]:
    docs = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            doc = SetDoc(id=str(data["id"]), lang=data["lang"], field=data["field"], split=data["split"],
                         text=data["text"])
        except (KeyError, ValueError, TypeError) as exc:
            raise MatchSetError(f"{path}: not a labelled document ({exc})") from None
        if doc.split not in ("tune", "report"):
            raise MatchSetError(f"{path}: split must be tune or report, not {doc.split!r}")
        if with_ad_fields:
            doc.title = data.get("title") or doc.text.strip().split("\n", 1)[0][:200]
            doc.employer, doc.kind = data.get("employer", ""), data.get("kind", "job")
            doc.municipality = data.get("municipality", "")
        docs.append(doc)
    return docs


def read_match_set(folder: Path) -> tuple[list[SetDoc], list[SetDoc]]:
    """(CVs, ads) of a labelled collection."""
    folder = Path(folder)
    if not (folder / "cvs").is_dir() or not (folder / "ads").is_dir():
        raise MatchSetError(f"{folder}: a match set has the folders cvs/ and ads/")
    cvs, ads = _read_docs(folder / "cvs", False), _read_docs(folder / "ads", True)
    if not cvs or not ads:
        raise MatchSetError(f"{folder}: no CVs or no ads")
    return cvs, ads


# A CSV field may hold a whole CV: Python's default limit (131,072 characters) is too small for some resumes.
_CSV_FIELD_LIMIT = 10_000_000


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file (UTF-8, with or without a byte-order mark; the delimiter, comma, semicolon or
    tab, the one the header line has most of)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MatchSetError(f"{path}: no such file") from None
    except (UnicodeDecodeError, IsADirectoryError, PermissionError) as exc:
        raise MatchSetError(f"{path}: not a readable UTF-8 CSV file ({exc.__class__.__name__})") from None
    if "\x00" in text:
        raise MatchSetError(f"{path}: not a text file (it holds NUL bytes)")
    header = text.split("\n", 1)[0]  # it tells the delimiter (a resume's text may hold any of them)
    delimiter = max(",;\t", key=header.count)
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise MatchSetError(f"{path}: not a well-formed CSV file ({exc})") from None
    if not rows:
        raise MatchSetError(f"{path}: empty")
    return [name.strip() for name in rows[0]], rows[1:]


def read_labelled_csv(path: Path, text_column: str = "Resume",
                      label_column: str = "Category") -> tuple[list[SetDoc], list[str]]:
    """CVs of a labelled CSV, one row each: its text and its label (the field that makes two CVs alike), and notes
    on what was read. Rows with no text or no label are left out, and so is a row whose text repeats an earlier
    one's (spacing and case aside: public resume sets repeat many), each counted in the notes. Each CV's language
    is detected; its split (tune or report) is drawn from a stable hash of its text, so that it is the same in
    every run and in every copy of the file."""
    from eval.datasets import stable_bucket
    from extractor.language import detect_language

    header, rows = _csv_rows(path)
    missing = [c for c in (text_column, label_column) if c not in header]
    if missing:
        raise MatchSetError(f"{path}: no column {', '.join(map(repr, missing))}; its columns are "
                            f"{', '.join(map(repr, header))} (--text-column, --label-column)")
    text_at, label_at = header.index(text_column), header.index(label_column)
    docs, seen, left_out = [], {}, {"without text or label": 0, "repeating an earlier row": 0}
    conflicting = 0
    for number, row in enumerate(rows, start=2):  # record 1 is the header
        text = row[text_at].strip() if text_at < len(row) else ""
        label = row[label_at].strip() if label_at < len(row) else ""
        if not text or not label:
            left_out["without text or label"] += 1
            continue
        key = re.sub(r"\s+", " ", text).lower()
        if key in seen:
            left_out["repeating an earlier row"] += 1
            conflicting += seen[key] != label
            continue
        seen[key] = label
        digest = hashlib.sha1(key.encode()).hexdigest()
        docs.append(SetDoc(id=f"csv_{number}_{digest[:8]}", lang=detect_language(text)[0], field=label,
                           split=("tune", "report")[stable_bucket(digest, 2)], text=text))
    if len(docs) < 2 or len({d.field for d in docs}) < 2:
        raise MatchSetError(f"{path}: {len(docs)} CVs with {len({d.field for d in docs})} labels; matching needs "
                            "at least two CVs and two labels")
    notes = [f"{path.name}: {len(docs)} CVs over {len({d.field for d in docs})} labels from {len(rows)} rows"
             + "".join(f"; {n} {why} left out" for why, n in left_out.items() if n)
             + (f" ({conflicting} of those with another label than the first)" if conflicting else "")]
    return docs, notes


# -- baselines -----------------------------------------------------------------------------------------------------
def top_ids(similarity: np.ndarray, target_ids: list[str], query_ids: list[str], k: int = TOP) -> list[list[str]]:
    """Best ``k`` target ids per query row, best first; a query never ranks itself."""
    out = []
    for row, own in zip(similarity, query_ids):
        order = np.argsort(-row, kind="stable")
        out.append([target_ids[j] for j in order if target_ids[j] != own][:k])
    return out


def tfidf_similarity(queries: list[str], targets: list[str], corpus: list[str]) -> np.ndarray:
    vectorizer = TfidfVectorizer(sublinear_tf=True).fit(corpus)
    return (vectorizer.transform(queries) @ vectorizer.transform(targets).T).toarray()


def bm25_similarity(queries: list[str], targets: list[str]) -> np.ndarray:
    corpus = bm25s.tokenize(targets, stopwords=None, return_ids=False, show_progress=False)
    index = bm25s.BM25()
    index.index(corpus, show_progress=False)
    scores = np.zeros((len(queries), len(targets)), dtype=np.float32)
    for row, tokens in enumerate(bm25s.tokenize(queries, stopwords=None, return_ids=False, show_progress=False)):
        known = [t for t in dict.fromkeys(tokens) if t in index.vocab_dict]
        if known:
            scores[row] = index.get_scores(known)
    return scores


def embedding_similarity(query_vectors: np.ndarray, target_vectors: np.ndarray) -> np.ndarray:
    return query_vectors @ target_vectors.T
