"""Ranking metrics over lists of predicted ids and sets of gold ids."""

from __future__ import annotations

from statistics import fmean


def r_precision_at(ranked: list[str], gold: set[str], k: int) -> float:
    """Hits in the top min(k, |gold|), divided by min(k, |gold|)."""
    cut = min(k, len(gold))
    return sum(1 for item in ranked[:cut] if item in gold) / cut if cut else 0.0


def precision_at(ranked: list[str], gold: set[str], k: int) -> float:
    """Hits in the top k, divided by k."""
    return sum(1 for item in ranked[:k] if item in gold) / k


def reciprocal_rank(ranked: list[str], gold: set[str]) -> float:
    return next((1.0 / (i + 1) for i, item in enumerate(ranked) if item in gold), 0.0)


def success_at(ranked: list[str], gold: set[str], k: int) -> float:
    return 1.0 if any(item in gold for item in ranked[:k]) else 0.0


def skill_metrics(rankings: list[list[str]], golds: list[set[str]]) -> dict[str, float]:
    pairs = [(r, g) for r, g in zip(rankings, golds) if g]
    return {"rp@5": round(fmean(r_precision_at(r, g, 5) for r, g in pairs), 4) if pairs else 0.0,
            "rp@10": round(fmean(r_precision_at(r, g, 10) for r, g in pairs), 4) if pairs else 0.0,
            "mrr": round(fmean(reciprocal_rank(r, g) for r, g in pairs), 4) if pairs else 0.0,
            "n": len(pairs)}


def occupation_metrics(rankings: list[list[str]], golds: list[set[str]]) -> dict[str, float]:
    pairs = [(r, g) for r, g in zip(rankings, golds) if g]
    return {"acc@1": round(fmean(success_at(r, g, 1) for r, g in pairs), 4) if pairs else 0.0,
            "mrr": round(fmean(reciprocal_rank(r, g) for r, g in pairs), 4) if pairs else 0.0,
            "success@10": round(fmean(success_at(r, g, 10) for r, g in pairs), 4) if pairs else 0.0,
            "n": len(pairs)}
