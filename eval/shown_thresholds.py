"""The thresholds of the profile people see, per kind of CV and way of being found (``KeepModel.shown``).

What the keep model keeps of a CV is what matching ranks on: near links that careful readers reject still tell
matching which field a CV is in (raising the keep threshold for English links cost CV→CV precision@5). The profile
shown to people (and scored by ``matcha eval cvs``) keeps only what the model is surer of, with a threshold for
links by similarity and one for labels found in the text. A link's is at least the kind of CV's keep threshold (a
link the keep model doubts still tells matching the field); a label match's may start lower (``labels_from``), and
is then also where such a match is kept for matching.

The pair is chosen on the CVs models are chosen on, never on the sets written apart:
- the training set of the language (``en_cvs_t``; for Swedish ``sv_cvs_t`` and ``sv_cvs_t2`` pooled: no model learns
  from them) says how precise and how complete the shown profile is;
- the tuning half (CVs 01-10 of ``en_cvs``, ``sv_cvs``) keeps a floor of gold recall (the level when the issue
  asking for precision was filed, plus a margin);
- the training set's gold recall may fall by at most ``max_loss``.
Of the pairs within both limits, those whose judged precision on the training set reaches ``target`` (0.85 plus
the largest drop seen from a set models were chosen on to the sets written apart, 0.03); of these, the one that
keeps the most recall (ties: the lower thresholds). If none reaches it: the most precise pair (ties: more recall,
then lower thresholds).
"""

from __future__ import annotations

from dataclasses import replace

from eval.keep_comparison import Candidate, counts, figures
from extractor.keep_model import KeepModel, shown_key

TOP = 0.95
TARGET = 0.88


def grid(start: float, top: float = TOP) -> list[float]:
    """Thresholds from ``start`` to ``top`` in steps of 0.01."""
    return [round(start + 0.01 * i, 2) for i in range(int(round((top - start) * 100)) + 1)]


def _other_tiers(model: KeepModel, tier: str) -> dict[str, float]:
    """``model``'s shown thresholds less those of ``tier``."""
    return {key: value for key, value in model.shown.items() if not key.startswith(f"{tier}:")}


def _figures(found: list[list[Candidate]], gold: list[int], model: KeepModel) -> dict[str, float]:
    return figures(counts(found, gold, model))


def choose(model: KeepModel, tier: str, training: tuple[list[list[Candidate]], list[int]],
           tuning: tuple[list[list[Candidate]], list[int]], recall_floor: float, max_loss: float,
           target: float = TARGET, labels_from: float | None = None) -> tuple[dict[str, float], list[dict], dict]:
    """The shown thresholds of ``tier`` ("cv", "cv_sv") for links and label matches, the table of every pair's
    figures, and the figures before (no shown thresholds). ``training`` and ``tuning``: each CV's candidates
    (``eval.keep_comparison.candidates``) and gold list lengths; ``recall_floor``: the tuning half's gold recall may
    not fall below it; ``max_loss``: nor the training set's by more than this. Both grids start at the kind of CV's
    keep threshold, the label matches' at ``labels_from`` where given (a label match shown below the keep threshold
    is kept from there too, ``KeepModel.keeps``)."""
    start = model.threshold_for("cv_sv" if tier == "cv_sv" else "")
    base = replace(model, shown=_other_tiers(model, tier))
    before = {"training": _figures(*training, base), "tuning": _figures(*tuning, base)}
    table = []
    for linked in grid(start):
        for label in grid(start if labels_from is None else labels_from):
            candidate = replace(base, shown={**base.shown, shown_key(tier, True): linked,
                                             shown_key(tier, False): label})
            on_training, on_tuning = _figures(*training, candidate), _figures(*tuning, candidate)
            table.append({"linked": linked, "label": label, "training": on_training, "tuning": on_tuning,
                          "allowed": on_tuning["recall"] >= recall_floor
                          and on_training["recall"] >= before["training"]["recall"] - max_loss - 1e-9})
    allowed = [row for row in table if row["allowed"]]
    if not allowed:
        raise ValueError(f"no pair of thresholds keeps the recall asked for ({tier})")
    reaching = [row for row in allowed if row["training"]["judged_precision"] >= target]
    if reaching:
        best = max(reaching, key=lambda r: (r["training"]["recall"], -r["linked"] - r["label"], -r["linked"]))
    else:
        best = max(allowed, key=lambda r: (r["training"]["judged_precision"], r["training"]["recall"],
                                           -r["linked"] - r["label"], -r["linked"]))
    return {shown_key(tier, True): best["linked"], shown_key(tier, False): best["label"]}, table, before


def with_shown_thresholds(model: KeepModel, tier: str, chosen: dict[str, float], chosen_on: str) -> KeepModel:
    """``model`` with ``tier``'s shown thresholds set to ``chosen``, recorded as chosen on ``chosen_on``."""
    shown = {**_other_tiers(model, tier), **chosen}
    trained_on = {**model.trained_on, "shown_chosen_on": {**model.trained_on.get("shown_chosen_on", {}),
                                                          tier: chosen_on}}
    return replace(model, shown=shown, trained_on=trained_on)
