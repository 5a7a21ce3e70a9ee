"""How far a set-level figure can move with the documents drawn: bootstrap intervals over documents.

A profile figure such as judged precision is a ratio of sums over a set's CVs (right concepts over found concepts).
The CVs are the sampling unit: a writer's style, a field's vocabulary and a judge's leaning act on a whole CV, so
its concepts are not independent draws. The interval resamples whole CVs (scipy's paired bootstrap, percentile
method, fixed seed: the same data give the same interval), which is what a second set written the same way could
show. Twenty CVs with 250 concepts give an interval about ±0.04 wide around a precision of 0.85.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import bootstrap

RESAMPLES = 2000
LEVEL = 0.95


def _ratio(numerators: np.ndarray, denominators: np.ndarray, axis: int = -1) -> np.ndarray:
    totals = denominators.sum(axis)
    return np.divide(numerators.sum(axis), totals, out=np.zeros_like(totals, dtype=float), where=totals > 0)


def ratio_interval(numerators: list[int], denominators: list[int], level: float = LEVEL,
                   resamples: int = RESAMPLES, seed: int = 0) -> tuple[float, float]:
    """The bootstrap interval of sum(numerators) / sum(denominators), resampling the units (documents) in pairs;
    a point interval for fewer than two units or nothing to divide by."""
    num, den = np.asarray(numerators, dtype=float), np.asarray(denominators, dtype=float)
    point = float(_ratio(num, den)) if len(num) else 0.0
    if len(num) < 2 or not den.any():
        return round(point, 4), round(point, 4)
    found = bootstrap((num, den), _ratio, paired=True, vectorized=True, n_resamples=resamples,
                      confidence_level=level, method="percentile", random_state=seed).confidence_interval
    return round(float(found.low), 4), round(float(found.high), 4)


def _difference(num_a: np.ndarray, den_a: np.ndarray, num_b: np.ndarray, den_b: np.ndarray,
                axis: int = -1) -> np.ndarray:
    return _ratio(num_b, den_b, axis) - _ratio(num_a, den_a, axis)


def paired_difference(a: tuple[list[int], list[int]], b: tuple[list[int], list[int]], level: float = LEVEL,
                      resamples: int = RESAMPLES, seed: int = 0) -> dict[str, float]:
    """How much a ratio over documents moves from ``a`` to ``b``, both (numerators, denominators) over the same
    documents in the same order: the difference b − a and its bootstrap interval, the documents resampled once for
    both. Much tighter than two separate intervals, as what the two share cancels."""
    arrays = [np.asarray(x, dtype=float) for x in (*a, *b)]
    if len({len(x) for x in arrays}) != 1:
        raise ValueError("a and b must count the same documents")
    point = float(_difference(*arrays)) if len(arrays[0]) else 0.0
    low = high = point
    if len(arrays[0]) >= 2 and arrays[1].any() and arrays[3].any():
        found = bootstrap(tuple(arrays), _difference, paired=True, vectorized=True, n_resamples=resamples,
                          confidence_level=level, method="percentile", random_state=seed).confidence_interval
        low, high = float(found.low), float(found.high)
    return {"difference": round(point, 4), "low": round(low, 4), "high": round(high, 4)}
