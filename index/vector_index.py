"""A FAISS index of item vectors (ads or CVs) keyed by store id: add, update and delete without a rebuild,
saved atomically, reloaded on start and brought up to date with the store (the source of truth).

Up to ``exact_limit`` items the search is exact (``IndexIDMap2(IndexFlatIP)``). Beyond it the index becomes a
compressed IVF index (``IndexIVFScalarQuantizer``, 8 bits per dimension: a quarter of the float32 size, 1M
384-d items in about 400 MB), which supports removal by id. Its candidates are re-scored by the exact vectors
(``exact_rerank``: the store's, in ``index/collections.py``), and its ``nprobe`` is tuned at build time, with that
re-scoring, until recall@10 against exact search reaches ``target_recall`` on queries new to the index (left-out
items and midpoints of item pairs), then doubled as a margin. The IVF index is retrained when it has grown to four
times the size it was trained at."""

from __future__ import annotations

import logging
import math
import threading
import time
from pathlib import Path
from typing import Callable

import faiss
import numpy as np

from core.atomic_files import atomic_write
from index.search_types import candidates, exact_rerank

log = logging.getLogger(__name__)


def _ids(ids: list[int] | np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(ids, dtype=np.int64)


def exact_top_k(vectors: np.ndarray, ids: np.ndarray, queries: np.ndarray, k: int,
                chunk: int = 100_000) -> np.ndarray:
    """Exact top-k ids by inner product (numpy), best first: the reference for recall. Items are scored in chunks,
    so a million items never make a queries x items matrix."""
    k = min(k, len(ids))
    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(ids), chunk):
        scores = np.concatenate([best_scores, queries @ vectors[start:start + chunk].T], axis=1)
        found = np.concatenate([best_ids, np.broadcast_to(ids[start:start + chunk], (len(queries),
                                                                                    len(ids[start:start + chunk])))],
                               axis=1)
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        best_scores, best_ids = np.take_along_axis(scores, top, axis=1), np.take_along_axis(found, top, axis=1)
    order = np.argsort(-best_scores, axis=1, kind="stable")
    return np.take_along_axis(best_ids, order, axis=1)


def _selector(allowed: list[int] | np.ndarray) -> tuple[faiss.IDSelector, np.ndarray | None]:
    """An id selector for a filter: a bitmap over the id range (one bit test per item scanned, made in a
    millisecond from a million ids) for many ids, a hash set for a few. The bitmap must outlive the search."""
    ids = _ids(allowed)
    top = int(ids.max()) + 1 if len(ids) else 1
    if len(ids) < 1000 or top > 64 * len(ids) * 8:
        return faiss.IDSelectorBatch(ids), None
    member = np.zeros(top, dtype=bool)
    member[ids] = True
    bitmap = np.packbits(member, bitorder="little")
    return faiss.IDSelectorBitmap(top, faiss.swig_ptr(bitmap)), bitmap


def recall_at_k(found: np.ndarray, truth: np.ndarray) -> float:
    hits = sum(len(set(f[f >= 0]) & set(t)) for f, t in zip(found, truth))
    return hits / max(1, truth.size)


class VectorIndex:
    def __init__(self, dim: int, exact_limit: int = 50_000, target_recall: float = 0.99) -> None:
        self.dim = dim
        self.exact_limit = exact_limit
        self.target_recall = target_recall
        self.versions: dict[int, int] = {}   # id -> store version it was indexed at
        self.generation = -1                 # store generation this index reflects
        self.nprobe = 0
        self.trained_size = 0
        self.lock = threading.RLock()
        # (ids -> the ids found and their float32 vectors): candidates of the compressed form are re-scored by them
        self.exact_vectors: Callable[[list[int]], tuple[list[int], np.ndarray]] | None = None
        self.index: faiss.Index = self._flat()

    def _flat(self) -> faiss.Index:
        return faiss.IndexIDMap2(faiss.IndexFlatIP(self.dim))

    @property
    def kind(self) -> str:
        return "ivf" if self.nprobe else "flat"

    def __len__(self) -> int:
        return len(self.versions)

    # -- changes ----------------------------------------------------------------------------------------------
    def upsert(self, ids: list[int], vectors: np.ndarray, versions: list[int] | None = None) -> None:
        if len(ids) == 0:
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        with self.lock:
            if self.kind == "flat" and len(self.versions.keys() | set(ids)) > self.exact_limit:
                # Past the exact limit: train the IVF index on the flat items and the new ones together, without
                # adding the new ones to the flat index first (a million float32 vectors is 1.5 GB a copy).
                new = set(ids)
                old_ids, old_vectors = self.all_vectors()
                keep = np.array([i not in new for i in old_ids.tolist()], dtype=bool)
                if keep.any():
                    self.build_ivf(np.concatenate([old_ids[keep], _ids(ids)]),
                                   np.concatenate([old_vectors[keep], vectors]))
                else:  # a first load: no copy of the vectors
                    self.build_ivf(_ids(ids), vectors)
            else:
                known = [i for i in ids if i in self.versions]
                if known:
                    self.index.remove_ids(_ids(known))
                self.index.add_with_ids(vectors, _ids(ids))
            for i, version in zip(ids, versions or [1] * len(ids)):
                self.versions[int(i)] = int(version)
            self._maybe_rebuild()

    def remove(self, ids: list[int]) -> int:
        with self.lock:
            present = [i for i in ids if i in self.versions]
            if present:
                self.index.remove_ids(_ids(present))
                for i in present:
                    del self.versions[i]
            return len(present)

    def all_vectors(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, vectors) in the index (exact form only; the IVF form keeps no id map)."""
        with self.lock:
            if self.kind != "flat":
                raise RuntimeError("vectors are read back from the store for an IVF index")
            ids = faiss.vector_to_array(self.index.id_map).astype(np.int64)
            return ids, self.index.index.reconstruct_n(0, self.index.ntotal)

    def _maybe_rebuild(self, vectors_of: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None) -> None:
        n = len(self.versions)
        if self.kind == "flat" and n > self.exact_limit:
            ids, vectors = (vectors_of or self.all_vectors)()
            self.build_ivf(ids, vectors)
        elif self.kind == "ivf" and n > 4 * self.trained_size and vectors_of is not None:
            ids, vectors = vectors_of()
            self.build_ivf(ids, vectors)

    def build_ivf(self, ids: np.ndarray, vectors: np.ndarray, seed: int = 0) -> None:
        """Train an IVF index on ``vectors`` and tune nprobe to the target recall (exact search as truth)."""
        started = time.perf_counter()
        n = len(ids)
        nlist = int(min(4096, max(16, 2 * math.sqrt(n))))
        quantizer = faiss.IndexFlatIP(self.dim)
        ivf = faiss.IndexIVFScalarQuantizer(quantizer, self.dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                            faiss.METRIC_INNER_PRODUCT)
        rng = np.random.default_rng(seed)
        sample = vectors[rng.choice(n, size=min(n, 40 * nlist), replace=False)]
        ivf.train(sample)
        for start in range(0, n, 100_000):
            ivf.add_with_ids(vectors[start:start + 100_000], _ids(ids[start:start + 100_000]))
        position = {int(i): p for p, i in enumerate(ids.tolist())}
        # Tuning queries that are new to the index, like a CV is: leave-one-out items (their own entry is
        # ignored) and midpoints of two random items (a profile that spans two fields).
        picks = rng.choice(n, size=min(n, 200), replace=False)
        pairs = rng.choice(n, size=(min(n, 200), 2))
        middles = vectors[pairs[:, 0]] + vectors[pairs[:, 1]]
        middles /= np.maximum(np.linalg.norm(middles, axis=1, keepdims=True), 1e-9)
        queries = np.concatenate([vectors[picks], middles]).astype(np.float32)
        own = np.concatenate([ids[picks], np.full(len(middles), -2, dtype=np.int64)])

        def top10(found: np.ndarray) -> np.ndarray:
            return np.array([[i for i in row if i != self_id][:10] for row, self_id in zip(found, own)])

        def reranked(found: np.ndarray) -> np.ndarray:  # as searches are: candidates re-scored exactly
            rows = []
            for query, row in zip(queries, found):
                hits = [int(i) for i in row if i >= 0]
                best = exact_rerank(query, hits, vectors[[position[i] for i in hits]], 11)
                rows.append([i for i, _ in best] + [-1] * (11 - len(best)))
            return np.array(rows)

        truth = top10(exact_top_k(vectors, ids, queries, 11))
        nprobe, recall = 1, 0.0
        while nprobe < nlist:
            ivf.nprobe = nprobe
            _, found = ivf.search(queries, candidates(11))
            recall = recall_at_k(top10(reranked(found)), truth)
            if recall >= self.target_recall:
                break
            nprobe *= 2
        ivf.nprobe = min(2 * nprobe, nlist)  # a margin: real queries are not the tuning sample
        with self.lock:
            self.index, self.nprobe, self.trained_size = ivf, ivf.nprobe, n
        log.info("IVF-SQ8 index: %d items, nlist %d, nprobe %d, sample recall@10 %.3f, built in %.1f s",
                 n, nlist, self.nprobe, recall, time.perf_counter() - started)

    # -- search -----------------------------------------------------------------------------------------------
    def search(self, queries: np.ndarray, k: int,
               allowed: list[int] | np.ndarray | None = None) -> list[list[tuple[int, float]]]:
        """Top ``k`` (id, score) per query; ``allowed`` restricts the search to those ids (filters)."""
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        with self.lock:
            if not self.versions or k <= 0 or (allowed is not None and len(allowed) == 0):
                return [[] for _ in queries]
            params = None
            if allowed is not None or self.nprobe:
                selector, bitmap = _selector(allowed) if allowed is not None else (None, None)
                if self.nprobe:
                    # A selective filter leaves few items per list: probe more lists to still find k of them
                    # (by 1/sqrt(share): the filtered nearest lie among the k/share nearest of all, and those
                    # spread over far fewer than 1/share times the lists of the k nearest).
                    share = len(allowed) / len(self.versions) if allowed is not None else 1.0
                    params = faiss.SearchParametersIVF(nprobe=min(self.index.nlist,
                                                                  int(self.nprobe / max(share, 1e-4) ** 0.5) + 1))
                else:
                    params = faiss.SearchParameters()
                if selector is not None:
                    params.sel = selector
            rerank = self.nprobe and self.exact_vectors is not None
            scores, ids = self.index.search(queries, min(candidates(k) if rerank else k, len(self.versions)),
                                            params=params)
        if rerank:
            return [exact_rerank(query, *self.exact_vectors([int(i) for i in row if i >= 0]), k)
                    for query, row in zip(queries, ids)]
        return [[(int(i), float(s)) for s, i in zip(row_s, row_i) if i >= 0] for row_s, row_i in zip(scores, ids)]

    # -- persistence --------------------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """One file, written to a temporary name and renamed: a crash leaves the old index or the new one."""
        with self.lock:
            data = faiss.serialize_index(self.index)
            ids = np.fromiter(self.versions.keys(), dtype=np.int64, count=len(self.versions))
            versions = np.fromiter(self.versions.values(), dtype=np.int64, count=len(self.versions))
            meta = np.array([self.dim, self.generation, self.nprobe, self.trained_size], dtype=np.int64)
            with atomic_write(path) as handle:
                np.savez(handle, index=data, ids=ids, versions=versions, meta=meta)

    @classmethod
    def load(cls, path: Path, dim: int, exact_limit: int = 50_000, target_recall: float = 0.99) -> "VectorIndex":
        index = cls(dim, exact_limit, target_recall)
        if not path.exists():
            return index
        try:
            with np.load(path) as data:  # members read one at a time: no second copy of the whole file
                file_dim, generation, nprobe, trained = (int(x) for x in data["meta"])
                if file_dim != dim:
                    log.warning("index %s has %d-d vectors, the model gives %d-d: rebuilding", path, file_dim, dim)
                    return index
                index.index = faiss.deserialize_index(data["index"])
                index.versions = dict(zip(data["ids"].tolist(), data["versions"].tolist()))
                index.generation, index.nprobe, index.trained_size = generation, nprobe, trained
        except Exception as exc:  # noqa: BLE001 - a damaged index file is rebuilt from the store
            log.warning("index %s could not be read (%s): rebuilding from the store", path, exc)
            return cls(dim, exact_limit, target_recall)
        return index
