"""Explanations are data: which skills matched (with the evidence on both sides), which are missing, the score
parts and unmet requirements. Same shape for a participant's matches and a recruiter's candidates."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from extractor.profile import CompetenceProfile, Evidence
from index.rerank import Scored
from taxonomy.model import Taxonomy


class MatchedSkill(BaseModel):
    uri: str = Field(description="The ad's skill.")
    label: str
    label_sv: str | None = None
    essential: bool
    relation: Literal["exact", "related"] = Field(description="'related': covered by a skill of the same narrow "
                                                              "ESCO group (cv_skill).")
    cv_skill: str | None = Field(None, description="Label of the CV's skill (or occupation) that covers it.")
    cv_skill_sv: str | None = Field(None, description="Its Swedish label, where the taxonomy has one.")
    cv_evidence: list[Evidence] = Field(default_factory=list)
    ad_evidence: list[Evidence] = Field(default_factory=list)
    possible: bool = Field(False, description="The CV's skill that covers it is one of the CV's possible skills "
                                              "(less certain: check it with the participant).")
    confirmed: bool = Field(False, description="The participant confirmed the CV's skill that covers it.")


class MissingSkill(BaseModel):
    uri: str
    label: str
    label_sv: str | None = None
    essential: bool
    ad_evidence: list[Evidence] = Field(default_factory=list)


class Explanation(BaseModel):
    matched_skills: list[MatchedSkill] = Field(default_factory=list)
    missing_skills: list[MissingSkill] = Field(default_factory=list)
    score_parts: dict[str, float] = Field(default_factory=dict)
    unmet_requirements: list[str] = Field(default_factory=list)


class Match(BaseModel):
    ad_id: int
    title: str
    employer: str
    kind: str
    municipality: str
    score: float
    explanation: Explanation


class Candidate(BaseModel):
    cv_id: int
    municipality: str
    score: float
    explanation: Explanation
    contact: dict[str, str | None] | None = Field(None, description="Only where the participant consented and the "
                                                                    "caller may see it.")


def explain(scored: Scored, ad: CompetenceProfile, cv: CompetenceProfile, taxonomy: Taxonomy) -> Explanation:
    ad_evidence = {s.uri: s.evidence for s in ad.skills}
    # "related" may be via an occupation
    cv_evidence = {c.uri: c.evidence for c in (*cv.skills, *cv.possible_skills, *cv.occupations)}
    possible = {s.uri for s in cv.possible_skills}
    confirmed = {s.uri for s in cv.skills if s.review and s.review.verdict == "confirmed"}
    matched, missing = [], []
    for covered in scored.coverage:
        concept = taxonomy.get(covered.uri)
        label = concept.label("en") if concept else covered.uri
        label_sv = concept.labels.get("sv") if concept else None
        if covered.relation == "missing":
            missing.append(MissingSkill(uri=covered.uri, label=label, label_sv=label_sv, essential=covered.essential,
                                        ad_evidence=ad_evidence.get(covered.uri, [])))
            continue
        via = taxonomy.get(covered.via or "")
        matched.append(MatchedSkill(uri=covered.uri, label=label, label_sv=label_sv, essential=covered.essential,
                                    relation=covered.relation, cv_skill=via.label("en") if via else None,
                                    cv_skill_sv=via.labels.get("sv") if via else None,
                                    cv_evidence=cv_evidence.get(covered.via or "", []),
                                    ad_evidence=ad_evidence.get(covered.uri, []),
                                    possible=covered.via in possible, confirmed=covered.via in confirmed))
    matched.sort(key=lambda m: (not m.essential, m.relation != "exact"))
    missing.sort(key=lambda m: not m.essential)
    return Explanation(matched_skills=matched, missing_skills=missing, score_parts=scored.parts,
                       unmet_requirements=scored.unmet)
