"""`matcha ads|cvs|match|candidates|bench`: the store, the indexes and ranked, explained matches."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from matcha.cli_common import fail

ads_app = typer.Typer(help="Job and traineeship ads in the store.", no_args_is_help=True)
cvs_app = typer.Typer(help="CVs in the store (masked; personal details kept apart).", no_args_is_help=True)


def _service():
    from matcha.matching import MatchingService
    from models.embedding import ModelNotFound
    from taxonomy.store import TaxonomyNotBuilt

    try:
        return MatchingService()
    except (TaxonomyNotBuilt, ModelNotFound) as exc:
        fail(str(exc))


def _echo_json(payload) -> None:  # noqa: ANN001 - any JSON-able value
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


@ads_app.command("add")
def ads_add(files: list[Path] = typer.Argument(..., help="Ad files (.json, .txt, .md, .pdf, .docx) or folders."),
            employer: str = typer.Option("", help="Employer, where a file does not say."),
            kind: str = typer.Option("job", help="job | traineeship, where a file does not say."),
            municipality: str = typer.Option("", help="Municipality, where a file does not say."),
            owner: Optional[str] = typer.Option(None, help="Owner (recruiter) of the ads.")) -> None:
    """Add ads: extract their requirements, store and index them (a progress bar for many)."""
    from extractor.documents import Limits
    from extractor.errors import InputError
    from matcha.ad_files import expand_paths, read_ads
    from matcha.settings import get_settings

    if kind not in ("job", "traineeship"):
        fail("--kind is job or traineeship")
    defaults = {"employer": employer, "kind": kind, "municipality": municipality}
    try:  # read every file first: a bad file stops the command before anything is stored
        limits = Limits.from_settings(get_settings())
        ads = [ad for path in expand_paths(files) for ad in read_ads(path, limits, defaults)]
        ids = _service().add_ads(ads, owner=owner, progress=len(ads) > 5)
    except InputError as exc:
        fail(exc.message, 1)
    _echo_json({"added": [{"id": i, "title": ad.title} for i, ad in zip(ids, ads)]})


@ads_app.command("list")
def ads_list(owner: Optional[str] = typer.Option(None)) -> None:
    """List the stored ads."""
    _echo_json({"ads": _service().list_ads(owner)})


@ads_app.command("show")
def ads_show(ad_id: int) -> None:
    """One ad with its profile and requirements (essential / nice-to-have)."""
    ad = _service().get_ad(ad_id)
    if ad is None:
        fail(f"no ad {ad_id}", 1)
    _echo_json(ad.model_dump())


@ads_app.command("remove")
def ads_remove(ad_id: int) -> None:
    """Remove an ad from the store and the index."""
    if not _service().remove_ad(ad_id):
        fail(f"no ad {ad_id}", 1)
    _echo_json({"removed": ad_id})


@cvs_app.command("add")
def cvs_add(files: list[Path] = typer.Argument(..., help="CV files (.pdf, .docx, .txt, .md)."),
            municipality: str = typer.Option("", help="Where the participant lives or seeks work."),
            owner: Optional[str] = typer.Option(None),
            consent_contact: bool = typer.Option(False, help="Recruiters may see the contact details.")) -> None:
    """Add CVs: personal details are masked before anything is read, embedded or shown."""
    from extractor.errors import InputError

    service = _service()
    added = []
    for path in files:
        if not path.is_file():
            fail(f"no such file: {path}", 1)
        try:
            added.append({"id": service.add_cv(path.read_bytes(), owner=owner, municipality=municipality,
                                               consent_contact=consent_contact), "file": path.name})
        except InputError as exc:
            fail(f"{path.name}: {exc.message}", 1)
    _echo_json({"added": added})


@cvs_app.command("remove")
def cvs_remove(cv_id: int) -> None:
    """Remove a CV and everything derived from it (store row, vector, index entry)."""
    if not _service().remove_cv(cv_id):
        fail(f"no CV {cv_id}", 1)
    _echo_json({"removed": cv_id})


def match(cv: str = typer.Argument(..., help="A stored CV id, a CV file, or - for stdin."),
          top: int = typer.Option(10, "--top", "-k"),
          kind: Optional[str] = typer.Option(None, help="job | traineeship"),
          municipality: Optional[str] = typer.Option(None),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Ranked job and traineeship ads for a CV, each explained."""
    from extractor.errors import InputError

    service = _service()
    try:
        if cv.isdigit() and not Path(cv).is_file():
            stored = service.get_cv(int(cv))
            if stored is None:
                fail(f"no CV {cv}", 1)
            matches = service.match(cv=stored, k=top, kind=kind, municipality=municipality)
        else:
            data = sys.stdin.buffer.read() if cv == "-" else Path(cv).read_bytes() if Path(cv).is_file() else None
            if data is None:
                fail(f"no such file or CV id: {cv}", 1)
            profile, _ = service.cv_profile(data)
            matches = service.match(profile=profile, k=top, kind=kind, municipality=municipality)
    except InputError as exc:
        fail(exc.message, 1)
    if as_json:
        _echo_json({"matches": [m.model_dump() for m in matches]})
        return
    for m in matches:
        typer.echo(f"{m.score:.3f}  #{m.ad_id} {m.title} ({m.employer}, {m.municipality}, {m.kind})")
        exp = m.explanation
        typer.echo("       matched: " + ", ".join(s.label_sv or s.label for s in exp.matched_skills))
        typer.echo("       missing: " + ", ".join(s.label_sv or s.label for s in exp.missing_skills))


def candidates(ad_id: int, top: int = typer.Option(10, "--top", "-k"),
               municipality: Optional[str] = typer.Option(None),
               as_json: bool = typer.Option(False, "--json")) -> None:
    """Ranked, anonymised candidates (CVs) for an ad, each explained."""
    found = _service().candidates(ad_id, k=top, municipality=municipality)
    if found is None:
        fail(f"no ad {ad_id}", 1)
    if as_json:
        _echo_json({"candidates": [c.model_dump() for c in found]})
        return
    for c in found:
        typer.echo(f"{c.score:.3f}  CV #{c.cv_id} ({c.municipality or '-'}): "
                   + ", ".join(s.label for s in c.explanation.matched_skills))


def bench(sizes: list[int] = typer.Option([10_000, 100_000], "--size", help="Numbers of synthetic ads."),
          queries: int = typer.Option(200, help="Match requests timed per size."),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Index synthetic ads made from the taxonomy; print build time, memory, latency and IVF recall."""
    from eval.bench_matching import run_bench

    results = run_bench(sizes, queries)
    typer.echo(json.dumps(results, indent=2) if as_json else "\n".join(
        f"{r['ads']:>7} ads: build {r['build_s']} s, {r['bytes_per_ad']} B/ad, p50 {r['p50_ms']} ms, "
        f"p99 {r['p99_ms']} ms, index {r['index']}, recall@10 {r['recall@10']}" for r in results))


def register(app: typer.Typer) -> None:
    app.add_typer(ads_app, name="ads")
    app.add_typer(cvs_app, name="cvs")
    app.command()(match)
    app.command()(candidates)
    app.command()(bench)
