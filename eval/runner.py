"""Benchmark runs behind `matcha eval`: matcha (and a peer) on the same data, figures as JSON, a report."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import Callable

import typer

from eval.datasets import read_decorte, read_melo
from eval.metrics import occupation_metrics, skill_metrics
from eval.peer import PeerError, run_peer
from eval.report import write_report
from matcha.settings import get_settings

log = logging.getLogger(__name__)


def _emit(results: dict, notes: list[str], as_json: bool, report: Path | None, title: str) -> None:
    if report:
        write_report(report, title, results, notes)
        typer.echo(f"report written to {report}", err=True)
    for note in notes:
        typer.echo(note, err=True)
    if as_json:
        flat = {name: systems["matcha"] for name, systems in results.items()}
        payload = next(iter(flat.values())) if len(flat) == 1 else flat
        if any(len(systems) > 1 for systems in results.values()):
            payload = results
        typer.echo(json.dumps(payload))
    else:
        for name, systems in results.items():
            for system, figures in systems.items():
                typer.echo(f"{name}\t{system}\t" + "\t".join(f"{k}={v}" for k, v in figures.items()))


def _peer(peer: str | None, kind: str, queries: list[str], k: int, metric: Callable, golds: list[set[str]],
          notes: list[str]) -> dict | None:
    if not peer:
        return None
    try:
        started = time.perf_counter()
        ranked = run_peer(peer, kind, queries, k, get_settings().home)
        notes.append(f"{peer}: {len(queries)} queries in {time.perf_counter() - started:.1f} s")
        return metric(ranked, golds)
    except PeerError as exc:
        notes.append(str(exc))
        return None


def run_skill_benchmarks(paths: list[Path], make_extractor: Callable, peer: str | None, report: Path | None,
                         as_json: bool) -> None:
    extractor = make_extractor()
    results, notes = {}, []
    for path in paths:
        examples, missing = read_decorte(path, extractor.r.taxonomy)
        queries, golds = [e.query for e in examples], [e.gold for e in examples]
        started = time.perf_counter()
        ranked = [[h.uri for h in hits] for hits in extractor.rank_skills(queries, k=10)]
        elapsed = time.perf_counter() - started
        name = Path(path).stem
        results[name] = {"matcha": skill_metrics(ranked, golds)}
        notes.append(f"{name}: {len(queries)} sentences in {elapsed:.1f} s; {missing} gold labels not in the "
                     "taxonomy (count as misses)")
        if (peer_figures := _peer(peer, "skill", queries, 10, skill_metrics, golds, notes)) is not None:
            results[name][peer] = peer_figures
    _emit(results, notes, as_json, report, "matcha skill extraction benchmark")


def run_occupation_benchmarks(folders: list[Path], make_extractor: Callable, peer: str | None,
                              report: Path | None, as_json: bool) -> None:
    extractor = make_extractor()
    results, notes = {}, []
    for folder in folders:
        examples = read_melo(folder)
        queries, golds = [e.query for e in examples], [e.gold for e in examples]
        started = time.perf_counter()
        ranked = [[h.uri for h in hits] for hits in extractor.rank_occupations(queries, k=10)]
        elapsed = time.perf_counter() - started
        name = Path(folder).name
        results[name] = {"matcha": occupation_metrics(ranked, golds)}
        notes.append(f"{name}: {len(queries)} titles in {elapsed:.1f} s")
        if (peer_figures := _peer(peer, "occupation", queries, 10, occupation_metrics, golds, notes)) is not None:
            results[name][peer] = peer_figures
    _emit(results, notes, as_json, report, "matcha occupation normalisation benchmark")
