"""Honest figures for skill ranking: tune the constants of ``extractor.concept_ranking`` on one labelled set and
report RP@5 on the others (each set in turn), so no figure is measured on the data its constants were chosen on.

Each set's candidates and score parts are computed once (``ConceptRanker.skill_candidates``); the grid only
recombines them, so a full grid takes seconds.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict

from eval.datasets import Example
from eval.metrics import skill_metrics
from extractor.concept_ranking import SkillCandidates, SkillWeights

GRID = {"phrase_factor": (0.8, 0.85, 0.9, 0.95, 1.0),
        "preferred_bonus": (0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
        "other_bonus": (0.0, 0.04, 0.08, 0.15, 0.25),
        "description": (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5)}


def rp5(candidates: list[SkillCandidates], examples: list[Example], weights: SkillWeights, k: int = 10) -> float:
    ranked = [[hit.uri for hit in found.top(weights, k)] for found in candidates]
    return skill_metrics(ranked, [e.gold for e in examples])["rp@5"]


def grid() -> list[SkillWeights]:
    return [SkillWeights(*values) for values in itertools.product(*GRID.values())]


def cross_tune(sets: dict[str, tuple[list[Example], list[SkillCandidates]]]) -> list[dict]:
    """For each set: the weights with the best RP@5 on it (first of the grid's order on ties) and RP@5 with
    those weights on every set; also the shipped constants' figures."""
    table = {name: {w: rp5(cands, examples, w) for w in grid()} for name, (examples, cands) in sets.items()}
    rows = []
    for name, scores in table.items():
        best = max(scores, key=lambda w: scores[w])  # max keeps the first best
        rows.append({"tuned_on": name, "weights": asdict(best),
                     **{f"rp@5 {other}": table[other][best] for other in table}})
    shipped = SkillWeights()
    rows.append({"tuned_on": "shipped constants", "weights": asdict(shipped),
                 **{f"rp@5 {name}": rp5(cands, examples, shipped) for name, (examples, cands) in sets.items()}})
    return rows
