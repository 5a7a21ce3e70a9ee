"""Learn the keep model (``extractor.keep_model``) from labelled CV sets.

Every candidate skill of every CV of the chosen half is labelled: right when it is in the gold list or both
judges said the CV shows it, wrong when the judges did not both say so (``eval.judging``); a candidate nobody
judged is left out and counted, and one the model never sees (``Fit.rests_on_a_shared_word``) is left out. A
logistic regression (scikit-learn) learns the weights from ``Fit.features``; the threshold is the lowest on a grid
at which every set with a gold list reaches ``precision`` on its own whole-CV candidates (set-level,
micro-averaged), so that the reporting halves and held-out sets say how well the choice carries. A set without gold
lists (the judged ads of a match set, ``eval.cv_sets``) adds examples but no say in the threshold. The candidates of
each CV line read alone are learned from too, so that the model knows short texts (a sentence of an ad).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

import numpy as np

from eval.cv_sets import LabelledCv, half_of, precision_recall
from extractor.keep_model import FEATURES, KeepModel

log = logging.getLogger(__name__)

THRESHOLDS = tuple(round(0.3 + 0.01 * i, 2) for i in range(61))  # 0.30, 0.31 ... 0.90


@dataclass
class Example:
    set: str
    cv: str
    values: dict[str, float]
    right: bool
    gold: bool
    whole: bool = True  # read from the whole CV (not from one of its lines alone)
    uri: str = ""  # the candidate concept


# A line read alone teaches the model short texts (a sentence of an ad, a search): lines of at least this many words.
LINE_WORDS = 4


def labelled_candidates(name: str, cv_id: str, draft_, label: Callable[[str], tuple[bool, bool] | None],
                        whole: bool = True) -> tuple[list[Example], int]:
    """The candidates of a draft as examples, each labelled by ``label`` (uri -> (right, gold), None where nobody
    said: left out and counted); a candidate the model never sees (``Fit.rests_on_a_shared_word``) is left out."""
    found, unjudged = [], 0
    for match, fit in zip(draft_.candidates, draft_.fits):
        if fit.rests_on_a_shared_word:
            continue
        known = label(match.uri)
        if known is None:
            unjudged += 1
            continue
        found.append(Example(name, cv_id, fit.features(), known[0], known[1], whole, match.uri))
    return found, unjudged


def _labelled(name: str, cv: LabelledCv, draft_, whole: bool) -> tuple[list[Example], int]:
    def label(uri: str) -> tuple[bool, bool] | None:
        return (uri in cv.supported, uri in cv.gold) if uri in cv.gold or uri in cv.judged else None

    return labelled_candidates(name, cv.id, draft_, label, whole)


def examples(named_sets: dict[str, list[LabelledCv]], draft, half: str = "tuning",
             lines: bool = True) -> tuple[list[Example], dict]:
    """Labelled candidates of the CVs in ``half`` ("all" for every CV); ``draft``: ``CompetenceExtractor.draft``.
    With ``lines``, also those of each CV line of ``LINE_WORDS`` or more words read alone, labelled as in its CV
    (what the CV shows, the line may name). Also returns, per set, the gold count and how many whole-CV
    candidates were unjudged."""
    found, counts = [], {}
    for name, cvs in named_sets.items():
        chosen = [cv for cv in cvs if half == "all" or half_of(cv) == half]
        unjudged = 0
        for cv in chosen:
            whole, missing = _labelled(name, cv, draft(cv.served_text), True)
            found += whole
            unjudged += missing
            if lines:
                for line in cv.served_text.splitlines():
                    if len(line.split()) >= LINE_WORDS:
                        found += _labelled(name, cv, draft(line), False)[0]
        counts[name] = {"cvs": len(chosen), "gold": sum(len(cv.gold) for cv in chosen), "unjudged": unjudged}
    return found, counts


def set_figures(chosen: list[Example], gold: int) -> dict[str, float]:
    """Precision counting judged-right concepts, recall against the gold list, of the kept candidates."""
    kept_gold = sum(e.gold for e in chosen)
    right = sum(e.right for e in chosen)
    return {**precision_recall(kept_gold, len(chosen), gold), "judged_precision": round(right / len(chosen), 4)
            if chosen else 0.0, "kept": len(chosen)}


def fit(found: list[Example], c: float = 1.0) -> KeepModel:
    """A logistic regression (scikit-learn) of right on ``Fit.features``; its threshold is left at 0.5."""
    from sklearn.linear_model import LogisticRegression

    x = np.array([[e.values[name] for name in FEATURES] for e in found], dtype=float)
    y = np.array([e.right for e in found])
    if len(set(y.tolist())) < 2:
        raise ValueError(f"{len(found)} examples, all {'right' if found and found[0].right else 'wrong'}: a model "
                         "needs right and wrong candidates to learn from (more labelled CVs)")
    fitted = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    weights = {name: round(float(w), 4) for name, w in zip(FEATURES, fitted.coef_[0])}
    return KeepModel(weights, round(float(fitted.intercept_[0]), 4), 0.5)


def train(found: list[Example], counts: dict, precision: float = 0.85, c: float = 1.0,
          half: str = "tuning") -> tuple[KeepModel, list]:
    """Fit the weights; choose the threshold. Returns the model and, per threshold, each set's figures; ``half``:
    which CVs ``found`` came from, recorded with the model."""
    model = fit(found, c)
    probabilities = [model.probability(e.values) for e in found]
    table = []
    for threshold in THRESHOLDS:
        row = {"threshold": threshold}
        for name, count in counts.items():
            kept = [e for e, p in zip(found, probabilities) if e.set == name and e.whole and p >= threshold]
            row[name] = set_figures(kept, count["gold"])
        table.append(row)
    # The threshold answers to the sets with gold lists (the CV sets); a set without (a match set's ads) only teaches.
    ruled = [name for name, count in counts.items() if count["gold"]] or list(counts)
    reaching = [row for row in table if all(row[name]["judged_precision"] >= precision for name in ruled)]
    chosen = reaching[0] if reaching else max(
        table, key=lambda row: min(row[name]["judged_precision"] for name in ruled))
    if not reaching:
        log.warning("no threshold reaches precision %.2f on every set; taking the most precise", precision)
    trained_on = {"sets": {name: {**count, "examples": sum(e.set == name and e.whole for e in found),
                                  "right": sum(e.right for e in found if e.set == name and e.whole),
                                  "line_examples": sum(e.set == name and not e.whole for e in found)}
                           for name, count in counts.items()},
                  "precision_asked": precision, "threshold_sets": ruled, "C": c,
                  "figures_at_threshold": {name: chosen[name] for name in counts}, "half": half}
    return KeepModel(model.weights, model.intercept, chosen["threshold"], trained_on), table
