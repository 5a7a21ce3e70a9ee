"""Honest figures for skill ranking: tune the constants of ``extractor.concept_ranking`` on one labelled set and
report RP@5 on the others (each set in turn), so no figure is measured on the data its constants were chosen on.

Each set's candidates and score parts are computed once (``ConceptRanker.skill_candidates``, with both models'
parts when a fusion model is loaded); the grid only recombines them, so a full grid takes a minute or two. With two
models, three rankings are tuned and reported side by side: the main model alone (fusion weight 0), the second model
alone (1) and the fusion (the weight tuned with the other constants).
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, replace

from eval.datasets import Example
from eval.metrics import skill_metrics
from extractor.concept_ranking import SkillCandidates, SkillWeights

GRID = {"phrase_factor": (0.8, 0.85, 0.9, 0.95, 1.0),
        "preferred_bonus": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
        "other_bonus": (0.0, 0.04, 0.08, 0.15, 0.25),
        "description": (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5),
        "fusion": (0.0, 0.25, 0.5, 0.75, 1.0)}

Sets = dict[str, tuple[list[Example], list[SkillCandidates]]]


def rp5(candidates: list[SkillCandidates], examples: list[Example], weights: SkillWeights, k: int = 10) -> float:
    ranked = [[hit.uri for hit in found.top(weights, k)] for found in candidates]
    return skill_metrics(ranked, [e.gold for e in examples])["rp@5"]


def grid(fusion: tuple[float, ...] | None = None) -> list[SkillWeights]:
    """Every combination of GRID's values, the fusion weight restricted to ``fusion`` if given."""
    values = {**GRID, "fusion": GRID["fusion"] if fusion is None else fusion}
    return [SkillWeights(*combination) for combination in itertools.product(*values.values())]


def rankings(sets: Sets) -> dict[str, tuple[float, ...]]:
    """The rankings to tune, by the fusion weights each may use: with candidates of two models the main model
    alone, the second alone and their fusion; with one model, that model."""
    fused = any(len(found.models) > 1 for _, candidates in sets.values() for found in candidates)
    if not fused:
        return {"main model": (0.0,)}
    return {"main model alone": (0.0,), "second model alone": (1.0,), "fusion": GRID["fusion"]}


def cross_tune(sets: Sets, shipped: SkillWeights | None = None) -> list[dict]:
    """For each ranking (``rankings``) and set: the weights with the best RP@5 on it (first of the grid's order
    on ties) and RP@5 with those weights on every set; also the shipped constants' figures."""
    tuned = rankings(sets)
    every = grid(tuple(sorted({f for fusion in tuned.values() for f in fusion})))
    table = {name: {w: rp5(cands, examples, w) for w in every} for name, (examples, cands) in sets.items()}
    rows = []
    for ranking, fusion in tuned.items():
        allowed = grid(fusion)
        for name, scores in table.items():
            best = max(allowed, key=lambda w: scores[w])  # max keeps the first best
            rows.append({"tuned_on": name, "ranking": ranking, "weights": asdict(best),
                         **{f"rp@5 {other}": table[other][best] for other in table}})
    shipped = shipped or SkillWeights()
    if len(tuned) == 1:
        shipped = replace(shipped, fusion=0.0)
    rows.append({"tuned_on": "shipped constants", "ranking": "settings", "weights": asdict(shipped),
                 **{f"rp@5 {name}": rp5(cands, examples, shipped) for name, (examples, cands) in sets.items()}})
    return rows
