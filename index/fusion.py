"""Reciprocal rank fusion: several rankings of the same documents become one, by rank alone (scores of
different channels are not comparable: a BM25 score, a concept cosine, a text cosine)."""

from __future__ import annotations


def tied_ranks(scored: list[tuple[int, float]], places: int = 6) -> list[tuple[int, int]]:
    """(id, rank) for a list sorted best first; equal scores (to ``places`` decimals) share the better rank, so
    two identical documents are never told apart by the order they were stored in."""
    ranks, previous, rank = [], None, 0
    for position, (item, score) in enumerate(scored, start=1):
        value = round(score, places)
        if value != previous:
            rank, previous = position, value
        ranks.append((item, rank))
    return ranks


def reciprocal_rank_fusion(rankings: dict[str, list[tuple[int, float]]], weights: dict[str, float],
                           k: float = 60.0) -> dict[int, float]:
    """id -> sum over channels of weight / (k + rank); each channel's list is (id, score) best first, ranks
    counted from 1 with ties sharing a rank; a channel without a weight counts 1."""
    fused: dict[int, float] = {}
    for channel, scored in rankings.items():
        weight = weights.get(channel, 1.0)
        if weight <= 0:
            continue
        for item, rank in tied_ranks(scored):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


def best_possible(weights: dict[str, float], channels: list[str], k: float = 60.0) -> float:
    """The fused score of a document ranked first by every channel: the scale that maps fused scores to 0..1."""
    return sum(max(0.0, weights.get(c, 1.0)) for c in channels) / (k + 1)
