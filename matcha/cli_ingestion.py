"""`matcha ads add | import-jobtech | expire`: idempotent, resumable import of ads, read by a pool of worker
processes (``--workers``)."""

from __future__ import annotations

import json
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from pathlib import Path
from typing import Iterable, Optional

import typer

from matcha.cli_common import fail, make_service

# Fewer ads than this are read in the command's own process when --workers is not given: starting workers (each
# loads the models, seconds) would cost more than it saves.
POOL_THRESHOLD = 20

WORKERS_HELP = ("Worker processes that read the ads (each loads the models once); 0: in this process. Default: "
                "MATCHA_EXTRACT_WORKERS (one per core), or this process for fewer than 20 ads.")
BATCH_HELP = "Ads per transaction: a crash loses at most this many; the next run carries on."


def _import(records: Iterable, workers: int | None, batch: int, owner: str | None, force: bool,
            total: int | None = None) -> dict:
    from core.settings import get_settings
    from extractor.errors import InputError
    from matcha.extraction_pool import ExtractionPool
    from matcha.ingestion import import_ads

    if batch < 1:
        fail("--batch is at least 1")
    if workers is not None and workers < 0:
        fail("--workers is 0 or more")
    settings = get_settings()
    if workers is None:
        workers = 0 if total is not None and total < POOL_THRESHOLD else settings.extraction_workers
    service = make_service(settings)
    try:
        with ExtractionPool(settings, workers) if workers else nullcontext() as pool:
            report = import_ads(service, records, owner=owner, pool=pool, batch=batch, force=force,
                                progress=True, total=total)
    except InputError as exc:
        fail(exc.message, 1)
    except BrokenProcessPool:
        fail("an extraction worker stopped (out of memory?); the batches written are kept: run the same command "
             "again to carry on (with fewer --workers)", 1)
    return report.model_dump()


def _finish(report: dict) -> None:
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    if report["failed"]:
        for failure in report["failed"]:
            typer.echo(f"error: {failure['title'] or failure['key']}: {failure['message']}", err=True)
        raise typer.Exit(1)


def ads_add(files: list[Path] = typer.Argument(..., help="Ad files (.json, .txt, .md, .pdf, .docx) or folders."),
            employer: str = typer.Option("", help="Employer, where a file does not say."),
            kind: str = typer.Option("job", help="job | traineeship, where a file does not say."),
            municipality: str = typer.Option("", help="Municipality, where a file does not say."),
            owner: Optional[str] = typer.Option(None, help="Owner (recruiter) of the ads."),
            workers: Optional[int] = typer.Option(None, help=WORKERS_HELP),
            batch: int = typer.Option(200, help=BATCH_HELP),
            force: bool = typer.Option(False, help="Read unchanged ads again (e.g. after a taxonomy change).")) -> None:
    """Add ads: extract their requirements, store and index them. Adding the same ad again updates it in place
    (a JSON ad's `external_id`, else its content, identifies it); unchanged ads are skipped."""
    from core.settings import get_settings
    from extractor.documents import Limits
    from extractor.errors import InputError
    from matcha.ad_files import expand_paths, read_ad_records

    if kind not in ("job", "traineeship"):
        fail("--kind is job or traineeship")
    defaults = {"employer": employer, "kind": kind, "municipality": municipality}
    try:  # read every file first: a bad file stops the command before anything is stored
        limits = Limits.from_settings(get_settings())
        records = [r for path in expand_paths(files) for r in read_ad_records(path, limits, defaults)]
    except InputError as exc:
        fail(exc.message, 1)
    _finish(_import(records, workers, batch, owner, force, total=len(records)))


def import_jobtech(file: Path = typer.Argument(..., help="JobTech ads as JSON lines (JobSearch / JobStream / "
                                                         "historical ads)."),
                   kind: str = typer.Option("job", help="job | traineeship"),
                   owner: Optional[str] = typer.Option(None, help="Owner (recruiter) of the ads."),
                   workers: Optional[int] = typer.Option(None, help=WORKERS_HELP),
                   batch: int = typer.Option(200, help=BATCH_HELP),
                   force: bool = typer.Option(False, help="Read unchanged ads again.")) -> None:
    """Import Platsbanken ads (JobTech format), keyed by their id: new ones are added, changed ones updated,
    unchanged ones skipped; ads past their application deadline or withdrawn are removed. Lines that cannot be
    read are listed (exit code 1) and the rest imported."""
    from matcha.jobtech import JobTechFile

    if kind not in ("job", "traineeship"):
        fail("--kind is job or traineeship")
    if not file.is_file():
        fail(f"no such file: {file}", 1)
    source = JobTechFile(file, kind)  # type: ignore[arg-type]
    report = _import(source, workers, batch, owner, force)
    report["failed"] = [p.model_dump() for p in source.problems] + report["failed"]
    _finish(report)


def ads_expire() -> None:
    """Remove every ad whose application deadline has passed (store row, vector, index entry)."""
    from matcha.ingestion import expire_ads

    typer.echo(json.dumps({"removed": expire_ads(make_service())}))


def register_ingestion(ads_app: typer.Typer) -> None:
    ads_app.command("add")(ads_add)
    ads_app.command("import-jobtech")(import_jobtech)
    ads_app.command("expire")(ads_expire)
