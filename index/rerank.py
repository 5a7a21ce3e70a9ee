"""Re-ranking: a transparent score made of parts, computed for each candidate FAISS retrieved.

    score = (sum of weight * part over the parts that apply) / (sum of those weights)
            * unmet_factor ** (number of unmet hard requirements)

Parts (each 0..1):
- ``semantic``: cosine of the two documents' concept vectors (see index.cards; concepts weighted by specificity),
  clipped at 0.
- ``fused``: the candidate's fused retrieval rank (index.fusion: concept vector, BM25 over the masked text and
  whole-text embedding, by reciprocal rank fusion), scaled so that first in every channel is 1.
- ``essential``: the ad's essential skills the CV covers, each counted by its specificity (index.specificity):
  1 for the same ESCO concept, ``related_credit`` for a skill in the same narrow ESCO skill group (groups with at
  most ``related_group_max`` skills) or, where the taxonomy has occupation-skill relations, a skill essential to an
  occupation the CV shows. The share is shrunk towards ``coverage_prior`` as if ``coverage_prior_weight`` more
  requirements were there: an ad with one requirement met gains little from it alone.
- ``optional``: the same for the skills the ad calls a plus.
- ``occupation``: the closest pair of the two documents' occupations (1 for the same concept, else the cosine of
  their label embeddings).
A part applies only where both sides have something to compare (an ad with no stated skills has no ``essential``).
Hard requirements (gates): every language level and licence the ad requires; each unmet one multiplies the score
by ``unmet_factor`` and is listed in the explanation. Language concepts (ESCO's language group "L") are gates, never
skills that fill coverage.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from index.cards import ConceptVectors
from core.ranking_weights import RankingWeights
from store.records import MatchCard
from taxonomy.model import Taxonomy

CEFR_ORDER = {"A1": 1, "A2": 2, "B1": 3, "B2": 4, "C1": 5, "C2": 6}
# A licence class that includes others (CE includes C and B, ...).
LICENCE_INCLUDES = {"BE": {"B"}, "C1": {"B"}, "C": {"B", "C1"}, "CE": {"B", "BE", "C", "C1", "C1E"},
                    "C1E": {"B", "BE", "C1"}, "D1": {"B"}, "D": {"B", "D1"}, "DE": {"B", "BE", "D", "D1", "D1E"},
                    "D1E": {"B", "BE", "D1"}, "B96": {"B"}}


@dataclass
class Covered:
    uri: str          # the ad's skill
    essential: bool
    relation: str     # "exact" | "related" | "missing"
    via: str | None   # the CV skill that covers it


@dataclass
class CvSide:
    card: MatchCard
    held: set[str]
    by_group: dict[str, str]
    licences: set[str]
    occupation_vectors: np.ndarray | None
    implied: dict[str, str] = field(default_factory=dict)  # skill -> the CV's occupation it is essential for


@dataclass
class Scored:
    item_id: int
    score: float
    parts: dict[str, float]
    coverage: list[Covered] = field(default_factory=list)
    unmet: list[str] = field(default_factory=list)


class Ranker:
    def __init__(self, taxonomy: Taxonomy, concepts: ConceptVectors, weights: RankingWeights) -> None:
        self.weights = weights
        self.concepts = concepts
        sizes = Counter(group for concept in taxonomy.of_kind("skill") for group in concept.broader)
        self.groups = {c.uri: tuple(sorted(g for g in c.broader if sizes[g] <= weights.related_group_max))
                       for c in taxonomy.of_kind("skill")}
        self.taxonomy = taxonomy
        # Languages are gates (CEFR levels on the cards), not competences.
        self.gates = {c.uri for c in taxonomy.of_kind("skill") if c.is_language}
        self._vectors: dict[str, np.ndarray] = {}

    def _vector(self, uri: str) -> np.ndarray:
        if uri not in self._vectors:
            self._vectors[uri] = self.concepts.get([uri])[0]
        return self._vectors[uri]

    def side(self, cv: MatchCard) -> "CvSide":
        """What scoring needs of a CV, computed once per CV (not once per ad it is compared with)."""
        by_group: dict[str, str] = {}
        for uri in cv.essential + cv.optional:
            for group in self.groups.get(uri, ()):
                by_group.setdefault(group, uri)
        licences = set(cv.licences)
        for code in list(licences):
            licences |= LICENCE_INCLUDES.get(code, set())
        occupations = (np.stack([self._vector(u) for u in cv.occupations]) if cv.occupations else None)
        # With occupation-skill relations (the official ESCO import), the essential skills of an occupation the
        # CV shows count as related: a welder of ten years has most of a welder's essential skills.
        implied: dict[str, str] = {}
        for occupation in cv.occupations:
            for uri in self.taxonomy.related_skills(occupation)["essential"]:
                implied.setdefault(uri, occupation)
        return CvSide(cv, set(cv.essential) | set(cv.optional), by_group, licences, occupations, implied)

    def coverage(self, ad: MatchCard, cv: "CvSide") -> list[Covered]:
        covered = []
        for uris, essential in ((ad.essential, True), (ad.optional, False)):
            for uri in uris:
                if uri in self.gates:
                    continue
                if uri in cv.held:
                    covered.append(Covered(uri, essential, "exact", uri))
                    continue
                via = next((cv.by_group[g] for g in self.groups.get(uri, ()) if g in cv.by_group),
                           cv.implied.get(uri))
                covered.append(Covered(uri, essential, "related" if via else "missing", via))
        return covered

    def occupation_proximity(self, ad: MatchCard, cv: "CvSide") -> float | None:
        if not ad.occupations or cv.occupation_vectors is None:
            return None
        if any(uri in cv.card.occupations for uri in ad.occupations):
            return 1.0
        best = max(float((cv.occupation_vectors @ self._vector(u)).max()) for u in ad.occupations)
        return max(0.0, best)

    @staticmethod
    def unmet_requirements(ad: MatchCard, cv: "CvSide") -> list[str]:
        unmet = []
        for code, level in ad.languages.items():
            if code not in cv.card.languages:
                unmet.append(f"language {code}{' ' + level if level else ''}: not in the CV")
                continue
            held = cv.card.languages[code]
            if level and CEFR_ORDER.get(held or "", 0) < CEFR_ORDER[level]:
                unmet.append(f"language {code} {level}: the CV states {held or 'no level'}")
        unmet.extend(f"licence {code}: not in the CV" for code in ad.licences if code not in cv.licences)
        return unmet

    def covered_share(self, covered: list[Covered], weigh: Callable[[str], float] | None = None) -> float:
        """Specificity-weighted credit of the requirements, shrunk towards the prior (see the module notes)."""
        w = self.weights
        credit = total = 0.0
        for c in covered:
            weight = weigh(c.uri) if weigh is not None else 1.0
            total += weight
            credit += weight * (1.0 if c.relation == "exact" else w.related_credit if c.relation == "related" else 0)
        return (credit + w.coverage_prior_weight * w.coverage_prior) / (total + w.coverage_prior_weight)

    def score(self, item_id: int, ad: MatchCard, cv: "MatchCard | CvSide", semantic: float,
              fused: float | None = None, weigh: Callable[[str], float] | None = None) -> Scored:
        """The score of one (ad, CV) pair; pass ``side(cv)`` when one CV meets many ads. ``fused``: the scaled
        fused retrieval rank, where retrieval was hybrid; ``weigh``: concept specificity (None: all count 1)."""
        if isinstance(cv, MatchCard):
            cv = self.side(cv)
        w = self.weights
        coverage = self.coverage(ad, cv)
        parts: dict[str, float] = {"semantic": max(0.0, min(1.0, semantic))}
        if fused is not None:
            parts["fused"] = max(0.0, min(1.0, fused))
        for essential, name in ((True, "essential"), (False, "optional")):
            mine = [c for c in coverage if c.essential is essential]
            if mine:
                parts[name] = self.covered_share(mine, weigh)
        occupation = self.occupation_proximity(ad, cv)
        if occupation is not None:
            parts["occupation"] = occupation
        weights = {name: getattr(w, name) for name in parts}
        total = sum(weights.values()) or 1.0
        unmet = self.unmet_requirements(ad, cv)
        score = sum(weights[n] * parts[n] for n in parts) / total * (w.unmet_factor ** len(unmet))
        rounded = {name: round(value, 4) for name, value in parts.items()}
        if unmet:
            rounded["requirements_factor"] = round(w.unmet_factor ** len(unmet), 4)
        return Scored(item_id, round(score, 4), rounded, coverage, unmet)
