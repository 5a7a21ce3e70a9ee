"""`matcha programmes ...` and `matcha mentors ...`: programmes, participants, mentors, the cohort-wide mentor
assignment, placements and outcomes, on the store in MATCHA_DATA_DIR (the command line acts as an admin)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Optional, TypeVar

import typer

from matcha.cli_common import fail

programmes_app = typer.Typer(help="Programmes: participants, mentors, assignment, placements, outcomes.",
                             no_args_is_help=True)
mentors_app = typer.Typer(help="Mentors of a programme (from a form or a CV-like text).", no_args_is_help=True)
T = TypeVar("T")


def _echo(payload) -> None:  # noqa: ANN001 - any JSON-able value
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


def _run(call: Callable[..., T], *args, **kwargs) -> T:  # noqa: ANN002, ANN003
    """Run a service call; bad input is a message and exit 1, never a traceback."""
    from pydantic import ValidationError

    from extractor.errors import InputError

    try:
        return call(*args, **kwargs)
    except InputError as exc:
        fail(exc.message, 1)
    except ValidationError as exc:
        fail("; ".join(f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in exc.errors()), 1)
    raise AssertionError("unreachable")


def _service():  # noqa: ANN202 - ProgrammeService
    from matcha.cli_matching import _service as matching_service
    from matcha.programme_service import ProgrammeService

    return ProgrammeService(matching_service())


@programmes_app.command("add")
def programmes_add(name: str = typer.Option(...), start: str = typer.Option(..., help="YYYY-MM-DD"),
                   end: str = typer.Option(..., help="YYYY-MM-DD"), municipality: str = typer.Option(""),
                   coordinator: int = typer.Option(..., help="The coordinator's user id (matcha users list).")) -> None:
    """Make a programme owned by a coordinator."""
    from matcha.programme_models import ProgrammeIn

    body = _run(ProgrammeIn, name=name, start=start, end=end, municipality=municipality)
    _echo(_run(_service().create, f"user:{coordinator}", body).model_dump(mode="json"))


@programmes_app.command("list")
def programmes_list() -> None:
    _echo({"programmes": [p.model_dump(mode="json") for p in _service().list(None)]})


@programmes_app.command("add-participants")
def programmes_add_participants(programme: int, cv_ids: list[int] = typer.Argument(..., help="Stored CV ids."),
                                cohort: str = typer.Option("", help="Cohort within the programme.")) -> None:
    """Add participants (their stored CVs) to a programme; a CV already in a programme stops the whole command."""
    from matcha.programme_models import ParticipantsIn

    body = _run(ParticipantsIn, cv_ids=cv_ids, cohort=cohort)
    found = _run(_service().add_participants, programme, None, body)
    _echo({"participants": [{"cv_id": p.cv_id, "cohort": p.cohort} for p in found]})


@programmes_app.command("add-ads")
def programmes_add_ads(programme: int, ad_ids: list[int] = typer.Argument(..., help="Partner employers' ads.")) -> None:
    from matcha.programme_models import AdsIn

    _echo({"ads": _run(_service().add_ads, programme, None, _run(AdsIn, ad_ids=ad_ids))})


@programmes_app.command("mentors")
def programmes_mentors(programme: int, cv_id: int, top: int = typer.Option(5, "--top", "-k"),
                       as_json: bool = typer.Option(False, "--json")) -> None:
    """The programme's mentors for one participant, ranked and explained."""
    found = _run(_service().suggestions, programme, None, cv_id, top)
    if as_json:
        _echo({"mentors": [m.model_dump() for m in found]})
        return
    for m in found:
        exp = m.explanation
        typer.echo(f"{m.score:.3f}  mentor #{m.mentor_id} {m.name} ({m.municipality or '-'}, {m.capacity} places)")
        typer.echo("       occupation: " + (", ".join(f"{s.label} ({s.relation})" for s in exp.shared_occupations)
                                           or "-") + "; languages: " + (", ".join(exp.shared_languages) or "-")
                   + f"; place: {exp.place or '-'}")
        typer.echo("       shared skills: " + (", ".join(s.label for s in exp.matched_skills) or "-"))


def _print_assignment(result) -> None:  # noqa: ANN001 - Assignment
    _echo(result.model_dump())


@programmes_app.command("assign")
def programmes_assign(programme: int) -> None:
    """Assign mentors to the whole programme (largest total fit under capacities; pins kept, forbidden pairs
    never made); prints the total and each pair's score."""
    _print_assignment(_run(_service().run_assignment, programme, None))


def _link(programme: int, cv_id: int, mentor_id: int, status: str) -> None:
    from matcha.programme_models import LinkIn

    _print_assignment(_run(_service().set_link, programme, None, LinkIn(cv_id=cv_id, mentor_id=mentor_id,
                                                                      status=status)))


@programmes_app.command("pin")
def programmes_pin(programme: int, cv_id: int, mentor_id: int) -> None:
    """Pin a pair: every later run keeps it."""
    _link(programme, cv_id, mentor_id, "pinned")


@programmes_app.command("forbid")
def programmes_forbid(programme: int, cv_id: int, mentor_id: int) -> None:
    """Forbid a pair: no run makes it."""
    _link(programme, cv_id, mentor_id, "forbidden")


@programmes_app.command("clear")
def programmes_clear(programme: int, cv_id: int, mentor_id: int) -> None:
    """Clear a pin or a forbidden pair."""
    _link(programme, cv_id, mentor_id, "none")


@programmes_app.command("place")
def programmes_place(cv_id: int, kind: str = typer.Option(..., help="traineeship | job | studies | none"),
                     start: str = typer.Option(..., help="YYYY-MM-DD"),
                     end: Optional[str] = typer.Option(None, help="YYYY-MM-DD"),
                     employer: str = typer.Option(""), ad: Optional[int] = typer.Option(None, help="Its ad id."),
                     occupation: Optional[str] = typer.Option(None, help="ESCO occupation URI.")) -> None:
    """Record what happened to a participant."""
    from matcha.programme_models import PlacementIn

    body = _run(PlacementIn, cv_id=cv_id, kind=kind, start=start, end=end, employer=employer, ad_id=ad,
                occupation=occupation)
    _echo(_run(_service().add_placement, None, body).model_dump(mode="json"))


@programmes_app.command("outcomes")
def programmes_outcomes(programme: int, csv: Optional[Path] = typer.Option(None, help="Write the cohorts as CSV."),
                        plot: Optional[Path] = typer.Option(None, help="Write the bar chart as SVG."),
                        as_json: bool = typer.Option(False, "--json")) -> None:
    """Per cohort: share in work or studies, share of those in work in their own field."""
    from matcha.outcomes import cohorts_csv, plot_svg

    found = _run(_service().outcomes, programme, None)
    if csv:
        csv.write_text(cohorts_csv([*found.cohorts, found.total.model_copy(update={"cohort": "all"})]),
                       encoding="utf-8")
    if plot:
        plot.write_text(plot_svg(found.cohorts), encoding="utf-8")
    if as_json:
        _echo(found.model_dump(mode="json"))
        return
    for c in [*found.cohorts, found.total.model_copy(update={"cohort": "all"})]:
        work = "-" if c.in_work_or_studies_share is None else f"{100 * c.in_work_or_studies_share:.0f}%"
        own = "-" if c.own_field_share is None else f"{100 * c.own_field_share:.0f}%"
        typer.echo(f"{c.cohort or '-'}: {c.participants} participants, in work or studies {work} "
                   f"({c.in_work} work, {c.in_studies} studies), own field {own} of those in work")


@mentors_app.command("add")
def mentors_add(programme: int = typer.Option(...), name: str = typer.Option(...),
                capacity: int = typer.Option(1, help="How many adepts at most."),
                occupation: list[str] = typer.Option([], help="ESCO occupation URI (repeat)."),
                skill: list[str] = typer.Option([], help="ESCO skill URI (repeat)."),
                language: list[str] = typer.Option([], help="ISO 639-1 code (repeat)."),
                municipality: str = typer.Option(""),
                text: Optional[Path] = typer.Option(None, help="A CV-like text file, read by the extraction.")) -> None:
    """Add a mentor to a programme, from the options and/or a CV-like text."""
    from matcha.programme_models import MentorIn

    if text is not None and not text.is_file():
        fail(f"no such file: {text}", 1)
    body = _run(MentorIn, programme_id=programme, name=name, capacity=capacity, occupations=occupation,
                skills=skill, languages=language, municipality=municipality,
                text=text.read_text(encoding="utf-8") if text else "")
    _echo(_run(_service().add_mentor, None, body).model_dump())


@mentors_app.command("list")
def mentors_list(programme: Optional[int] = typer.Option(None)) -> None:
    _echo({"mentors": [m.model_dump() for m in _run(_service().mentors, None, programme)]})


@mentors_app.command("remove")
def mentors_remove(mentor_id: int) -> None:
    _run(_service().remove_mentor, mentor_id, None)
    _echo({"removed": mentor_id})


def register(app: typer.Typer) -> None:
    app.add_typer(programmes_app, name="programmes")
    app.add_typer(mentors_app, name="mentors")
