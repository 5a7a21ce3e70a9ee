"""Ads keyed by an external id (a feed's id, or a content hash where a feed gives none): write them idempotently,
find which are unchanged, remove withdrawn and expired ones. Each write is one transaction that bumps the ads
generation, as every other store write does, so the FAISS index follows."""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from store.database import TABLES, Store, _keyed, _now

_CHUNK = 500  # ids or keys per IN (...) clause


def _chunks(values: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def utc_iso(moment: dt.datetime) -> str:
    """The form ``expires_at`` is kept in: UTC, seconds, comparable as text."""
    if moment.tzinfo is None:
        raise ValueError("a deadline needs a time zone")
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class AdFeed:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.table = TABLES["ads"]

    def known(self, keys: list[str]) -> dict[str, tuple[int, str | None]]:
        """external id -> (ad id, content hash) of the keys already stored."""
        table, found = self.table, {}
        with self.store.engine.connect() as conn:
            for chunk in _chunks(list(dict.fromkeys(keys))):
                query = select(table.c.external_id, table.c.id, table.c.content_hash) \
                    .where(table.c.external_id.in_(chunk))
                found.update({key: (int(i), digest) for key, i, digest in conn.execute(query)})
        return found

    def upsert(self, rows: list[dict[str, Any]]) -> list[tuple[int, bool]]:
        """Write rows keyed by ``external_id`` in one transaction: a new key is inserted, a known one updated in
        place (its version bumped, its id kept). Returns (id, created) per row."""
        table, now, out = self.table, _now(), []
        dialect = self.store.engine.dialect.name
        with self.store.engine.begin() as conn:
            for row in rows:
                values = _keyed(row)
                if dialect in ("sqlite", "postgresql"):
                    insert = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(table)
                    statement = insert.values(**values, version=1, created_at=now, updated_at=now) \
                        .on_conflict_do_update(index_elements=[table.c.external_id],
                                               set_={**values, "version": table.c.version + 1, "updated_at": now}) \
                        .returning(table.c.id, table.c.version)
                    item_id, version = conn.execute(statement).one()
                    out.append((int(item_id), int(version) == 1))
                    continue
                found = conn.execute(select(table.c.id).where(table.c.external_id == row["external_id"])).scalar()
                if found is None:  # other databases: look up, then insert or update
                    result = conn.execute(table.insert().values(**values, version=1, created_at=now,
                                                                updated_at=now))
                    out.append((int(result.inserted_primary_key[0]), True))
                else:
                    conn.execute(update(table).where(table.c.id == found)
                                 .values(**values, version=table.c.version + 1, updated_at=now))
                    out.append((int(found), False))
            if rows:
                self.store._bump(conn, "ads")
        return out

    def remove_ids(self, ids: list[int]) -> int:
        """Remove ads (one transaction); the index drops them at its next sync."""
        if not ids:
            return 0
        table, done = self.table, 0
        with self.store.engine.begin() as conn:
            for chunk in _chunks(ids):
                done += conn.execute(delete(table).where(table.c.id.in_(chunk))).rowcount
            if done:
                self.store._bump(conn, "ads")
        if done and self.store.url.startswith("sqlite"):
            with self.store.engine.begin() as conn:  # erased rows must not linger in the write-ahead log
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return done

    def remove_keys(self, keys: list[str]) -> int:
        return self.remove_ids([i for i, _ in self.known(keys).values()])

    def expired(self, now: dt.datetime | None = None) -> list[int]:
        """Ids of the ads whose deadline has passed."""
        moment = utc_iso(now or dt.datetime.now(dt.timezone.utc))
        table = self.table
        with self.store.engine.connect() as conn:
            query = select(table.c.id).where(table.c.expires_at.is_not(None), table.c.expires_at < moment)
            return [int(i) for (i,) in conn.execute(query)]
