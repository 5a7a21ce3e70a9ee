"""Ad files -> AdIn: JSON (one ad or a list, with the AdIn fields) or a document (.txt, .md, .pdf, .docx) whose
first line is the title."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from extractor.documents import Limits, read_document
from extractor.errors import InputError
from matcha.ingestion import AdRecord, parse_deadline
from store.records import AdIn

AD_SUFFIXES = {".json", ".txt", ".md", ".pdf", ".docx"}


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given; a directory gives its ad files (sorted, not recursive)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in AD_SUFFIXES))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError("not_found", f"no such file or folder: {path}", 404)
    return files


def read_ads(path: Path, limits: Limits, defaults: dict[str, str]) -> list[AdIn]:
    """The ads in one file; ``defaults`` (employer, kind, municipality) fill fields a file does not give."""
    return [record.ad for record in read_ad_records(path, limits, defaults)]


def read_ad_records(path: Path, limits: Limits, defaults: dict[str, str]) -> list[AdRecord]:
    """The ads in one file with their keys: a JSON ad may give ``external_id`` and ``application_deadline``;
    any other ad is keyed by a hash of its content."""
    data = path.read_bytes()
    if path.suffix.lower() == ".json":
        try:
            payload = json.loads(data)
            items = payload if isinstance(payload, list) else [payload]
            return [AdRecord(ad=AdIn.model_validate({**defaults, **item}), external_id=item.get("external_id"),
                             expires_at=parse_deadline(item.get("application_deadline"))) for item in items]
        except (json.JSONDecodeError, TypeError, AttributeError) as exc:
            raise InputError("bad_json", f"{path.name}: not valid JSON ({exc})") from exc
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise InputError("bad_ad", f"{path.name}: {problems}") from exc
        except ValueError as exc:  # a deadline that is not a date
            raise InputError("bad_ad", f"{path.name}: {exc}") from exc
    text = read_document(data, limits).text.strip()
    title, _, body = text.partition("\n")
    try:
        return [AdRecord(ad=AdIn.model_validate({**defaults, "title": title.strip()[:300], "text": body.strip()}))]
    except ValidationError as exc:
        raise InputError("bad_ad", f"{path.name}: {exc.errors()[0]['msg']}") from exc
