"""Two keep models compared on the same CVs: which keeps the better profiles, and is the difference real?

Each CV is read once (``CompetenceExtractor.draft``, as the service reads it: a CV as a CV, an ad as an ad) and each
model keeps what it keeps of the same candidates, at its own thresholds for the kind of text, and shows what it
shows of them (``KeepModel.shows``: the profile people see, which ``matcha eval cvs`` scores). Judged precision and
gold recall are counted as ``matcha eval cvs`` counts them (a kept candidate no judge saw is wrong), per CV, and the
difference between the models comes with a paired interval over the CVs (``eval.intervals.paired_difference``):
a set of twenty CVs cannot tell two models apart by 0.01 on separate intervals (about ±0.04 each), but most of what
two models keep is the same, and the paired interval sees only what differs.
"""

from __future__ import annotations

from dataclasses import dataclass

from eval.cv_sets import LabelledCv, precision_recall
from eval.intervals import paired_difference
from extractor.keep_model import KeepModel


@dataclass(frozen=True)
class Candidate:
    values: dict[str, float]
    kind: str
    right: bool  # in the gold list, or every judge said the CV shows it
    gold: bool
    tier: str = ""  # ``Fit.tier``: the kind of CV whose shown profile has thresholds of its own ("" for none)

    def shown(self, model: KeepModel) -> bool:
        """Whether ``model`` keeps it in the profile people see."""
        return model.keeps(self.values, self.kind, self.tier) and model.shows(self.values, self.tier)


def candidates(cvs: list[LabelledCv], draft) -> list[list[Candidate]]:
    """Per CV (in ``cvs``' order), every candidate a keep model may keep (not a link resting on a shared word);
    ``draft``: a function of the served text (``CompetenceExtractor.draft`` with the document's kind)."""
    found = []
    for cv in cvs:
        result = draft(cv.served_text)
        found.append([Candidate(fit.features(), fit.kind, match.uri in cv.supported, match.uri in cv.gold, fit.tier)
                      for match, fit in zip(result.candidates, result.fits) if not fit.rests_on_a_shared_word])
    return found


def counts(found: list[list[Candidate]], gold: list[int], model: KeepModel) -> dict[str, list[int]]:
    """Per CV: candidates in the profile people see judged right, in it, in it and in the gold list, and the gold
    list's length (``gold``, per CV)."""
    kept = [[c for c in of_cv if c.shown(model)] for of_cv in found]
    return {"right": [sum(c.right for c in k) for k in kept], "found": [len(k) for k in kept],
            "tp": [sum(c.gold for c in k) for k in kept], "gold": list(gold)}


def figures(per_cv: dict[str, list[int]]) -> dict[str, float]:
    """Judged precision and gold recall of a set from ``counts``, and how many concepts were kept."""
    right, found, tp, gold = (sum(per_cv[name]) for name in ("right", "found", "tp", "gold"))
    return {"judged_precision": precision_recall(right, found, gold)["precision"],
            "recall": precision_recall(tp, found, gold)["recall"], "kept": found}


def compare(found: list[list[Candidate]], cvs: list[LabelledCv], a: KeepModel, b: KeepModel) -> dict:
    """Judged precision and gold recall under ``a`` and ``b``, and the difference b − a of each with its paired
    interval over the CVs."""
    gold = [len(cv.gold) for cv in cvs]
    ca, cb = counts(found, gold, a), counts(found, gold, b)
    return {"cvs": len(cvs), "a": figures(ca), "b": figures(cb),
            "judged_precision": paired_difference((ca["right"], ca["found"]), (cb["right"], cb["found"])),
            "recall": paired_difference((ca["tp"], ca["gold"]), (cb["tp"], cb["gold"]))}
