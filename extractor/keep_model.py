"""Which candidate concepts a profile keeps: a logistic model over what the sense check knows about each one.

Every candidate skill (a taxonomy label found in the text, or a phrase linked by similarity) has a
:class:`extractor.coherence.Fit`: how it was found, how well it fits its sentence and the document's other
concepts, how ambiguous its words are, where in the CV it stands. ``Fit.features`` turns it into the numbers named
in ``FEATURES``; the model (``keep_model.json``, beside this module) weighs them into the probability that a careful
reader of the CV would list the concept, and ``SenseCheck`` keeps a concept at ``threshold`` or above, at
``thresholds["short"]`` in a text of a line or two, at ``thresholds["cv_sv"]`` in a longer Swedish CV
(``Fit.kind``, ``eval.keep_thresholds``); a link that rests on a word the
taxonomy lacks never (``Fit.rests_on_a_shared_word``).

What a CV's profile keeps is what matching ranks on. Of it, the profile people see (``CompetenceProfile.skills``)
holds the concepts the model is surer of: those at the CV's ``shown`` threshold for their way of being found (a
link by similarity, or a label in the text) and kind of CV (``Fit.tier``: "cv", "cv_sv"); the rest are the
profile's possible skills, shown apart and marked where they explain a match (``eval.shown_thresholds`` chooses
those thresholds). A shown threshold below the keep threshold keeps from there (``KeepModel.keeps``). Ads and
short texts have one tier.

The weights are learned, not set by hand: ``eval.keep_training`` fits them on the tuning halves of the labelled CV
sets (``eval/data/en_cvs``, ``sv_cvs``, ids 01-10), whose every candidate concept is labelled right (in the gold
list, or both blind judges said the CV shows it) or wrong (``eval.judging``); the threshold is the lowest at which
each of those sets reaches the precision asked for. ``matcha eval train-keep`` rebuilds the file.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("keep_model.json")
FEATURES = ("linked", "score", "linked_score", "support", "sentence", "anchors", "no_anchors", "ambiguity",
            "unknown_word", "everyday", "specific", "shadowed", "overlap", "places", "words", "knowledge",
            "transversal", "swedish", "short_text", "in_skills", "in_experience", "in_education", "in_profile",
            "linked_grounding_least", "linked_grounding_mean", "linked_grounded")


@dataclass(frozen=True)
class KeepModel:
    weights: dict[str, float]
    intercept: float
    threshold: float
    trained_on: dict = field(default_factory=dict)
    # Thresholds for kinds of text, each chosen on texts of its kind (``eval.keep_thresholds``): "short" for a line or
    # two, "cv_sv" for a longer Swedish CV (``extractor.coherence.Fit.kind``); a kind without one uses ``threshold``.
    thresholds: dict[str, float] = field(default_factory=dict)
    # Thresholds of the profile people see, per kind of CV and way of being found ("cv:linked", "cv:label",
    # "cv_sv:linked", "cv_sv:label"); a CV's candidate kept below its one is a possible skill. None: one tier.
    shown: dict[str, float] = field(default_factory=dict)

    def probability(self, values: dict[str, float]) -> float:
        z = self.intercept + sum(weight * values[name] for name, weight in self.weights.items())
        return 1.0 / (1.0 + math.exp(-z))

    def threshold_for(self, kind: str = "") -> float:
        """The threshold for a kind of text (``Fit.kind``: "short", "cv_sv"; "" or a kind without one: the default)."""
        return self.thresholds.get(kind, self.threshold)

    def accepts(self, values: dict[str, float], threshold: float | None = None, kind: str = "") -> bool:
        """Whether the probability reaches ``threshold`` (default: the model's own for that kind of text)."""
        return self.probability(values) >= (self.threshold_for(kind) if threshold is None else threshold)

    def keeps(self, values: dict[str, float], kind: str = "", tier: str = "", threshold: float | None = None) -> bool:
        """Whether a candidate is kept (for matching): at the threshold of its kind of text, or at its shown
        threshold where that is lower (a label match of a CV shown from 0.67 is kept from 0.67); at ``threshold``
        alone where one is given (``MATCHA_KEEP_THRESHOLD``: the operator's choice holds for every candidate)."""
        if threshold is not None:
            return self.probability(values) >= threshold
        shown = self.shown_threshold(tier, bool(values["linked"]))
        limit = self.threshold_for(kind)
        return self.probability(values) >= (limit if shown is None else min(limit, shown))

    def shown_threshold(self, tier: str, linked: bool) -> float | None:
        """The threshold of the shown profile for a kind of CV (``Fit.tier``) and a link (or a label match); None
        where the text has one tier."""
        return self.shown.get(shown_key(tier, linked)) if tier else None

    def shows(self, values: dict[str, float], tier: str) -> bool:
        """Whether a kept candidate is in the profile people see (not a possible skill)."""
        threshold = self.shown_threshold(tier, bool(values["linked"]))
        return threshold is None or self.probability(values) >= threshold

    def to_json(self) -> str:
        return json.dumps({"features": list(self.weights), "weights": self.weights, "intercept": self.intercept,
                           "threshold": self.threshold, "thresholds": self.thresholds, "shown": self.shown,
                           "trained_on": self.trained_on}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> KeepModel:
        data = json.loads(text)
        missing = set(FEATURES) - set(data["weights"])
        if missing:
            raise ValueError(f"keep model lacks weights for {sorted(missing)}: rebuild it (matcha eval train-keep)")
        return cls({name: float(data["weights"][name]) for name in FEATURES}, float(data["intercept"]),
                   float(data["threshold"]), data.get("trained_on", {}),
                   {kind: float(value) for kind, value in data.get("thresholds", {}).items()},
                   {key: float(value) for key, value in data.get("shown", {}).items()})


def shown_key(tier: str, linked: bool) -> str:
    """The key of a shown threshold: "cv:linked", "cv_sv:label", ..."""
    return f"{tier}:{'linked' if linked else 'label'}"


@lru_cache(maxsize=4)
def load_keep_model(path: Path = MODEL_FILE) -> KeepModel:
    return KeepModel.from_json(Path(path).read_text(encoding="utf-8"))
