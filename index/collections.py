"""The FAISS back-end (``index/search_types.py``): one index per collection (ads, CVs), persisted under
MATCHA_HOME and kept in step with the store.

The store is the truth; the index follows it. ``sync`` compares the store's generation counter with the one the
index was saved at and, where they differ, applies exactly the rows whose version changed (added, updated,
deleted). It runs on load, after every write, and before every search, so writes made by another process (the
CLI while the service runs) are picked up, and a lost or damaged index file costs a rebuild, never data."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from index.filter_columns import FilterColumns
from index.search_types import SearchFilter
from index.vector_index import VectorIndex
from store.database import Store
from store.records import Collection

log = logging.getLogger(__name__)


class IndexedCollection:
    backend = "faiss"

    def __init__(self, store: Store, collection: Collection, path: Path, dim: int, exact_limit: int,
                 target_recall: float) -> None:
        self.store, self.collection, self.path, self.dim = store, collection, path, dim
        self.index = VectorIndex.load(path, dim, exact_limit, target_recall)
        self.index.exact_vectors = self._exact_vectors
        self.filters = FilterColumns()
        self.filters.set(self.store.filter_values(collection, list(self.index.versions)))
        self.sync()

    def _exact_vectors(self, ids: list[int]) -> tuple[list[int], np.ndarray]:
        found, vectors, _ = self.store.vectors(self.collection, ids, self.dim)
        return found, vectors

    def _all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        ids, vectors, _ = self.store.vectors(self.collection, list(self.store.versions(self.collection)), self.dim)
        return np.array(ids, dtype=np.int64), vectors

    def sync(self) -> bool:
        """Bring the index up to date with the store; True if it changed (and was saved)."""
        generation = self.store.generation(self.collection)
        if generation == self.index.generation:
            return False
        with self.index.lock:
            if generation == self.index.generation:  # another thread did it meanwhile
                return False
            versions = self.store.versions(self.collection)
            stale = [i for i, v in self.index.versions.items() if versions.get(i) != v]  # deleted or updated
            self.index.remove(stale)
            self.filters.remove(stale)
            wanted = [i for i, v in versions.items() if self.index.versions.get(i) != v]
            ids, vectors, found_versions = self.store.vectors(self.collection, wanted, self.dim)
            self.index.upsert(ids, vectors, found_versions)
            del vectors
            self.filters.set(self.store.filter_values(self.collection, ids))
            self.index._maybe_rebuild(self._all_vectors)
            self.index.generation = generation
            self.index.save(self.path)
            log.info("%s index: %d items (%s); %d added or updated, %d removed", self.collection, len(self.index),
                     self.index.kind, len(ids), len([i for i in stale if i not in versions]))
            return True

    def search(self, vector: np.ndarray, k: int, where: SearchFilter | None = None) -> list[tuple[int, float]]:
        """Top ``k`` (id, cosine); a filter becomes an id selector inside the FAISS search (from the filter columns
        held with the index). The compressed (IVF) form's candidates are re-scored by the store's exact vectors."""
        self.sync()
        allowed = self.filters.allowed(where, has_kind=self.collection.startswith("ads")) if where else None
        return self.index.search(vector[None, :], k, allowed)[0]

    def __len__(self) -> int:
        return len(self.index)

    def size_bytes(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0
