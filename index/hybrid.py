"""Hybrid retrieval: three channels over one collection (ads or CVs), fused by reciprocal rank before re-ranking.

- ``concept``: the index of concept vectors (index.cards; FAISS or pgvector): competences in one
  language-independent space.
- ``lexical``: BM25 over the masked texts (index.lexical).
- ``text``: the index of whole-text vectors (same back-end) (the collection ``ads_text`` / ``cvs_text``): the masked text
  embedded by the multilingual model (MATCHA_MODEL_SV, multilingual-e5-small by default), so a Swedish CV and an
  English ad meet.
Each channel returns its ``retrieve`` best (filters applied inside the search); the union is ranked by
reciprocal rank fusion and the best ``retrieve`` go on to re-ranking, each with its fused score scaled to 0..1.
Only masked text reaches the lexical and text channels: no name or contact detail can move a ranking."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.ranking_weights import RankingWeights
from index.fusion import best_possible, reciprocal_rank_fusion
from index.lexical import LexicalCollection
from index.search_types import SearchFilter, VectorSearch
from models.encoders import Encoder

_CHUNK_CHARS = 1200


def text_chunks(text: str, size: int = _CHUNK_CHARS) -> list[str]:
    """The text in pieces of about ``size`` characters, cut at line ends (a model reads ~512 tokens at most)."""
    chunks, current = [], ""
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if current and len(current) + len(line) > size:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line[:4 * size]
    if current:
        chunks.append(current)
    return chunks


def embed_text(encoder: Encoder, text: str) -> np.ndarray:
    """A whole text as one unit vector: the mean of its chunks' embeddings."""
    chunks = text_chunks(text) or [" "]
    mean = encoder.encode(chunks).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm if norm > 0 else mean).astype(np.float32)


@dataclass
class Query:
    vector: np.ndarray                   # concept vector
    text: str = ""                       # masked text (empty: no lexical channel)
    language: str = "en"
    text_vector: np.ndarray | None = None
    exclude: int | None = None           # the query's own id, in its own collection


@dataclass
class Pool:
    ids: list[int]
    fused: dict[int, float]              # id -> fused score scaled to 0..1
    channels: dict[str, list[tuple[int, float]]] = field(default_factory=dict)


class HybridRetriever:
    def __init__(self, concept: VectorSearch, lexical: LexicalCollection, text: VectorSearch,
                 weights: RankingWeights) -> None:
        self.concept, self.lexical, self.text, self.weights = concept, lexical, text, weights

    def channels(self, query: Query, depth: int,
                 where: SearchFilter | None = None) -> dict[str, list[tuple[int, float]]]:
        """Each channel's (id, score) list, best first."""
        w = self.weights
        ranked: dict[str, list[tuple[int, float]]] = {}
        if w.concept_channel > 0:
            ranked["concept"] = self.concept.search(query.vector, depth + 1, where)
        if w.lexical_channel > 0 and query.text:
            ranked["lexical"] = self.lexical.search(query.text, query.language, depth + 1, where)
        if w.text_channel > 0 and query.text_vector is not None:
            ranked["text"] = self.text.search(query.text_vector, depth + 1, where)
        return {name: [(i, s) for i, s in hits if i != query.exclude][:depth] for name, hits in ranked.items()}

    def retrieve(self, query: Query, depth: int, where: SearchFilter | None = None) -> Pool:
        w = self.weights
        weights = {"concept": w.concept_channel, "lexical": w.lexical_channel, "text": w.text_channel}
        ranked = self.channels(query, depth, where)
        fused = reciprocal_rank_fusion(ranked, weights, w.rrf_k)
        scale = best_possible(weights, list(ranked), w.rrf_k) or 1.0
        ids = sorted(fused, key=lambda i: (-fused[i], i))[:depth]
        return Pool(ids, {i: fused[i] / scale for i in ids}, ranked)
