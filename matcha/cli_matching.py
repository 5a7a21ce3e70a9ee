"""`matcha ads|cvs|match|candidates|bench`: the store, the indexes and ranked, explained matches."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from matcha.cli_common import fail, make_service as _service

ads_app = typer.Typer(help="Job and traineeship ads in the store.", no_args_is_help=True)
cvs_app = typer.Typer(help="CVs in the store (masked; personal details kept apart).", no_args_is_help=True)


def _echo_json(payload) -> None:  # noqa: ANN001 - any JSON-able value
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


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


@cvs_app.command("review")
def cvs_review(cv_id: int, uri: str = typer.Argument(..., help="The skill's ESCO URI, as the profile has it."),
               verdict: str = typer.Option(..., help="confirmed (shown), rejected (used by nothing) or unreviewed "
                                                     "(undo).")) -> None:
    """The participant's word on one of their CV's skills (as the page's buttons): prints the skill lists after."""
    from typing import get_args

    from extractor.errors import InputError
    from extractor.skill_reviews import Verdict

    if verdict not in get_args(Verdict):
        fail(f"--verdict must be one of {', '.join(get_args(Verdict))}")
    try:
        cv = _service().review_skill(cv_id, uri, verdict)  # type: ignore[arg-type]
    except InputError as exc:
        fail(exc.message, 1)
    if cv is None:
        fail(f"no CV {cv_id}", 1)
    _echo_json({name: [{"uri": s.uri, "label": s.label, "review": s.review and s.review.verdict}
                       for s in getattr(cv.profile, name)]
                for name in ("skills", "possible_skills", "rejected_skills")})


def match(cv: str = typer.Argument(..., help="A stored CV id, a CV file, or - for stdin."),
          top: int = typer.Option(10, "--top", "-k"),
          kind: Optional[str] = typer.Option(None, help="job | traineeship"),
          municipality: Optional[str] = typer.Option(None),
          region: Optional[str] = typer.Option(None, help="A county (län), e.g. 'Örebro län'."),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Ranked job and traineeship ads for a CV, each explained."""
    from extractor.errors import InputError

    service = _service()
    try:
        if cv.isdigit() and not Path(cv).is_file():
            stored = service.get_cv(int(cv))
            if stored is None:
                fail(f"no CV {cv}", 1)
            matches = service.match(cv=stored, k=top, kind=kind, municipality=municipality, region=region)
        else:
            data = sys.stdin.buffer.read() if cv == "-" else Path(cv).read_bytes() if Path(cv).is_file() else None
            if data is None:
                fail(f"no such file or CV id: {cv}", 1)
            profile, _ = service.cv_profile(data)
            matches = service.match(profile=profile, k=top, kind=kind, municipality=municipality, region=region)
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
               region: Optional[str] = typer.Option(None, help="A county (län), e.g. 'Örebro län'."),
               as_json: bool = typer.Option(False, "--json")) -> None:
    """Ranked, anonymised candidates (CVs) for an ad, each explained."""
    from extractor.errors import InputError

    try:
        found = _service().candidates(ad_id, k=top, municipality=municipality, region=region)
    except InputError as exc:
        fail(exc.message, 1)
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
          backend: str = typer.Option("faiss", help="faiss (SQLite store) | pgvector (local PostgreSQL)"),
          keep: Optional[Path] = typer.Option(None, help="Build in this folder and keep it (default: temporary)."),
          reuse: bool = typer.Option(False, help="With --keep: time the stores kept there again, no rebuild."),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Index synthetic ads made from the taxonomy; print build time, memory, latency and recall."""
    from eval.bench_matching import run_bench

    if backend not in ("faiss", "pgvector"):
        fail("--backend is faiss or pgvector")
    if reuse and keep is None:
        fail("--reuse needs --keep DIR")
    results = run_bench(sizes, queries, keep, backend, reuse)
    typer.echo(json.dumps(results, indent=2) if as_json else "\n".join(
        f"{r['ads']:>7} ads ({r['backend']}, {r['index']}): build {r['build_s']} s, {r['bytes_per_ad']} B/ad "
        f"(index {r['index_bytes_per_ad']}), p50/p99 {r['p50_ms']}/{r['p99_ms']} ms, municipality "
        f"{r['filtered_p50_ms']}/{r['filtered_p99_ms']} ms, region+kind {r['region_kind_p50_ms']}/"
        f"{r['region_kind_p99_ms']} ms, recall@10 {r['recall@10']} (filtered {r['filtered_recall@10']}), "
        f"peak RSS bench {r['bench_peak_rss_mb']} MB, service {r['service_peak_rss_mb']} MB" for r in results))




users_app = typer.Typer(help="Users of the API and their bearer tokens.", no_args_is_help=True)


@users_app.command("add")
def users_add(name: str = typer.Option(..., help="A name for the account (shown to admins only)."),
              role: str = typer.Option(..., help="participant | recruiter | coordinator | admin")) -> None:
    """Make a user and print its bearer token (shown once; only its hash is stored)."""
    from core.settings import get_settings
    from store.database import Store
    from store.users import ROLES, Users

    if role not in ROLES:
        fail(f"--role is one of {', '.join(ROLES)}")
    user, token = Users(Store(get_settings().store_url)).add(name, role)  # type: ignore[arg-type]
    _echo_json({"id": user.id, "name": user.name, "role": user.role, "token": token})


@users_app.command("list")
def users_list() -> None:
    from core.settings import get_settings
    from store.database import Store
    from store.users import Users

    _echo_json({"users": [u.model_dump() for u in Users(Store(get_settings().store_url)).list()]})


def serve(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000),
          demo: bool = typer.Option(False, help="Start on a fresh demo store (MATCHA_DATA_DIR, default "
                                                "MATCHA_HOME/demo) with demo ads, CVs and users; print tokens.")) -> None:
    """Start the API and web page (uvicorn)."""
    import logging
    import shutil

    import uvicorn

    from api.app import create_app
    from core.settings import get_settings

    settings = get_settings()
    if demo:
        settings = settings.model_copy(update={"data_dir": settings.data_dir or settings.home / "demo"})
        shutil.rmtree(settings.state_dir, ignore_errors=True)
    logging.getLogger("matcha").setLevel(logging.INFO)
    from api.demo import load_demo

    service = _service(settings)
    tokens = load_demo(service) if demo else {}
    if not demo:
        from store.users import Users

        if not Users(service.store).list():
            typer.echo("no users yet: make one with `matcha users add --name NAME --role participant|recruiter|"
                       "admin`", err=True)
    typer.echo(f"matcha is running on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    for role, token in tokens.items():
        typer.echo(f"  demo {role:<11} token: {token}")
    # matcha logs its own access lines (request id, route template, status, user id); uvicorn's would add client
    # addresses and query strings, which can be personal data.
    # Uploads are read in MATCHA_EXTRACT_WORKERS worker processes (MATCHA_API_POOL), started with the app.
    uvicorn.run(create_app(settings, service, extraction_pool=settings.api_pool), host=host, port=port,
                log_level="info", access_log=False)


def loadtest(users: list[int] = typer.Option([8, 32], "--users", "--workers",
                                             help="Concurrent participants: a run for each (repeat the option)."),
             uploads: int = typer.Option(3, help="CV uploads per participant."),
             matches: int = typer.Option(5, help="Match requests per upload."),
             duration: float = typer.Option(300.0, help="Time limit of each run in seconds."),
             limits: str = typer.Option("settings", help="Upload limits: 'settings' (MATCHA_UPLOAD_*, else the "
                                                         "defaults) or 'loose' (none)."),
             pool: bool = typer.Option(True, help="Read uploads in the extraction pool (MATCHA_EXTRACT_WORKERS), "
                                                  "as `matcha serve` does; --no-pool: in the API process.")) -> None:
    """Concurrent uploads and match requests against the service on 127.0.0.1 (a scratch store); prints, per
    number of users, requests/s, p50/p99 latency, refusals (429/503), and whether anything was lost or mixed up."""
    from eval.load_test import run_load_test

    if limits not in ("settings", "loose"):
        raise typer.BadParameter("use --limits settings or --limits loose")
    result = run_load_test(tuple(users), uploads, matches, duration, limits, pool)
    _echo_json(result)
    if not result["ok"]:
        raise typer.Exit(1)


def text_vectors() -> None:
    """Give every stored ad and CV without a whole-text vector (stored before hybrid matching) one, with progress;
    the service does this at start only when a collection lacks at most 2,000."""
    from matcha.matching import MatchingService

    service = MatchingService(backfill=False)
    typer.echo(f"whole-text vectors added to {service.backfill_text_vectors(progress=True)} documents")


def register(app: typer.Typer) -> None:
    from matcha.cli_ingestion import register_ingestion

    register_ingestion(ads_app)
    app.add_typer(ads_app, name="ads")
    app.add_typer(cvs_app, name="cvs")
    app.add_typer(users_app, name="users")
    app.command()(match)
    app.command()(candidates)
    app.command()(bench)
    app.command()(serve)
    app.command()(loadtest)
    app.command("text-vectors")(text_vectors)
