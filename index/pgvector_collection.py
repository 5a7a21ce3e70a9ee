"""The pgvector back-end: a collection's vectors in PostgreSQL, searched through an HNSW index that every API
replica and import worker on the database shares (nothing is held or rebuilt per process).

``{collection}_embeddings`` holds, per document, its id (a foreign key with ``ON DELETE CASCADE``: an erased CV
leaves the index in the same transaction), its version, the filter columns (kind, casefolded municipality) and
its vector as ``halfvec`` (half floats: half the size and build time of ``vector``; candidates are re-scored by
the store's float32 vectors). ``sync`` copies the rows whose version changed, under an advisory lock, and records
the store generation it reflects in the store's ``meta`` table, so any process's write is seen by all. A first
load of many rows builds the HNSW index once after the copy (much faster than inserting into it row by row).

Filters go into the SQL of the search (``WHERE kind = … AND municipality_key = ANY(…)``). A filter the planner
estimates to let few rows through (``EXACT_FILTER_ROWS``, from the table's statistics: a municipality) is
answered exactly over those rows, read from a btree on the municipality that carries the vectors too (``INCLUDE``:
an index-only scan, no heap): cheaper than walking the graph past thousands of rows that fail it, and exact. A
broader one uses pgvector's iterative index scan (0.8+), which goes on reading the graph until enough rows pass the
filter; a search the index cannot fill is answered exactly too."""

from __future__ import annotations

import logging
import struct
import time
import zlib
from collections import Counter
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert

from index.search_types import SearchFilter, candidates, exact_rerank
from store.database import VECTOR_COLUMNS, Store, meta_table, municipality_key
from store.records import VectorCollection

log = logging.getLogger(__name__)

BULK_ROWS = 10_000          # a first load of at least this many rows builds the HNSW index after the copy
PAGE_ROWS = 20_000          # rows copied per round trip
BUILD_MEMORY = "2GB"        # maintenance_work_mem for an HNSW build (the graph must fit for a fast build)
HNSW_M, HNSW_EF_CONSTRUCTION = 16, 64
SYNC_CHECK_S = 1.0          # a search checks for unsynced writes at most this often
# A filter estimated to pass at most this many rows is searched exactly over the covering index: on the 1M
# benchmark's database, warm, one municipality's 33k rows took 9.8 ms exact against 18.2 ms by the iterative HNSW
# scan, while the region filter's 80k rows took 70 ms exact against 6.4 ms by the scan (README, Benchmark figures).
EXACT_FILTER_ROWS = 50_000
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)


class PgVectorUnavailable(RuntimeError):
    pass


class PgVectorCollection:
    backend = "pgvector"

    def __init__(self, store: Store, collection: VectorCollection, dim: int, ef_search: int = 100) -> None:
        if store.engine.dialect.name != "postgresql":
            raise ValueError("the pgvector back-end needs a PostgreSQL store")
        self.store, self.collection, self.dim, self.ef_search = store, collection, dim, ef_search
        # The documents' table and the column of this collection's vectors (concept vectors of ads or CVs, or
        # their whole-text vectors): names from VECTOR_COLUMNS, safe to format into SQL.
        self.base, self.column = VECTOR_COLUMNS[collection]
        self.table = f"{collection}_embeddings"
        self.hnsw = f"{self.table}_hnsw"
        self.place_index = f"{self.table}_place_vectors"
        self.lock_key = zlib.crc32(self.table.encode())
        self.meta_key = f"embedded:{collection}"
        self.iterative_scan = self._ensure_schema()
        self._checked = 0.0
        self.strategies: Counter[str] = Counter()  # how searches were answered: hnsw, filtered hnsw, exact
        self.sync()

    # -- schema ---------------------------------------------------------------------------------------------
    def _ensure_schema(self) -> bool:
        """Make the table (or remake it for another vector size); True if pgvector has iterative index scans."""
        t = self.table
        with self.store.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": self.lock_key})
            version = conn.execute(text("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).scalar()
            if version is None:
                try:
                    with conn.begin_nested():
                        conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
                except Exception as exc:  # noqa: BLE001 - no privilege: say what the server needs
                    raise PgVectorUnavailable(
                        "the database has no pgvector extension: run CREATE EXTENSION vector as its owner "
                        f"(PostgreSQL with pgvector installed), or use the FAISS back-end ({exc.__class__.__name__})"
                    ) from exc
                version = conn.execute(text("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).scalar()
            size = conn.execute(text("SELECT atttypmod FROM pg_attribute WHERE attrelid = to_regclass(:t) "
                                     "AND attname = 'embedding'"), {"t": t}).scalar()
            if size is not None and int(size) != self.dim:
                log.warning("%s holds %s-d vectors, the model gives %d-d: rebuilding it", t, size, self.dim)
                conn.execute(text(f"DROP TABLE {t}"))
                conn.execute(meta_table.delete().where(meta_table.c.key == self.meta_key))
            conn.execute(text(
                f"CREATE TABLE IF NOT EXISTS {t} (id integer PRIMARY KEY REFERENCES {self.base}(id) "
                "ON DELETE CASCADE, version integer NOT NULL, kind varchar(20) NOT NULL DEFAULT '', "
                f"municipality_key varchar(100) NOT NULL DEFAULT '', embedding halfvec({self.dim}) NOT NULL)"))
            conn.execute(text(f"DROP INDEX IF EXISTS {t}_municipality"))  # replaced by the covering index
            added = conn.execute(text("SELECT to_regclass(:i) IS NULL"), {"i": self.place_index}).scalar()
            self._create_place_index(conn)
            conn.execute(text(f"CREATE INDEX IF NOT EXISTS {t}_kind ON {t} (kind)"))
        if added:
            self._vacuum()
        major, minor = (int(x) for x in str(version).split(".")[:2])
        return (major, minor) >= (0, 8)

    # -- keeping in step with the store -------------------------------------------------------------------------
    def _generations(self, conn) -> tuple[int, int]:  # noqa: ANN001
        rows = dict(conn.execute(meta_table.select().where(
            meta_table.c.key.in_([f"generation:{self.base}", self.meta_key]))).all())
        return int(rows.get(f"generation:{self.base}", 0)), int(rows.get(self.meta_key, -1))

    def sync(self) -> bool:
        """Copy the rows added or changed since the last sync (any process's); True if it did anything."""
        self._checked = time.monotonic()
        with self.store.engine.connect() as conn:
            generation, done = self._generations(conn)
        if generation == done:
            return False
        started = time.perf_counter()
        t, kind = self.table, "d.kind" if self.base == "ads" else "''"
        with self.store.engine.begin() as conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": self.lock_key})
            generation, done = self._generations(conn)
            if generation == done:  # another process did it meanwhile
                return False
            empty = not conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {t})")).scalar()
            bulk = empty and (conn.execute(text(f"SELECT count(*) FROM {self.base}")).scalar() or 0) >= BULK_ROWS
            if bulk:  # nobody can be reading an empty index: build them once, after the copy
                conn.execute(text(f"DROP INDEX IF EXISTS {self.hnsw}"))
                conn.execute(text(f"DROP INDEX IF EXISTS {self.place_index}"))
            else:
                self._create_hnsw(conn)
            if not empty:
                conn.execute(text(f"CREATE TEMP TABLE IF NOT EXISTS staged (LIKE {t}) ON COMMIT DROP"))
            stale = text(f"SELECT d.id, d.version, {kind}, d.municipality_key, d.{self.column} FROM {self.base} d "
                         f"LEFT JOIN {t} e ON e.id = d.id WHERE (e.id IS NULL OR e.version <> d.version) "
                         f"AND d.{self.column} IS NOT NULL "
                         "AND d.id > :after ORDER BY d.id LIMIT :n")
            after, copied = 0, 0
            raw = conn.connection.driver_connection
            while True:
                rows = conn.execute(stale, {"after": after, "n": PAGE_ROWS}).all()
                if not rows:
                    break
                target = t if empty else "staged"
                with raw.cursor().copy(f"COPY {target} (id, version, kind, municipality_key, embedding) "
                                       "FROM STDIN WITH (FORMAT BINARY)") as copy:
                    copy.write(self._copy_data(rows))
                if not empty:
                    conn.execute(text(
                        f"INSERT INTO {t} SELECT * FROM staged ON CONFLICT (id) DO UPDATE SET "
                        "version = EXCLUDED.version, kind = EXCLUDED.kind, "
                        "municipality_key = EXCLUDED.municipality_key, embedding = EXCLUDED.embedding"))
                    conn.execute(text("TRUNCATE staged"))
                after, copied = rows[-1][0], copied + len(rows)
            if bulk:
                self._create_hnsw(conn)
                self._create_place_index(conn)
                conn.execute(text(f"ANALYZE {t}"))  # statistics for the filters' row estimates at once
            conn.execute(pg_insert(meta_table).values(key=self.meta_key, value=generation)
                         .on_conflict_do_update(index_elements=["key"], set_={"value": generation}))
        if bulk:
            self._vacuum()
        log.info("%s: %d rows copied (generation %d)%s in %.1f s", t, copied, generation,
                 ", indexes built" if bulk else "", time.perf_counter() - started)
        return True

    def _vacuum(self) -> None:
        """The visibility map, so that filtered exact searches read the covering index alone (autovacuum keeps
        it up to date later)."""
        with self.store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM {self.table}"))

    def _create_place_index(self, conn) -> None:  # noqa: ANN001
        """The btree of the filter column that carries the vectors too (INCLUDE): a filtered exact search reads
        only this index (an index-only scan of one municipality's run of leaf pages), not the heap."""
        conn.execute(text(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'"))
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {self.place_index} ON {self.table} (municipality_key) "
                          "INCLUDE (kind, id, embedding)"))

    def _create_hnsw(self, conn) -> None:  # noqa: ANN001
        conn.execute(text(f"SET LOCAL maintenance_work_mem = '{BUILD_MEMORY}'"))
        conn.execute(text(f"CREATE INDEX IF NOT EXISTS {self.hnsw} ON {self.table} USING hnsw "
                          f"(embedding halfvec_ip_ops) WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"))

    def _copy_data(self, rows: list[Any]) -> bytes:
        """Rows in PostgreSQL's binary COPY format (int4, int4, text, text, halfvec)."""
        parts = [_COPY_HEADER]
        vector_head = struct.pack(">ihh", 4 + 2 * self.dim, self.dim, 0)
        for item_id, version, kind, key, blob in rows:
            kind_b, key_b = (kind or "").encode(), (key or "").encode()
            parts.append(struct.pack(">hiiii", 5, 4, item_id, 4, version))
            parts.append(struct.pack(">i", len(kind_b)) + kind_b + struct.pack(">i", len(key_b)) + key_b)
            parts.append(vector_head + np.frombuffer(blob, dtype=np.float32).astype(">f2").tobytes())
        parts.append(struct.pack(">h", -1))
        return b"".join(parts)

    # -- search ---------------------------------------------------------------------------------------------
    def search(self, vector: np.ndarray, k: int, where: SearchFilter | None = None) -> list[tuple[int, float]]:
        # Writers sync in their own call, so every process sees a write at once; a search checks for a write left
        # unsynced (a writer that stopped in between) at most once a second, saving a round trip per search.
        if time.monotonic() - self._checked > SYNC_CHECK_S:
            self.sync()
        if k <= 0:
            return []
        n = candidates(k)  # re-scored exactly
        clauses, params = [], {"q": _literal(vector), "n": n}
        if where and where.kind and self.base == "ads":
            clauses.append("kind = :kind")
            params["kind"] = where.kind
        if where and where.municipality:
            clauses.append("municipality_key = :municipality")
            params["municipality"] = municipality_key(where.municipality)
        if where and where.municipalities is not None:
            clauses.append("municipality_key = ANY(:municipalities)")
            params["municipalities"] = [municipality_key(m) for m in where.municipalities]
        condition = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        distance = f"embedding <#> CAST(:q AS halfvec({self.dim}))"

        def query(order: str) -> Any:
            return text(f"WITH hits AS MATERIALIZED (SELECT id FROM {self.table} {condition} ORDER BY {order} "
                        f"LIMIT :n) SELECT h.id, d.{self.column} FROM hits h JOIN {self.base} d ON d.id = h.id")

        exact = f"({distance}) + 0"  # an expression no index orders by: every filtered row is scored
        with self.store.engine.begin() as conn:
            if clauses and self._estimated_rows(conn, condition, params) <= EXACT_FILTER_ROWS:
                self.strategies["exact"] += 1
                conn.execute(text("SET LOCAL enable_bitmapscan = off"))  # the covering index's rows, no heap
                rows = conn.execute(query(exact), params).all()
            else:
                iterative = "relaxed_order" if clauses and self.iterative_scan else "off"
                conn.execute(text("SELECT set_config('hnsw.ef_search', :ef, true)"
                                  + (", set_config('hnsw.iterative_scan', :scan, true)" if self.iterative_scan
                                     else "")),
                             {"ef": str(min(1000, max(self.ef_search, n))), "scan": iterative})
                rows = conn.execute(query(distance), params).all()
                self.strategies["filtered hnsw" if clauses else "hnsw"] += 1
                if clauses and len(rows) < n:  # the index could not fill it: exact over the filtered rows
                    self.strategies["exact after hnsw"] += 1
                    rows = conn.execute(query(exact), params).all()
        if not rows:
            return []
        ids = [int(r[0]) for r in rows]
        vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(-1, self.dim)
        return exact_rerank(vector, ids, vectors, k)

    def _estimated_rows(self, conn, condition: str, params: dict[str, Any]) -> float:  # noqa: ANN001
        """The planner's estimate of the rows a filter lets through (table statistics; no row is read)."""
        used = {k: v for k, v in params.items() if f":{k}" in condition}
        plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {self.table} {condition}"), used).scalar()
        return float(plan[0]["Plan"]["Plan Rows"])

    # -- size -------------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        with self.store.engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {self.table}")).scalar() or 0)

    def size_bytes(self) -> int:
        """The table with its indexes (HNSW included)."""
        with self.store.engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_total_relation_size(to_regclass(:t))"), {"t": self.table})
                       .scalar() or 0)

    def hnsw_bytes(self) -> int:
        with self.store.engine.connect() as conn:
            return int(conn.execute(text("SELECT coalesce(pg_relation_size(to_regclass(:t)), 0)"),
                                    {"t": self.hnsw}).scalar() or 0)


def _literal(vector: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.6g}" for x in np.asarray(vector, dtype=np.float32)) + "]"
