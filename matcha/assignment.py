"""A cohort-wide mentor assignment that maximises the total fit under the mentors' capacities.

Solved exactly as a rectangular assignment problem (``scipy.optimize.linear_sum_assignment``) on an expanded cost
matrix: one column per free place of each mentor (a mentor with capacity 3 and one pinned adept has 2 columns),
plus one "no mentor" column per participant at cost 0, so nobody is forced into a forbidden pair and a participant
is left without a mentor only where that gives a larger total. Pinned pairs are fixed before solving and use up a
place; forbidden pairs never appear in the result."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

_FORBIDDEN = 1e9


def assign(scores: np.ndarray, capacities: list[int], pinned: dict[int, int] | None = None,
           forbidden: set[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """(participant row, mentor column) pairs of a best assignment.

    ``scores``: participants x mentors, each >= 0. ``capacities``: places per mentor (>= 0). ``pinned``:
    participant row -> mentor column, kept as given. ``forbidden``: (row, column) pairs never made."""
    pinned, forbidden = pinned or {}, forbidden or set()
    n_participants, n_mentors = scores.shape
    if len(capacities) != n_mentors or any(c < 0 for c in capacities):
        raise ValueError("one capacity >= 0 per mentor")
    if (scores < 0).any():
        raise ValueError("scores must be >= 0")
    free = list(capacities)
    for row, column in pinned.items():
        free[column] -= 1
    if any(f < 0 for f in free):
        raise ValueError("more pinned adepts than places")
    rows = [r for r in range(n_participants) if r not in pinned]
    slots = [column for column in range(n_mentors) for _ in range(free[column])]
    pairs = sorted(pinned.items())
    if not rows:
        return pairs
    cost = np.zeros((len(rows), len(slots) + len(rows)))
    cost[:, :len(slots)] = -scores[np.ix_(rows, slots)]
    position = {row: i for i, row in enumerate(rows)}
    slot_columns = np.array(slots, dtype=int)
    for row, column in forbidden:
        if row in position:
            cost[position[row], :len(slots)][slot_columns == column] = _FORBIDDEN
    chosen_rows, chosen_columns = linear_sum_assignment(cost)
    for i, j in zip(chosen_rows, chosen_columns):
        if j < len(slots) and cost[i, j] < _FORBIDDEN:
            pairs.append((rows[i], slots[j]))
    return sorted(pairs)
