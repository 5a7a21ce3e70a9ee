"""Labelled matching collections and the text baselines that matching is measured against.

A collection is a folder with ``cvs/<id>.json`` (``id``, ``lang`` sv|en, ``field``, ``split`` tune|report, ``text``)
and ``ads/<id>.json`` (the same, plus ``title``, ``employer``, ``kind``, ``municipality``). A document is relevant
to a CV when it has the CV's field. Baselines rank by plain text similarity, with well-kept libraries:
TF-IDF cosine (scikit-learn), BM25 (bm25s, its own tokenizer, no stemming) and whole-text embeddings (the
project's encoders, the text in chunks, averaged)."""

from __future__ import annotations

import json
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
