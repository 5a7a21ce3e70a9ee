"""A programme's outcomes per cohort: the share of participants in work or studies, and the share of those in work
who work in their own field; as numbers, CSV and an SVG bar chart (matplotlib).

A participant's outcome is their latest recorded placement (by start date, then by when it was recorded): a job
counts as work, studies as studies; a traineeship (the programme's own placement) and "none" count as neither, and
so does a participant with nothing recorded yet. "Own field": the job's ESCO occupation is an occupation of the
participant's profile, or in the same ISCO-08 unit group as one (``index.isco``)."""

from __future__ import annotations

import csv
import io
from typing import Callable

from matcha.programme_models import CohortOutcome, ParticipantOutcome


def participant_outcomes(participants: list[dict], placements: list[dict], own_occupations: dict[int, list[str]],
                         same_group: Callable[[str, str], bool],
                         label: Callable[[str], str | None]) -> list[ParticipantOutcome]:
    latest: dict[int, dict] = {}
    for placement in sorted(placements, key=lambda p: (str(p["start"]), p["id"])):
        latest[placement["cv_id"]] = placement
    found = []
    for member in participants:
        placement = latest.get(member["cv_id"])
        if placement is None:
            found.append(ParticipantOutcome(cv_id=member["cv_id"], cohort=member["cohort"], outcome="none"))
            continue
        occupation = placement["occupation"]
        own = None
        if placement["kind"] == "job":
            mine = own_occupations.get(member["cv_id"], [])
            own = bool(occupation) and any(occupation == uri or same_group(occupation, uri) for uri in mine)
        found.append(ParticipantOutcome(cv_id=member["cv_id"], cohort=member["cohort"], outcome=placement["kind"],
                                        employer=placement["employer"], occupation=occupation,
                                        occupation_label=label(occupation) if occupation else None,
                                        own_field=own, start=placement["start"], end=placement["end"]))
    return found


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def summarise(cohort: str, outcomes: list[ParticipantOutcome]) -> CohortOutcome:
    count = {kind: sum(1 for o in outcomes if o.outcome == kind) for kind in ("job", "studies", "traineeship")}
    own = sum(1 for o in outcomes if o.outcome == "job" and o.own_field)
    return CohortOutcome(cohort=cohort, participants=len(outcomes), in_work=count["job"],
                         in_studies=count["studies"], in_traineeship=count["traineeship"],
                         no_outcome=len(outcomes) - sum(count.values()),
                         in_work_or_studies_share=_share(count["job"] + count["studies"], len(outcomes)),
                         own_field=own, own_field_share=_share(own, count["job"]))


def by_cohort(outcomes: list[ParticipantOutcome]) -> list[CohortOutcome]:
    cohorts = sorted({o.cohort for o in outcomes})
    return [summarise(c, [o for o in outcomes if o.cohort == c]) for c in cohorts]


def _cell(value: object) -> object:
    """A CSV cell; text that a spreadsheet would run as a formula (=, +, -, @ first) is quoted with a '."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(rows: list[dict], fields: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue()


def cohorts_csv(cohorts: list[CohortOutcome]) -> str:
    return _csv([c.model_dump() for c in cohorts], list(CohortOutcome.model_fields))


def participants_csv(outcomes: list[ParticipantOutcome]) -> str:
    return _csv([o.model_dump(mode="json") for o in outcomes], list(ParticipantOutcome.model_fields))


def plot_svg(cohorts: list[CohortOutcome], lang: str = "en") -> str:
    """Grouped bars per cohort: share in work or studies, share of those in work in their own field."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    names = {"sv": ("I arbete eller studier", "Av dem i arbete: inom sitt yrke", "Andel", "Kohort"),
             "en": ("In work or studies", "Of those in work: in own field", "Share", "Cohort")}[lang if lang == "sv" else "en"]
    figure = Figure(figsize=(max(4.5, 1.4 * len(cohorts) + 2), 3.4))
    axes = figure.subplots()
    xs = list(range(len(cohorts)))
    work = [100 * (c.in_work_or_studies_share or 0) for c in cohorts]
    own = [100 * (c.own_field_share or 0) for c in cohorts]
    bars = axes.bar([x - 0.2 for x in xs], work, 0.4, label=names[0], color="#2f6f4f")
    bars2 = axes.bar([x + 0.2 for x in xs], own, 0.4, label=names[1], color="#9cc5a1")
    for group in (bars, bars2):
        axes.bar_label(group, fmt="%.0f%%", fontsize=8)
    axes.set_xticks(xs, [c.cohort or "-" for c in cohorts])
    axes.set_ylim(0, 110)
    axes.set_ylabel(f"{names[2]} (%)")
    axes.set_xlabel(names[3])
    axes.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    return buffer.getvalue()
