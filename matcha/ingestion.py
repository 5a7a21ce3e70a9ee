"""Idempotent, resumable import of ads: each ad has a key (the feed's id, or a hash of its content where there is
none); importing it again updates the stored ad in place, and one whose content is unchanged costs no extraction.

Ads are read by the extraction pool's worker processes (or in this process) and written in batches, one
transaction each, so a crash loses at most the batch in flight; the next run skips what was stored (unchanged)
and carries on. Ads whose application deadline has passed, or that the feed withdraws, are removed from the store
and the index (not kept as expired rows). The index follows the store at the end of the run, and at the next load
if the run was cut short."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from itertools import islice
from typing import TYPE_CHECKING, Any, Iterable, Iterator
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field, field_validator

from extractor.errors import InputError
from matcha.document_reader import Extracted, ExtractionJob, ad_row
from matcha.extraction_pool import ExtractionPool
from store.ad_feed import AdFeed, utc_iso
from store.records import AdIn

if TYPE_CHECKING:
    from matcha.matching import MatchingService

log = logging.getLogger(__name__)

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")


def parse_deadline(value: Any) -> dt.datetime | None:
    """An application deadline: '2025-06-30T23:59:59' (Swedish time), with an offset or 'Z', or a bare date (the
    end of that day)."""
    if not value:
        return None
    text = str(value).strip()
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(23, 59, 59))
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"application_deadline {text[:40]!r} is not an ISO date") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=SWEDISH_TIME)


def _sha256(payload: object) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class AdRecord(BaseModel):
    """An ad as a feed gives it."""

    ad: AdIn
    external_id: str | None = Field(None, max_length=200, description="The feed's id, e.g. 'jobtech:28512345'.")
    expires_at: dt.datetime | None = Field(None, description="Application deadline (with a time zone).")
    removed: bool = Field(False, description="The feed says the ad is withdrawn.")

    @field_validator("expires_at")
    @classmethod
    def _aware(cls, value: dt.datetime | None) -> dt.datetime | None:
        return value.replace(tzinfo=dt.timezone.utc) if value is not None and value.tzinfo is None else value

    @property
    def key(self) -> str:
        return self.external_id or "sha256:" + _sha256(self.ad.model_dump(mode="json"))

    def digest(self, owner: str | None) -> str:
        """What decides whether a stored ad must be read again."""
        return _sha256({"ad": self.ad.model_dump(mode="json"), "owner": owner,
                        "expires_at": self.expires_iso()})

    def expires_iso(self) -> str | None:
        return utc_iso(self.expires_at) if self.expires_at else None

    def expired(self, now: dt.datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


class Failure(BaseModel):
    key: str
    title: str = ""
    code: str
    message: str


class ImportReport(BaseModel):
    added: list[dict] = Field(default_factory=list, description="{id, title} of each new ad.")
    updated: list[dict] = Field(default_factory=list, description="{id, title} of each ad changed in place.")
    unchanged: int = Field(0, description="Ads already stored with the same content: not read again.")
    expired: int = Field(0, description="Ads in the input whose deadline has passed or that were withdrawn.")
    removed: int = Field(0, description="Stored ads removed as expired or withdrawn.")
    failed: list[Failure] = Field(default_factory=list)
    batches: int = Field(0, description="Transactions committed.")


def _chunks(records: Iterable[AdRecord], size: int) -> Iterator[list[AdRecord]]:
    iterator = iter(records)
    while chunk := list(islice(iterator, size)):
        yield chunk


def import_ads(service: "MatchingService", records: Iterable[AdRecord], owner: str | None = None,
               pool: ExtractionPool | None = None, batch: int = 200, force: bool = False,
               progress: bool = False, total: int | None = None, now: dt.datetime | None = None) -> ImportReport:
    """Import ads by key: add new ones, update changed ones, skip unchanged ones (unless ``force``), remove
    expired and withdrawn ones. Extraction runs in ``pool`` if given, else here. Commits every ``batch`` ads."""
    from tqdm import tqdm

    feed, report = AdFeed(service.store), ImportReport()
    now = now or dt.datetime.now(dt.timezone.utc)
    gone: list[str] = []
    seen: dict[str, str] = {}  # key -> digest, within this run

    def to_read() -> Iterator[tuple[tuple[AdRecord, str], ExtractionJob]]:
        for chunk in _chunks(records, 500):
            known = feed.known([r.key for r in chunk])
            for record in chunk:
                key = record.key
                if record.removed or record.expired(now):
                    report.expired += 1
                    gone.append(key)
                    continue
                digest = record.digest(owner)
                if seen.get(key) == digest or (not force and key not in seen
                                               and known.get(key, (0, None))[1] == digest):
                    report.unchanged += 1
                    continue
                seen[key] = digest
                yield (record, digest), ExtractionJob.for_ad(record.ad)

    def read_here(items: Iterator[tuple[tuple[AdRecord, str], ExtractionJob]]) \
            -> Iterator[tuple[tuple[AdRecord, str], Extracted | InputError]]:
        for tag, job in items:
            try:
                yield tag, service.read_ad(job.ad)  # type: ignore[arg-type]
            except InputError as exc:
                yield tag, exc

    rows: list[tuple[AdRecord, dict]] = []

    def commit() -> None:
        if not rows:
            return
        written = feed.upsert([row for _, row in rows])
        for (record, _), (item_id, created) in zip(rows, written):
            (report.added if created else report.updated).append({"id": item_id, "title": record.ad.title})
        report.batches += 1
        rows.clear()

    results = pool.imap(to_read()) if pool is not None else read_here(to_read())
    for (record, digest), outcome in tqdm(results, desc="ads", unit="ad", total=total, disable=not progress):
        if isinstance(outcome, InputError):
            report.failed.append(Failure(key=record.key, title=record.ad.title, code=outcome.code,
                                         message=outcome.message))
            continue
        rows.append((record, {**ad_row(record.ad, outcome), "owner": owner, "external_id": record.key,
                              "content_hash": digest, "expires_at": record.expires_iso()}))
        if len(rows) >= batch:
            commit()
    commit()
    report.removed = feed.remove_keys(gone)
    service.collections["ads"].sync()
    log.info("import: %d added, %d updated, %d unchanged, %d removed, %d failed", len(report.added),
             len(report.updated), report.unchanged, report.removed, len(report.failed))
    return report


def expire_ads(service: "MatchingService", now: dt.datetime | None = None) -> int:
    """Remove every stored ad whose deadline has passed (store and index); returns how many."""
    done = AdFeed(service.store).remove_ids(AdFeed(service.store).expired(now))
    service.collections["ads"].sync()
    return done
