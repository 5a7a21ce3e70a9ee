"""What both vector back-ends share: the search interface, its filter, and the exact re-scoring of candidates
(``index/backends.py`` picks the back-end)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class SearchFilter:
    """Which items a search may return: of a kind (ads), in a municipality, in any of several (a region)."""

    kind: str | None = None
    municipality: str | None = None
    municipalities: tuple[str, ...] | None = None

    def __bool__(self) -> bool:
        return bool(self.kind or self.municipality or self.municipalities is not None)


class VectorSearch(Protocol):
    backend: str

    def sync(self) -> bool:
        """Bring the index up to date with the store; True if it changed."""

    def search(self, vector: np.ndarray, k: int, where: SearchFilter | None = None) -> list[tuple[int, float]]:
        """Top ``k`` (id, cosine) for one vector, best first, among the items ``where`` allows."""

    def __len__(self) -> int: ...

    def size_bytes(self) -> int:
        """Bytes the index takes (file or relation sizes)."""


def candidates(k: int) -> int:
    """How many candidates an approximate search returns for the exact re-scoring to pick ``k`` from."""
    return min(1000, max(k + k // 4, 40))


def exact_rerank(query: np.ndarray, ids: list[int], vectors: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The ``k`` best of the candidates by exact inner product with their float32 vectors."""
    if not ids:
        return []
    scores = vectors @ np.asarray(query, dtype=np.float32)
    order = np.lexsort((np.asarray(ids), -scores))[:k]
    return [(int(ids[i]), float(scores[i])) for i in order]
