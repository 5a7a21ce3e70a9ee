"""The filter columns (kind, municipality) of every item in a FAISS index, held beside it in numpy arrays: a
search filter becomes the id selector of the FAISS search by one vectorised mask, with no query to the store
per search."""

from __future__ import annotations

import numpy as np

from index.search_types import SearchFilter
from store.database import municipality_key


class FilterColumns:
    def __init__(self) -> None:
        self.ids = np.zeros(0, dtype=np.int64)
        self.kinds = np.zeros(0, dtype=np.int32)
        self.places = np.zeros(0, dtype=np.int32)
        self.codes: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def _code(self, value: str) -> int:
        return self.codes.setdefault(value, len(self.codes))

    def set(self, rows: list[tuple[int, str, str]]) -> None:
        """Add or overwrite (id, kind, municipality key) rows."""
        if not rows:
            return
        ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
        kinds = np.fromiter((self._code(r[1]) for r in rows), dtype=np.int32, count=len(rows))
        places = np.fromiter((self._code(r[2]) for r in rows), dtype=np.int32, count=len(rows))
        self.remove(ids)
        self.ids = np.concatenate([self.ids, ids])
        self.kinds = np.concatenate([self.kinds, kinds])
        self.places = np.concatenate([self.places, places])

    def remove(self, ids: list[int] | np.ndarray) -> None:
        keep = ~np.isin(self.ids, np.asarray(ids, dtype=np.int64))
        if not keep.all():
            self.ids, self.kinds, self.places = self.ids[keep], self.kinds[keep], self.places[keep]

    def allowed(self, where: SearchFilter, has_kind: bool = True) -> np.ndarray:
        """Ids of the items the filter lets through (kind applies to collections that have one, like the store's)."""
        mask = np.ones(len(self.ids), dtype=bool)
        if where.kind and has_kind:
            mask &= self.kinds == self.codes.get(where.kind, -1)
        if where.municipality:
            mask &= self.places == self.codes.get(municipality_key(where.municipality), -1)
        if where.municipalities is not None:
            wanted = np.zeros(len(self.codes) + 1, dtype=bool)  # a look-up table by code: one gather, no sort
            wanted[[self.codes.get(municipality_key(m), -1) for m in where.municipalities]] = True
            wanted[-1] = False
            mask &= wanted[self.places]
        return self.ids[mask]
