"""Programmes in the store: a coordinator's programme (name, period, municipality), its participants (their CVs,
each in one programme only, in a cohort), its partner employers' ads, its mentors, the mentor links a coordinator
pins, forbids or an assignment run makes, and what happened to each participant (placements).

Rows that name a CV (``cv_id``) are personal data of the participant: ``Store.remove("cvs", id)`` deletes them in
the same transaction as the CV (see ``store.database.Store.remove``)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import (Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint, and_, delete, insert,
                        select, update)

from store.database import Store, _now, metadata

programmes_table = Table(
    "programmes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(200), index=True, nullable=False),   # the coordinator's owner key
    Column("name", String(300), nullable=False),
    Column("municipality", String(100), nullable=False, default=""),
    Column("start", String(10), nullable=False),                # ISO dates
    Column("end", String(10), nullable=False),
    Column("created_at", String(32), nullable=False))
participants_table = Table(
    "programme_participants", metadata,
    Column("programme_id", Integer, ForeignKey("programmes.id"), nullable=False, index=True),
    Column("cv_id", Integer, nullable=False, unique=True),      # a participant is in one programme at a time
    Column("cohort", String(100), nullable=False, default=""),
    Column("added_at", String(32), nullable=False))
partner_ads_table = Table(
    "programme_ads", metadata,
    Column("programme_id", Integer, ForeignKey("programmes.id"), nullable=False, index=True),
    Column("ad_id", Integer, nullable=False, info={"on_remove": "delete"}),
    UniqueConstraint("programme_id", "ad_id"))
mentors_table = Table(
    "mentors", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", Integer, ForeignKey("programmes.id"), nullable=False, index=True),
    Column("name", String(200), nullable=False),
    Column("municipality", String(100), nullable=False, default=""),
    Column("capacity", Integer, nullable=False),
    Column("occupations", Text, nullable=False, default="[]"),  # ESCO URIs (JSON)
    Column("skills", Text, nullable=False, default="[]"),
    Column("languages", Text, nullable=False, default="[]"),    # ISO 639-1 codes
    Column("profile", Text, nullable=True),                     # CompetenceProfile JSON when read from a text
    Column("created_at", String(32), nullable=False))
links_table = Table(
    "mentor_links", metadata,
    Column("programme_id", Integer, ForeignKey("programmes.id"), nullable=False, index=True),
    Column("cv_id", Integer, nullable=False, index=True),
    Column("mentor_id", Integer, ForeignKey("mentors.id"), nullable=False),
    Column("status", String(10), nullable=False),               # pinned | forbidden | assigned
    Column("score", String(20), nullable=True),
    UniqueConstraint("cv_id", "mentor_id"))
placements_table = Table(
    "placements", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("programme_id", Integer, ForeignKey("programmes.id"), nullable=False, index=True),
    Column("cv_id", Integer, nullable=False, index=True),
    Column("kind", String(12), nullable=False),                 # traineeship | job | studies | none
    Column("employer", String(300), nullable=False, default=""),
    Column("ad_id", Integer, nullable=True, info={"on_remove": "null"}),  # the ad goes, the outcome stays
    Column("occupation", String(200), nullable=True),           # ESCO occupation URI
    Column("start", String(10), nullable=False),
    Column("end", String(10), nullable=True),
    Column("note", String(500), nullable=False, default=""),
    Column("created_at", String(32), nullable=False))

_MENTOR_LISTS = ("occupations", "skills", "languages")


class Conflict(ValueError):
    """A write the store refuses as it stands (a participant already in a programme, ...)."""


def _mentor(row: Any) -> dict[str, Any]:
    mentor = dict(row)
    for key in _MENTOR_LISTS:
        mentor[key] = json.loads(mentor[key])
    return mentor


class Programmes:
    """Reads and writes of programmes and everything in them; each write is one transaction."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    # -- programmes ---------------------------------------------------------------------------------------------
    def add(self, owner: str, name: str, municipality: str, start: str, end: str) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(insert(programmes_table).values(owner=owner, name=name, municipality=municipality,
                                                                  start=start, end=end, created_at=_now()))
        return int(result.inserted_primary_key[0])

    def get(self, programme_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(programmes_table).where(programmes_table.c.id == programme_id)).mappings()
            found = row.first()
        return dict(found) if found else None

    def list(self, owner: str | None = None) -> list[dict[str, Any]]:
        query = select(programmes_table).order_by(programmes_table.c.id)
        if owner is not None:
            query = query.where(programmes_table.c.owner == owner)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def remove(self, programme_id: int) -> bool:
        with self.engine.begin() as conn:
            for table in (links_table, placements_table, mentors_table, partner_ads_table, participants_table):
                conn.execute(delete(table).where(table.c.programme_id == programme_id))
            return bool(conn.execute(delete(programmes_table).where(programmes_table.c.id == programme_id)).rowcount)

    # -- participants and partner ads ---------------------------------------------------------------------------
    def add_participants(self, programme_id: int, cv_ids: list[int], cohort: str) -> None:
        """All or nothing: a CV already in a programme (this one or another) refuses the whole call."""
        with self.engine.begin() as conn:
            taken = conn.execute(select(participants_table.c.cv_id, participants_table.c.programme_id)
                                 .where(participants_table.c.cv_id.in_(cv_ids))).all()
            if taken:
                cv_id, other = taken[0]
                where = "this programme" if other == programme_id else "another programme"
                raise Conflict(f"CV {cv_id} is already a participant of {where}")
            now = _now()
            for cv_id in dict.fromkeys(cv_ids):
                conn.execute(insert(participants_table).values(programme_id=programme_id, cv_id=cv_id,
                                                               cohort=cohort, added_at=now))

    def participants(self, programme_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(participants_table).where(participants_table.c.programme_id == programme_id)
                                .order_by(participants_table.c.cv_id)).mappings()
            return [dict(r) for r in rows]

    def programme_of(self, cv_id: int) -> int | None:
        with self.engine.connect() as conn:
            return conn.execute(select(participants_table.c.programme_id)
                                .where(participants_table.c.cv_id == cv_id)).scalar()

    def remove_participant(self, programme_id: int, cv_id: int) -> bool:
        """Take a participant out of a programme: their mentor links and placements there go too."""
        with self.engine.begin() as conn:
            for table in (links_table, placements_table):
                conn.execute(delete(table).where(and_(table.c.programme_id == programme_id,
                                                      table.c.cv_id == cv_id)))
            return bool(conn.execute(delete(participants_table).where(and_(
                participants_table.c.programme_id == programme_id, participants_table.c.cv_id == cv_id))).rowcount)

    def add_ads(self, programme_id: int, ad_ids: list[int]) -> None:
        with self.engine.begin() as conn:
            have = set(conn.execute(select(partner_ads_table.c.ad_id)
                                    .where(partner_ads_table.c.programme_id == programme_id)).scalars())
            for ad_id in dict.fromkeys(ad_ids):
                if ad_id not in have:
                    conn.execute(insert(partner_ads_table).values(programme_id=programme_id, ad_id=ad_id))

    def ad_ids(self, programme_id: int) -> list[int]:
        with self.engine.connect() as conn:
            return sorted(conn.execute(select(partner_ads_table.c.ad_id)
                                       .where(partner_ads_table.c.programme_id == programme_id)).scalars())

    # -- mentors ------------------------------------------------------------------------------------------------
    def add_mentor(self, programme_id: int, name: str, municipality: str, capacity: int, occupations: list[str],
                   skills: list[str], languages: list[str], profile: str | None = None) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(insert(mentors_table).values(
                programme_id=programme_id, name=name, municipality=municipality, capacity=capacity,
                occupations=json.dumps(occupations), skills=json.dumps(skills), languages=json.dumps(languages),
                profile=profile, created_at=_now()))
        return int(result.inserted_primary_key[0])

    def update_mentor(self, mentor_id: int, values: dict[str, Any]) -> None:
        values = {k: json.dumps(v) if k in _MENTOR_LISTS else v for k, v in values.items()}
        with self.engine.begin() as conn:
            conn.execute(update(mentors_table).where(mentors_table.c.id == mentor_id).values(**values))

    def mentor(self, mentor_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(mentors_table).where(mentors_table.c.id == mentor_id)).mappings().first()
        return _mentor(row) if row else None

    def _in_programmes(self, table: Table, programme_id: int | None,
                       programme_ids: list[int] | None) -> list[dict[str, Any]]:
        """Rows of one programme, of several, or of all (both None), in the order they were made."""
        query = select(table).order_by(table.c.id)
        if programme_id is not None:
            query = query.where(table.c.programme_id == programme_id)
        if programme_ids is not None:
            query = query.where(table.c.programme_id.in_(programme_ids))
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def mentors(self, programme_id: int | None = None, programme_ids: list[int] | None = None) -> list[dict]:
        return [_mentor(r) for r in self._in_programmes(mentors_table, programme_id, programme_ids)]

    def remove_mentor(self, mentor_id: int) -> bool:
        with self.engine.begin() as conn:
            conn.execute(delete(links_table).where(links_table.c.mentor_id == mentor_id))
            return bool(conn.execute(delete(mentors_table).where(mentors_table.c.id == mentor_id)).rowcount)

    # -- mentor links (pins, forbidden pairs, an assignment) --------------------------------------------------
    def links(self, programme_id: int) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(links_table).where(links_table.c.programme_id == programme_id)
                                .order_by(links_table.c.cv_id, links_table.c.mentor_id)).mappings()
            return [{**r, "score": float(r["score"]) if r["score"] is not None else None} for r in rows]

    def set_link(self, programme_id: int, cv_id: int, mentor_id: int, status: str | None) -> None:
        """Pin or forbid a pair (``status`` pinned | forbidden), or clear it (None)."""
        with self.engine.begin() as conn:
            conn.execute(delete(links_table).where(and_(links_table.c.cv_id == cv_id,
                                                        links_table.c.mentor_id == mentor_id)))
            if status is not None:
                conn.execute(insert(links_table).values(programme_id=programme_id, cv_id=cv_id,
                                                        mentor_id=mentor_id, status=status))

    def replace_assignment(self, programme_id: int, pairs: list[tuple[int, int, float]]) -> None:
        """The assignment a run made, in place of the last one (pins and forbidden pairs are kept)."""
        with self.engine.begin() as conn:
            conn.execute(delete(links_table).where(and_(links_table.c.programme_id == programme_id,
                                                        links_table.c.status == "assigned")))
            pinned = {(r.cv_id, r.mentor_id) for r in conn.execute(
                select(links_table.c.cv_id, links_table.c.mentor_id).where(and_(
                    links_table.c.programme_id == programme_id, links_table.c.status == "pinned")))}
            for cv_id, mentor_id, score in pairs:
                if (cv_id, mentor_id) in pinned:
                    conn.execute(update(links_table).where(and_(links_table.c.cv_id == cv_id,
                                                                links_table.c.mentor_id == mentor_id))
                                 .values(score=f"{score:.4f}"))
                else:
                    conn.execute(insert(links_table).values(programme_id=programme_id, cv_id=cv_id,
                                                            mentor_id=mentor_id, status="assigned",
                                                            score=f"{score:.4f}"))

    # -- placements ---------------------------------------------------------------------------------------------
    def add_placement(self, values: dict[str, Any]) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(insert(placements_table).values(**values, created_at=_now()))
        return int(result.inserted_primary_key[0])

    def placement(self, placement_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(placements_table)
                               .where(placements_table.c.id == placement_id)).mappings().first()
        return dict(row) if row else None

    def placements(self, programme_id: int | None = None, programme_ids: list[int] | None = None) -> list[dict]:
        return self._in_programmes(placements_table, programme_id, programme_ids)

    def remove_placement(self, placement_id: int) -> bool:
        with self.engine.begin() as conn:
            return bool(conn.execute(delete(placements_table)
                                     .where(placements_table.c.id == placement_id)).rowcount)
