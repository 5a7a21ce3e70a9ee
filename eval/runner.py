"""Benchmark runs behind `matcha eval`: matcha (and a peer) on the same data, figures as JSON, a report."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Callable

import typer

from eval.datasets import Example, read_decorte, read_melo
from eval.metrics import occupation_metrics, skill_metrics
from eval.peer import PeerError, run_peer
from eval.report import write_report
from core.settings import get_settings

log = logging.getLogger(__name__)


def _emit(results: dict, notes: list[str], as_json: bool, report: Path | None, title: str) -> None:
    if report:
        write_report(report, title, results, notes)
        typer.echo(f"report written to {report}", err=True)
    for note in notes:
        typer.echo(note, err=True)
    if as_json:
        with_peer = any(len(systems) > 1 for systems in results.values())
        payload = results if with_peer else {name: systems["matcha"] for name, systems in results.items()}
        typer.echo(json.dumps(next(iter(payload.values())) if len(payload) == 1 and not with_peer else payload))
    else:
        for name, systems in results.items():
            for system, figures in systems.items():
                typer.echo(f"{name}\t{system}\t" + "\t".join(f"{k}={v}" for k, v in figures.items()))


def _run(benchmarks: list[tuple[str, list[Example], str]], rank: Callable, kind: str, metric: Callable,
         peer: str | None) -> tuple[dict, list[str]]:
    """Rank each benchmark's queries with matcha (and the peer); figures per benchmark and system."""
    results, notes = {}, []
    for name, examples, note in benchmarks:
        queries, golds = [e.query for e in examples], [e.gold for e in examples]
        started = time.perf_counter()
        ranked = [[h.uri for h in hits] for hits in rank(queries, k=10)]
        notes.append(f"{name}: {len(queries)} queries in {time.perf_counter() - started:.1f} s{note}")
        results[name] = {"matcha": metric(ranked, golds)}
        if peer:
            try:
                started = time.perf_counter()
                results[name][peer] = metric(run_peer(peer, kind, queries, 10, get_settings().home), golds)
                notes.append(f"{peer}: {len(queries)} queries in {time.perf_counter() - started:.1f} s")
            except PeerError as exc:
                notes.append(str(exc))
    return results, notes


def run_skill_benchmarks(paths: list[Path], make_extractor: Callable, peer: str | None, report: Path | None,
                         as_json: bool) -> None:
    extractor = make_extractor()
    benchmarks = []
    for path in paths:
        examples, missing = read_decorte(path, extractor.r.taxonomy)
        benchmarks.append((Path(path).stem, examples,
                           f"; {missing} gold labels not in the taxonomy (count as misses)"))
    results, notes = _run(benchmarks, extractor.rank_skills, "skill", skill_metrics, peer)
    _emit(results, notes, as_json, report, "matcha skill extraction benchmark")


def run_occupation_benchmarks(folders: list[Path], make_extractor: Callable, peer: str | None,
                              report: Path | None, as_json: bool, part: tuple[int, int] | None = None) -> None:
    extractor = make_extractor()
    suffix = f" (part {part[0]}/{part[1]})" if part else ""
    benchmarks = [(Path(folder).name + suffix, read_melo(folder, part), "") for folder in folders]
    results, notes = _run(benchmarks, extractor.rank_occupations, "occupation", occupation_metrics, peer)
    _emit(results, notes, as_json, report, "matcha occupation normalisation benchmark")


def run_cv_sets(folders: list[Path], make_extractor: Callable, report: Path | None, as_json: bool) -> None:
    from eval.cv_sets import read_cv_set, score_cvs

    extractor = make_extractor()
    results, notes, details = {}, [], {}
    for folder in folders:
        cvs = read_cv_set(folder)
        started = time.perf_counter()
        scored = score_cvs(cvs, extractor.extract_text)
        notes.append(f"{Path(folder).name}: {len(cvs)} CVs in {time.perf_counter() - started:.1f} s")
        for half, figures in scored["figures"].items():
            results[f"{Path(folder).name} ({half})"] = {"matcha": figures}
        details[Path(folder).name] = scored["cvs"]
        for cv in scored["cvs"]:
            notes.append(f"{cv['id']}: {cv['tp']}/{cv['gold']} found, {cv['found'] - cv['tp']} extra; missed "
                         f"{'; '.join(cv['missed']) or '-'}; extra {'; '.join(cv['extra']) or '-'}")
    _emit(results, notes, as_json, report, "matcha profile extraction on labelled CVs")
