"""JobTech job ads (Arbetsförmedlingen's open Platsbanken data: JobSearch, JobStream and the historical ads) as
JSON lines -> ``AdRecord``s.

Fields read: ``id``, ``headline``, ``description.text``, ``employer.name``, ``workplace_address.municipality``,
``occupation`` (an object, or a list of them, with ``label``), ``application_deadline`` and ``removed`` (JobStream
marks withdrawn ads so). A deadline without a time zone is Swedish time. The occupation label is written above
the description ("Yrke: Svetsare") so that extraction sees it; the ad's key is ``jobtech:<id>``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from matcha.ingestion import AdRecord, Failure, parse_deadline
from store.records import AdIn, AdKind


def _field(record: dict, *path: str) -> Any:
    value: Any = record
    for name in path:
        value = value.get(name) if isinstance(value, dict) else None
    return value


def _text(value: Any, limit: int) -> str:
    return " ".join(str(value).split())[:limit] if isinstance(value, (str, int, float)) else ""


def jobtech_record(record: dict, kind: AdKind = "job") -> AdRecord:
    """One JobTech ad -> an AdRecord; ValueError names what is wrong."""
    if not isinstance(record, dict):
        raise ValueError("a line is not a JSON object")
    ad_id = _text(record.get("id"), 150)
    if not ad_id:
        raise ValueError("no id")
    if record.get("removed") is True:  # JobStream: withdrawn; nothing else may be given
        return AdRecord(ad=AdIn(title=_text(record.get("headline"), 300) or ad_id), external_id=f"jobtech:{ad_id}",
                        removed=True)
    occupation = record.get("occupation")
    if isinstance(occupation, list):
        occupation = occupation[0] if occupation else None
    label = _text(occupation.get("label"), 200) if isinstance(occupation, dict) else ""
    title = _text(record.get("headline"), 300) or label
    if not title:
        raise ValueError("no headline and no occupation label")
    description = _field(record, "description", "text")
    body = description.strip() if isinstance(description, str) else ""
    if label and label.casefold() not in title.casefold():
        body = f"Yrke: {label}\n\n{body}"
    try:
        ad = AdIn(title=title, employer=_text(_field(record, "employer", "name"), 300), kind=kind,
                  municipality=_text(_field(record, "workplace_address", "municipality"), 100), text=body)
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise ValueError(f"{'.'.join(map(str, problem['loc']))}: {problem['msg']}") from exc
    return AdRecord(ad=ad, external_id=f"jobtech:{ad_id}",
                    expires_at=parse_deadline(record.get("application_deadline")))


class JobTechFile:
    """The ads of a JSON-lines file, read lazily; lines that cannot be read are kept in ``problems``."""

    def __init__(self, path: Path, kind: AdKind = "job") -> None:
        self.path, self.kind = path, kind
        self.problems: list[Failure] = []

    def __iter__(self) -> Iterator[AdRecord]:
        with self.path.open(encoding="utf-8-sig", errors="replace") as lines:
            for number, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    yield jobtech_record(json.loads(line), self.kind)
                except json.JSONDecodeError as exc:
                    self.problems.append(Failure(key=f"line {number}", code="bad_json",
                                                 message=f"line {number}: not valid JSON ({exc.msg})"))
                except ValueError as exc:
                    self.problems.append(Failure(key=f"line {number}", code="bad_ad",
                                                 message=f"line {number}: {exc}"))
