"""Thresholds of the keep model for kinds of text, each chosen on examples of that kind.

A CV repeats itself: a skill dropped in one line is often kept from another, so the whole-CV threshold is set for
precision (``eval.keep_training``). In a line or two (a sentence of an ad, a search, one requirement) each
competence is said once and a dropped candidate is lost, so the short-text threshold is the one that best balances
the two: the highest F1 of the keep decision over the CV lines read alone (precision: right among kept; recall:
right kept among right candidates, as the threshold cannot reach what was never a candidate), with probabilities
out of fold (the model learned on the other CVs, ``FOLDS`` folds by CV number), so that the choice is not made on
the examples the weights were fitted to.

A Swedish CV has a threshold of its own ("cv_sv"), chosen on a Swedish CV set written apart from the lexicon and the
keep model (``eval/data/sv_cvs_t``): the Swedish tuning half the whole-CV threshold answers to was written with the
Swedish lexicon in view (89 % of its candidates are right), so that threshold is too trusting for Swedish CVs met in
use, whose wrong candidates are mostly Swedish labels found in another sense ("svetsning" of fibre). An ad is not a
CV: it names requirements, and its Swedish candidates above the whole-CV threshold are mostly right (the matching
sets' ads), so ads keep that threshold.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from eval.cv_sets import precision_recall
from eval.datasets import stable_bucket
from eval.keep_training import THRESHOLDS, Example, fit, set_figures
from extractor.keep_model import KeepModel

FOLDS = 10


def fold_of(example: Example) -> int:
    """Folds by CV number ("03_civil_engineer" and "03_sjukskoterska" share one), so no CV is on both sides; an id
    without a number by a stable hash of it, so that the folds are the same in every run."""
    head = example.cv.split("_", 1)[0]
    return int(head) % FOLDS if head.isdigit() else stable_bucket(example.cv, FOLDS)


def out_of_fold(found: list[Example], c: float = 1.0) -> np.ndarray:
    """Each example's probability from a model learned on the examples of the other folds."""
    folds = np.array([fold_of(e) for e in found])
    probabilities = np.zeros(len(found))
    for f in sorted(set(folds)):
        model = fit([e for e, g in zip(found, folds) if g != f], c)
        probabilities[folds == f] = [model.probability(e.values) for e, g in zip(found, folds) if g == f]
    return probabilities


def short_text_threshold(found: list[Example], c: float = 1.0) -> tuple[float, list[dict]]:
    """The threshold (``THRESHOLDS``; ties: the higher) with the best F1 over the line examples, out of fold; and
    the table of every threshold's precision, recall and F1."""
    probabilities = out_of_fold(found, c)
    lines = [(p, e.right) for e, p in zip(found, probabilities) if not e.whole]
    right = sum(r for _, r in lines)
    if not lines or not right:
        raise ValueError("no line examples with a right candidate: learn from CV sets read line by line")
    table = []
    for threshold in THRESHOLDS:
        kept = [r for p, r in lines if p >= threshold]
        table.append({"threshold": threshold, **precision_recall(sum(kept), len(kept), right), "kept": len(kept)})
    best = max(table, key=lambda row: (row["f1"], row["threshold"]))
    return best["threshold"], table


def with_short_text_threshold(model: KeepModel, found: list[Example], c: float = 1.0) -> tuple[KeepModel, list[dict]]:
    """``model`` with its short-text threshold chosen on ``found`` (``short_text_threshold``), and the table."""
    threshold, table = short_text_threshold(found, c)
    return replace(model, thresholds={**model.thresholds, "short": threshold}), table


def cv_threshold(model: KeepModel, found: list[Example], gold: int, precision: float = 0.85
                 ) -> tuple[float | None, list[dict]]:
    """The lowest threshold (``THRESHOLDS``, not below the model's whole-CV one) at which the whole-CV examples in
    ``found`` (one CV set, every CV) reach judged precision ``precision``, None if none does; and the table of each
    threshold's figures (``gold``: the set's gold concepts, for recall)."""
    probabilities = [(model.probability(e.values), e) for e in found if e.whole]
    table = [{"threshold": t, **set_figures([e for p, e in probabilities if p >= t], gold)}
             for t in THRESHOLDS if t >= model.threshold]
    reaching = [row for row in table if row["kept"] and row["judged_precision"] >= precision]
    return (reaching[0]["threshold"] if reaching else None), table


def with_cv_threshold(model: KeepModel, found: list[Example], gold: int, chosen_on: str, kind: str = "cv_sv",
                      precision: float = 0.85) -> tuple[KeepModel, list[dict]]:
    """``model`` with the threshold of ``kind`` chosen on ``found`` (``cv_threshold``; left out where no threshold
    reaches ``precision``) and recorded as chosen on the set ``chosen_on``, and the table."""
    threshold, table = cv_threshold(model, found, gold, precision)
    thresholds = {name: value for name, value in model.thresholds.items() if name != kind}
    if threshold is not None:
        thresholds[kind] = threshold
    trained_on = {**model.trained_on, "thresholds_chosen_on": {
        **model.trained_on.get("thresholds_chosen_on", {}), kind: chosen_on if threshold is not None else None}}
    return replace(model, thresholds=thresholds, trained_on=trained_on), table
