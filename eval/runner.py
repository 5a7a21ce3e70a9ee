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
        payload = results if with_peer else {name: next(iter(systems.values())) for name, systems in results.items()}
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


def run_cross_tuning(paths: list[Path], make_extractor: Callable, as_json: bool) -> None:
    """Tune the skill ranking constants on each Decorte set in turn; RP@5 on the others (``eval.ranking_tuning``):
    the main model alone, the fusion model (MATCHA_SKILL_FUSION_MODEL) alone, and their fusion."""
    from eval.ranking_tuning import cross_tune
    from extractor.concept_ranking import SkillWeights

    extractor = make_extractor()
    settings = extractor.r.settings
    second = extractor.r.skill_fusion
    typer.echo(f"main model: {settings.model}; second model: {second.encoder.name if second else '-'}", err=True)
    sets = {}
    for path in paths:
        examples, _ = read_decorte(path, extractor.r.taxonomy)
        examples = [e for e in examples if e.gold]
        started = time.perf_counter()
        sets[Path(path).stem] = (examples, extractor.ranker.skill_candidates([e.query for e in examples], k=10,
                                                                             fusion=True))
        typer.echo(f"{Path(path).stem}: {len(examples)} sentences, score parts in "
                   f"{time.perf_counter() - started:.1f} s", err=True)
    rows = cross_tune(sets, SkillWeights(description=settings.skill_description_weight,
                                         fusion=settings.skill_fusion_weight))
    if as_json:
        typer.echo(json.dumps(rows))
        return
    for row in rows:
        figures = "\t".join(f"{k}={v}" for k, v in row.items() if k.startswith("rp@5"))
        weights = " ".join(f"{k}={v}" for k, v in row["weights"].items())
        typer.echo(f"{row['ranking']}: tuned on {row['tuned_on']}\t{figures}\t{weights}")


def run_occupation_benchmarks(folders: list[Path], make_extractor: Callable, peer: str | None,
                              report: Path | None, as_json: bool, part: tuple[int, int] | None = None) -> None:
    extractor = make_extractor()
    suffix = f" (part {part[0]}/{part[1]})" if part else ""
    benchmarks = [(Path(folder).name + suffix, read_melo(folder, part), "") for folder in folders]
    results, notes = _run(benchmarks, extractor.rank_occupations, "occupation", occupation_metrics, peer)
    _emit(results, notes, as_json, report, "matcha occupation normalisation benchmark")


def run_profile_benchmarks(decorte: list[Path], folders: list[Path], make_extractor: Callable,
                           report: Path | None, as_json: bool) -> None:
    """What users get: the profile `extract` builds (thresholded linking), scored as sets against the gold
    skills of Decorte sentences and of labelled CV sets (per half)."""
    from eval.cv_sets import language_concepts, score_sentences

    extractor = make_extractor()
    results, notes = {}, []
    for path in decorte:
        examples, missing = read_decorte(path, extractor.r.taxonomy)
        started = time.perf_counter()
        figures = score_sentences([(e.query, e.gold) for e in examples], extractor.extract_text,
                                  language_concepts(extractor.r.taxonomy))
        notes.append(f"{Path(path).stem} profile: {len(examples)} sentences in {time.perf_counter() - started:.1f} "
                     f"s; {missing} gold labels not in the taxonomy (count as misses)")
        results[f"{Path(path).stem} (profile)"] = {"matcha": figures}
    cv_results, cv_notes = _cv_set_results(folders, extractor)
    _emit({**results, **cv_results}, notes + cv_notes, as_json, report, "matcha profiles against gold skills")


def _cv_set_results(folders: list[Path], extractor, pooled: bool = False) -> tuple[dict, list[str]]:
    """Each set's figures per half (and, ``pooled``, those of all the sets' CVs as one set), and notes per CV."""
    from eval.cv_sets import document_kind, judging_audit, read_cv_set, score_cvs, summarise

    results, notes, every_cv, every_matching = {}, [], [], []
    for folder in folders:
        cvs = read_cv_set(folder)
        started = time.perf_counter()
        document = document_kind(cvs)
        scored = score_cvs(cvs, lambda text: extractor.extract_text(text, document))
        every_cv += scored["cvs"]
        every_matching += scored["matching_cvs"]
        notes.append(f"{Path(folder).name}: {len(cvs)} CVs in {time.perf_counter() - started:.1f} s")
        for half, figures in scored["figures"].items():
            results[f"{Path(folder).name} ({half})"] = _tiers(figures, scored["matching_figures"][half])
        if any(cv.judged for cv in cvs):  # the judges' own figures: how far judged precision can be trusted
            results[f"{Path(folder).name} (judging)"] = {"judges": judging_audit(cvs)}
        for cv in scored["cvs"]:
            notes.append(f"{cv['id']}: {cv['tp']}/{cv['gold']} found, {cv['found'] - cv['tp']} not in the gold list "
                         f"({cv['unjudged']} unjudged); missed {'; '.join(cv['missed']) or '-'}; wrong or unjudged "
                         f"{'; '.join(cv['extra']) or '-'}")
    if pooled:
        matching = summarise(every_matching)
        for half, figures in summarise(every_cv).items():
            results[f"pooled ({half})"] = _tiers(figures, matching[half])
    return results, notes


def _tiers(shown: dict, matching: dict) -> dict[str, dict]:
    """A row of profile figures: the profile people see ("matcha") and, where it differs, the concepts matching
    ranks on (with the CVs' possible skills)."""
    return {"matcha": shown} if matching == shown else {"matcha": shown, "matcha (matching concepts)": matching}


def run_cv_sets(folders: list[Path], make_extractor: Callable, report: Path | None, as_json: bool,
                pooled: bool = False) -> None:
    results, notes = _cv_set_results(folders, make_extractor(), pooled)
    _emit(results, notes, as_json, report, "matcha profile extraction on labelled CVs")
