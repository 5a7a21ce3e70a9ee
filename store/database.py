"""The store: ads and CVs, their profiles, cards and vectors, in SQLite by default (any SQLAlchemy URL, e.g.
``postgresql+psycopg://...``, through ``MATCHA_DATABASE_URL``). Written with SQLAlchemy Core and portable types
only (Integer, String, Text, Boolean, LargeBinary, JSON-as-text), so PostgreSQL needs a driver, nothing else.

The store is the source of truth. Each row has a ``version`` (bumped on every change) and each collection a
``generation`` (bumped in the same transaction), so a FAISS index can tell cheaply whether it is behind."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any, Iterable, Iterator

import numpy as np
from sqlalchemy import (Boolean, Column, Index, Integer, LargeBinary, MetaData, String, Table, Text, create_engine,
                        delete, event, func, insert, inspect, literal, select, update)
from sqlalchemy.engine import Engine

from store.records import Collection, VectorCollection

log = logging.getLogger(__name__)

metadata = MetaData()


def _document_table(name: str, *extra: Column) -> Table:
    return Table(
        name, metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("owner", String(200), index=True),
        Column("municipality", String(100), nullable=False, default=""),
        Column("municipality_key", String(100), index=True, nullable=False, default=""),  # casefolded
        Column("profile", Text, nullable=False),   # CompetenceProfile JSON (text and evidence)
        Column("card", Text, nullable=False),      # MatchCard JSON (what ranking reads)
        Column("vector", LargeBinary, nullable=False),
        Column("text_vector", LargeBinary, nullable=True),  # the masked text embedded (hybrid matching)
        Column("version", Integer, nullable=False, default=1),
        Column("created_at", String(32), nullable=False),
        Column("updated_at", String(32), nullable=False),
        *extra,
    )


TABLES: dict[str, Table] = {
    "ads": _document_table("ads", Column("title", String(300), nullable=False),
                           Column("employer", String(300), nullable=False, default=""),
                           Column("kind", String(20), index=True, nullable=False),
                           # Imported ads (matcha/ingestion.py): the feed's id or a content hash, a hash of what
                           # was imported (unchanged content is skipped) and the application deadline (UTC ISO).
                           Column("external_id", String(200)),
                           Column("content_hash", String(64)),
                           Column("expires_at", String(32))),
    "cvs": _document_table("cvs", Column("contact", Text, nullable=False, default="{}"),
                           Column("consent_contact", Boolean, nullable=False, default=False)),
}
Index("ux_ads_external_id", TABLES["ads"].c.external_id, unique=True)  # NULLs (API ads) do not collide
Index("ix_ads_expires_at", TABLES["ads"].c.expires_at)
# Columns added after a store may have been made: added in place when an older store is opened.
_ADDED_COLUMNS = {"ads": ("external_id", "content_hash", "expires_at", "text_vector"), "cvs": ("text_vector",)}
_SCHEMA_LOCK = 7_291_001  # PostgreSQL advisory lock held while the tables are made
# Vector collections: which table and column hold them. The whole-text vectors ride on the document's row (same
# id, version and generation), so an index of them follows the store exactly as the concept index does.
VECTOR_COLUMNS: dict[str, tuple[Collection, str]] = {"ads": ("ads", "vector"), "cvs": ("cvs", "vector"),
                                                     "ads_text": ("ads", "text_vector"),
                                                     "cvs_text": ("cvs", "text_vector")}
meta_table = Table("meta", metadata, Column("key", String(100), primary_key=True),
                   Column("value", Integer, nullable=False))
users_table = Table("users", metadata,
                    Column("id", Integer, primary_key=True, autoincrement=True),
                    Column("name", String(200), nullable=False),
                    Column("role", String(20), nullable=False),
                    Column("token_hash", String(64), nullable=False, unique=True),  # SHA-256 of the bearer token
                    Column("created_at", String(32), nullable=False))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def municipality_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _keyed(values: dict[str, Any]) -> dict[str, Any]:
    if "municipality" in values:
        return {**values, "municipality_key": municipality_key(values["municipality"] or "")}
    return values


def encode_vector(vector: np.ndarray) -> bytes:
    return np.ascontiguousarray(vector, dtype=np.float32).tobytes()


def decode_vectors(blobs: Iterable[bytes], dim: int) -> np.ndarray:
    data = b"".join(blobs)
    return np.frombuffer(data, dtype=np.float32).reshape(-1, dim).copy() if data else np.zeros((0, dim), np.float32)


def create_store_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001 - DB-API types
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")     # readers never wait for the writer
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA secure_delete=ON")     # erased rows are overwritten, not left in free pages
            cursor.close()
        return engine
    if url.startswith("pgserver://"):
        from store.pgserver import resolve

        url = resolve(url)
    return create_engine(url, pool_pre_ping=True)


def _remove_references(conn, collection: Collection, item_id: int) -> None:  # noqa: ANN001
    """Rows of other tables that name the removed item (``cv_id`` / ``ad_id``: programme participants, mentor
    links, placements) go in the same transaction; a column marked ``info={"on_remove": "null"}`` is cleared."""
    column = f"{collection[:-1]}_id"
    for table in metadata.sorted_tables:
        if column in table.c:
            if table.c[column].info.get("on_remove") == "null":
                conn.execute(update(table).where(table.c[column] == item_id).values({column: None}))
            else:
                conn.execute(delete(table).where(table.c[column] == item_id))


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_store_engine(url)
        with self.engine.begin() as conn:
            if self.engine.dialect.name == "postgresql":  # processes starting at once on a new database
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
            metadata.create_all(conn)
            self._add_new_columns(conn)

    def _add_new_columns(self, conn) -> None:  # noqa: ANN001 - a connection in a transaction
        """An older store lacks the columns added since: add them (nullable) and their indexes."""
        inspector = inspect(conn)
        for name, columns in _ADDED_COLUMNS.items():
            table, present = TABLES[name], {c["name"] for c in inspector.get_columns(name)}
            missing = [table.c[c] for c in columns if c not in present]
            if not missing:
                continue
            for column in missing:
                kind = column.type.compile(dialect=self.engine.dialect)
                conn.exec_driver_sql(f'ALTER TABLE {name} ADD COLUMN {column.name} {kind}')
            for index in table.indexes:
                index.create(conn, checkfirst=True)
            log.info("store: added columns %s to %s", ", ".join(c.name for c in missing), name)

    # -- writes (each one transaction, with the collection's generation bumped) --------------------------------
    def _bump(self, conn, collection: Collection) -> None:  # noqa: ANN001
        key = f"generation:{collection}"
        done = conn.execute(update(meta_table).where(meta_table.c.key == key)
                            .values(value=meta_table.c.value + 1)).rowcount
        if not done:
            conn.execute(insert(meta_table).values(key=key, value=1))

    def add(self, collection: Collection, rows: list[dict[str, Any]]) -> list[int]:
        """Insert rows (profile/card as JSON strings, vector as bytes) in one transaction; returns their ids."""
        table, now, ids = TABLES[collection], _now(), []
        values = [{**_keyed(row), "version": 1, "created_at": now, "updated_at": now} for row in rows]
        with self.engine.begin() as conn:
            if values and all(v.keys() == values[0].keys() for v in values):  # one batched statement
                result = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), values)
                ids = [int(i) for i in result.scalars()]
            else:
                for row in values:
                    ids.append(int(conn.execute(insert(table).values(**row)).inserted_primary_key[0]))
            self._bump(conn, collection)
        return ids

    def update(self, collection: Collection, item_id: int, values: dict[str, Any],
               expected_version: int | None = None) -> bool:
        """Change a row; with ``expected_version``, only if nobody changed it since it was read at that version
        (False otherwise: read it again and retry), so a read-modify-write loses no one's change."""
        table = TABLES[collection]
        query = update(table).where(table.c.id == item_id)
        if expected_version is not None:
            query = query.where(table.c.version == expected_version)
        with self.engine.begin() as conn:
            done = conn.execute(query.values(**_keyed(values), version=table.c.version + 1,
                                             updated_at=_now())).rowcount
            if done:
                self._bump(conn, collection)
        return bool(done)

    def remove(self, collection: Collection, item_id: int) -> bool:
        table = TABLES[collection]
        with self.engine.begin() as conn:
            done = conn.execute(delete(table).where(table.c.id == item_id)).rowcount
            if done:
                self._bump(conn, collection)
                _remove_references(conn, collection, item_id)
        if done and self.url.startswith("sqlite"):
            with self.engine.begin() as conn:  # erased rows must not linger in the write-ahead log
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return bool(done)

    # -- reads ----------------------------------------------------------------------------------------------
    def generation(self, collection: VectorCollection) -> int:
        base = VECTOR_COLUMNS[collection][0]
        with self.engine.connect() as conn:
            value = conn.execute(select(meta_table.c.value)
                                 .where(meta_table.c.key == f"generation:{base}")).scalar()
        return int(value or 0)

    def get(self, collection: Collection, item_id: int) -> dict[str, Any] | None:
        rows = self.get_many(collection, [item_id])
        return rows[0] if rows else None

    def get_many(self, collection: Collection, ids: list[int]) -> list[dict[str, Any]]:
        table = TABLES[collection]
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(select(table).where(table.c.id.in_(ids))).mappings()]

    def list(self, collection: Collection, owner: str | None = None, limit: int = 1000,
             offset: int = 0) -> list[dict[str, Any]]:
        table = TABLES[collection]
        columns = [c for c in table.c if c.name not in ("profile", "vector", "text_vector", "card",
                                                        "municipality_key")]
        query = select(*columns).order_by(table.c.id).limit(limit).offset(offset)
        if owner is not None:
            query = query.where(table.c.owner == owner)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def count(self, collection: Collection) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(TABLES[collection])).scalar() or 0)

    def versions(self, collection: VectorCollection) -> dict[int, int]:
        """id -> version of the rows that have a vector of this collection."""
        base, column = VECTOR_COLUMNS[collection]
        table = TABLES[base]
        with self.engine.connect() as conn:
            return {int(i): int(v) for i, v in conn.execute(select(table.c.id, table.c.version)
                                                            .where(table.c[column].is_not(None)))}

    def ids_without(self, collection: VectorCollection) -> list[int]:
        """Ids of the documents that have no vector of this collection (yet), in id order."""
        base, column = VECTOR_COLUMNS[collection]
        table = TABLES[base]
        with self.engine.connect() as conn:
            return [int(i) for (i,) in conn.execute(select(table.c.id).where(table.c[column].is_(None))
                                                    .order_by(table.c.id))]

    def vectors(self, collection: VectorCollection, ids: list[int],
                dim: int) -> tuple[list[int], np.ndarray, list[int]]:
        """(ids, vectors, versions) of the rows that exist (and have that vector), in chunks (SQL parameter
        limits)."""
        base, column = VECTOR_COLUMNS[collection]
        table, found, versions = TABLES[base], [], []
        out = np.empty((len(ids), dim), dtype=np.float32)  # decoded as read: no list of a million blobs
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 5000):
                chunk = ids[start:start + 5000]
                for i, blob, version in conn.execute(select(table.c.id, table.c[column], table.c.version)
                                                     .where(table.c.id.in_(chunk), table.c[column].is_not(None))):
                    out[len(found)] = np.frombuffer(blob, dtype=np.float32)
                    found.append(int(i))
                    versions.append(int(version))
        return found, out[:len(found)], versions

    def cards(self, collection: Collection, ids: list[int]) -> dict[int, dict[str, Any]]:
        """Card and listing fields of each id (no text): what re-ranking reads for every retrieved candidate."""
        table = TABLES[collection]
        columns = [c for c in table.c if c.name not in ("profile", "vector", "text_vector", "contact")]
        with self.engine.connect() as conn:
            rows = conn.execute(select(*columns).where(table.c.id.in_(ids))).mappings()
            return {int(r["id"]): {**r, "card": json.loads(r["card"])} for r in rows}

    def filter_values(self, collection: VectorCollection, ids: list[int]) -> list[tuple[int, str, str]]:
        """(id, kind, municipality key) of the rows that exist (kind '' where the collection has none)."""
        table, found = TABLES[VECTOR_COLUMNS[collection][0]], []
        kind = table.c.kind if "kind" in table.c else literal("")
        with self.engine.connect() as conn:
            for start in range(0, len(ids), 5000):
                found += [(int(i), k or "", m or "") for i, k, m in conn.execute(
                    select(table.c.id, kind, table.c.municipality_key).where(table.c.id.in_(ids[start:start + 5000])))]
        return found

    def texts(self, collection: Collection) -> dict[int, tuple[str, str]]:
        """id -> (language, text) of every document's profile (masked for CVs): what the lexical index reads."""
        table = TABLES[collection]
        found = {}
        with self.engine.connect() as conn:
            for i, profile in conn.execute(select(table.c.id, table.c.profile)):
                data = json.loads(profile)
                found[int(i)] = (data.get("language", ""), data.get("text", ""))
        return found

    def iter_cards(self, collection: Collection, batch: int = 5000) -> Iterator[dict[str, Any]]:
        """Every document's card, read a batch at a time in id order (collection statistics such as how many
        documents name a concept): memory stays at one batch, however many documents there are."""
        return self._iter_json(collection, "card", batch)

    def iter_profiles(self, collection: Collection, batch: int = 500) -> Iterator[dict[str, Any]]:
        """Every document's profile (as JSON data), a batch at a time in id order, as ``iter_cards``."""
        return self._iter_json(collection, "profile", batch)

    def _iter_json(self, collection: Collection, column: str, batch: int) -> Iterator[dict[str, Any]]:
        table, after = TABLES[collection], 0
        while True:
            with self.engine.connect() as conn:
                rows = conn.execute(select(table.c.id, table.c[column]).where(table.c.id > after)
                                    .order_by(table.c.id).limit(batch)).all()
            if not rows:
                return
            for _, value in rows:
                yield json.loads(value)
            after = rows[-1][0]

    def filtered_ids(self, collection: VectorCollection, kind: str | None = None, municipality: str | None = None,
                     municipalities: tuple[str, ...] | None = None) -> list[int]:
        """Ids of the rows of a kind, in a municipality, and/or in any of several (a region)."""
        table = TABLES[VECTOR_COLUMNS[collection][0]]
        query = select(table.c.id)
        if kind and "kind" in table.c:
            query = query.where(table.c.kind == kind)
        if municipality:
            query = query.where(table.c.municipality_key == municipality_key(municipality))
        if municipalities is not None:
            query = query.where(table.c.municipality_key.in_([municipality_key(m) for m in municipalities]))
        with self.engine.connect() as conn:
            return [int(i) for (i,) in conn.execute(query)]
