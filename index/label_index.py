"""Embeddings of every taxonomy label, searchable with FAISS, cached on disk per model and taxonomy.

Search returns concepts, not labels: a concept's score is the best score of any of its labels.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from models.embedding import Encoder
from taxonomy.model import Kind, LabelEntry, Taxonomy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConceptHit:
    uri: str
    score: float
    label: str  # the label that scored best


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[-60:]


def entries_digest(entries: list[LabelEntry]) -> str:
    """Fingerprint of exactly the labels a cache was built from: any relabelling invalidates the cache."""
    digest = hashlib.sha1()
    for e in entries:
        digest.update(f"{e.uri}\t{e.lang}\t{e.text}\t{int(e.preferred)}\n".encode())
    return digest.hexdigest()[:16]


def cache_key(model_name: str, kind: Kind, entries: list[LabelEntry]) -> str:
    return f"vectors-{kind}-{_slug(model_name)}-{entries_digest(entries)}"


class LabelIndex:
    def __init__(self, entries: list[LabelEntry], vectors: np.ndarray) -> None:
        if len(entries) != len(vectors):
            raise ValueError("entries and vectors differ in length")
        self.entries = entries
        self.uris = np.array([e.uri for e in entries])
        self.index = faiss.IndexFlatIP(vectors.shape[1])
        self.index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    def search(self, queries: np.ndarray, k: int = 10, depth: int | None = None) -> list[list[ConceptHit]]:
        """Top ``k`` concepts per query vector (labels searched to ``depth``, deduplicated by concept)."""
        if len(queries) == 0:
            return []
        depth = min(depth or k * 8, len(self.entries))
        scores, ids = self.index.search(np.ascontiguousarray(queries, dtype=np.float32), depth)
        results = []
        for row_scores, row_ids in zip(scores, ids):
            hits: dict[str, ConceptHit] = {}
            for score, idx in zip(row_scores, row_ids):
                if idx < 0:
                    continue
                uri = self.entries[idx].uri
                if uri not in hits:
                    hits[uri] = ConceptHit(uri, float(score), self.entries[idx].text)
                    if len(hits) == k:
                        break
            results.append(list(hits.values()))
        return results


def build_label_index(taxonomy: Taxonomy, kind: Kind, encoder: Encoder, cache_dir: Path,
                      languages: tuple[str, ...] = ("en", "sv"), progress: bool = False) -> LabelIndex:
    """Load the cached label vectors, or embed every label once and cache them (float16 on disk)."""
    entries = [e for e in taxonomy.label_entries(kind) if e.lang in languages]
    key = cache_key(encoder.name, kind, entries)
    vectors_path, meta_path = cache_dir / f"{key}.npy", cache_dir / f"{key}.json"
    if vectors_path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("count") == len(entries):
            return LabelIndex(entries, np.load(vectors_path).astype(np.float32))
        log.warning("label vector cache %s is stale; re-embedding", vectors_path.name)
    log.info("embedding %d %s labels with %s (once; cached)", len(entries), kind, encoder.name)
    vectors = encoder.encode([e.text for e in entries], progress=progress)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = vectors_path.with_suffix(".tmp.npy")
    np.save(tmp, vectors.astype(np.float16))
    os.replace(tmp, vectors_path)
    meta_path.write_text(json.dumps({"count": len(entries), "model": encoder.name, "kind": kind,
                                     "taxonomy": taxonomy.version, "languages": list(languages)}))
    for stale in cache_dir.glob(f"vectors-{kind}-{_slug(encoder.name)}-*"):  # older taxonomy or lexicon
        if not stale.name.startswith(key):
            stale.unlink(missing_ok=True)
    return LabelIndex(entries, vectors)
