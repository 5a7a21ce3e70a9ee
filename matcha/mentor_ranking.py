"""Participant -> mentors: a transparent score made of parts, explained as matches are.

    score = sum(weight * part over the parts that apply) / sum(those weights)

| part | weight | what it is |
|---|---|---|
| ``occupation`` | 0.35 | 1 for the same ESCO occupation, 0.8 for the same ISCO-08 unit group, else half the
  cosine of the closest pair of occupation labels |
| ``skills`` | 0.25 | share of the mentor's skills the participant has (1 for the same concept, the ranking's
  ``related_credit`` for the same narrow ESCO skill group), as ``essential`` in ad matching |
| ``semantic`` | 0.15 | cosine of the two concept vectors |
| ``language`` | 0.15 | 1 for a shared language other than Swedish (a mentor who speaks the participant's own
  language), 0.5 for Swedish only, 0 for none |
| ``place`` | 0.10 | 1 for the same municipality, 0.5 for the same county (län), 0 otherwise |

A part applies only where both sides have something to compare (no municipality given: no ``place``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from extractor.profile import CompetenceProfile
from index.cards import card_vector
from index.explain import explain
from index.isco import IscoGroups
from index.regions import REGIONS
from index.rerank import CvSide, Ranker, Scored
from matcha.programme_models import Mentor, MentorExplanation, MentorMatch, SharedOccupation
from store.database import municipality_key
from store.records import Cv, MatchCard
from taxonomy.model import Taxonomy

WEIGHTS = {"occupation": 0.35, "skills": 0.25, "semantic": 0.15, "language": 0.15, "place": 0.10}
SAME_GROUP, OTHER_OCCUPATION_FACTOR = 0.8, 0.5
COMMON_LANGUAGE = "sv"
_COUNTY = {municipality_key(m): region for region, names in REGIONS.items() for m in names}


@dataclass
class MentorSide:
    """What scoring needs of a mentor: its card (skills as an ad's essentials), vector and profile (evidence)."""

    mentor: Mentor
    card: MatchCard
    vector: np.ndarray | None
    profile: CompetenceProfile


def mentor_profile(mentor: Mentor, stored: str | None) -> CompetenceProfile:
    if stored:
        return CompetenceProfile.model_validate_json(stored)
    return CompetenceProfile(language="en", language_confidence=1.0, text="")


class MentorRanker:
    def __init__(self, taxonomy: Taxonomy, ranker: Ranker, isco: IscoGroups) -> None:
        self.taxonomy = taxonomy
        self.ranker = ranker
        self.isco = isco

    def side(self, mentor: Mentor, stored_profile: str | None = None) -> MentorSide:
        card = MatchCard(essential=mentor.skills, occupations=mentor.occupations,
                         languages={code: None for code in mentor.languages})
        return MentorSide(mentor, card, card_vector(card, self.ranker.concepts),
                          mentor_profile(mentor, stored_profile))

    def _occupations(self, cv: Cv, mentor: MentorSide) -> tuple[float | None, list[SharedOccupation]]:
        mine, theirs = cv.card.occupations, mentor.card.occupations
        if not mine or not theirs:
            return None, []
        shared: list[SharedOccupation] = []
        for uri in mine:
            concept = self.taxonomy.get(uri)
            label = concept.label("en") if concept else uri
            label_sv = concept.labels.get("sv") if concept else None
            group = self.isco.unit_group(uri)
            if uri in theirs:
                shared.append(SharedOccupation(uri=uri, label=label, label_sv=label_sv, mentor_occupation=uri,
                                               relation="exact", isco=group, isco_label=self.isco.label(group)))
                continue
            other = next((m for m in theirs if group and self.isco.unit_group(m) == group), None)
            if other:
                shared.append(SharedOccupation(uri=uri, label=label, label_sv=label_sv, mentor_occupation=other,
                                               relation="isco_group", isco=group, isco_label=self.isco.label(group)))
        if any(s.relation == "exact" for s in shared):
            return 1.0, shared
        if shared:
            return SAME_GROUP, shared
        vectors = self.ranker.concepts.get(mine)
        best = float((vectors @ self.ranker.concepts.get(theirs).T).max())
        return max(0.0, best) * OTHER_OCCUPATION_FACTOR, shared

    @staticmethod
    def _languages(cv: Cv, mentor: MentorSide) -> tuple[float | None, list[str]]:
        mine, theirs = set(cv.card.languages), set(mentor.mentor.languages)
        if not mine or not theirs:
            return None, []
        shared = sorted(mine & theirs)
        if any(code != COMMON_LANGUAGE for code in shared):
            return 1.0, shared
        return (0.5 if shared else 0.0), shared

    @staticmethod
    def _place(cv: Cv, mentor: MentorSide) -> tuple[float | None, str | None]:
        mine, theirs = municipality_key(cv.municipality), municipality_key(mentor.mentor.municipality)
        if not mine or not theirs:
            return None, None
        if mine == theirs:
            return 1.0, "municipality"
        county = _COUNTY.get(mine)
        if county is not None and county == _COUNTY.get(theirs):
            return 0.5, "region"
        return 0.0, None

    def score(self, cv: Cv, cv_vector: np.ndarray, mentor: MentorSide, side: CvSide | None = None) -> MentorMatch:
        side = side or self.ranker.side(cv.card)
        coverage = self.ranker.coverage(mentor.card, side)
        parts: dict[str, float] = {}
        occupation, shared_occupations = self._occupations(cv, mentor)
        if occupation is not None:
            parts["occupation"] = occupation
        if coverage:
            related = self.ranker.weights.related_credit
            parts["skills"] = sum(1.0 if c.relation == "exact" else related if c.relation == "related" else 0.0
                                  for c in coverage) / len(coverage)
        if mentor.vector is not None:
            parts["semantic"] = max(0.0, min(1.0, float(cv_vector @ mentor.vector)))
        language, shared_languages = self._languages(cv, mentor)
        if language is not None:
            parts["language"] = language
        place, where = self._place(cv, mentor)
        if place is not None:
            parts["place"] = place
        total = sum(WEIGHTS[name] for name in parts) or 1.0
        score = round(sum(WEIGHTS[name] * value for name, value in parts.items()) / total, 4)
        rounded = {name: round(value, 4) for name, value in parts.items()}
        base = explain(Scored(mentor.mentor.id, score, rounded, coverage), mentor.profile, cv.profile,
                       self.taxonomy)
        explanation = MentorExplanation(**base.model_dump(), shared_occupations=shared_occupations,
                                        shared_languages=shared_languages, place=where)
        m = mentor.mentor
        return MentorMatch(mentor_id=m.id, name=m.name, municipality=m.municipality, capacity=m.capacity,
                           score=score, explanation=explanation)

    def rank(self, cv: Cv, cv_vector: np.ndarray, mentors: list[MentorSide]) -> list[MentorMatch]:
        """Every mentor for one participant, best first (ties by mentor id)."""
        side = self.ranker.side(cv.card)
        found = [self.score(cv, cv_vector, mentor, side) for mentor in mentors]
        return sorted(found, key=lambda m: (-m.score, m.mentor_id))
