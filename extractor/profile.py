"""The competence profile: what extraction returns and what crosses the API. Every claim keeps its evidence.

A CV's skills come in two tiers (``extractor.keep_model``): ``skills``, the profile people see, and
``possible_skills``, less certain; matching ranks on both (``index.cards``). The participant may confirm a skill (it
is then shown) or reject it (``rejected_skills``: used by nothing); ``extractor.skill_reviews``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Tier = Literal["skills", "possible_skills"]


class Evidence(BaseModel):
    start: int = Field(description="Start offset in the profile's text.")
    end: int = Field(description="End offset (exclusive); text == profile.text[start:end].")
    text: str
    section: str = "other"


class Review(BaseModel):
    """The participant's word on one of their CV's skills (``extractor.skill_reviews``)."""

    verdict: Literal["confirmed", "rejected"]
    extracted_as: Tier = Field(description="The tier extraction put the skill in: 'skills' (shown) or "
                                           "'possible_skills'.")
    at: str = Field(description="When (UTC, ISO 8601).")


class ConceptMatch(BaseModel):
    uri: str
    label: str = Field(description="English preferred label.")
    label_sv: str | None = None
    confidence: float
    evidence: list[Evidence] = Field(default_factory=list)
    method: str = Field("phrase", description="'phrase' (taxonomy label in the text), 'compound', or 'embedding'.")
    review: Review | None = Field(None, description="The participant confirmed or rejected it (None: not asked).")


class LanguageSkill(BaseModel):
    language: str = Field(description="ISO 639-1 code.")
    name: str
    cefr: str | None = Field(None, description="A1..C2 where stated or derivable (SFI/SAS levels mapped).")
    native: bool = False
    evidence: list[Evidence] = Field(default_factory=list)


class Education(BaseModel):
    isced: int = Field(description="ISCED 2011 level (0-8).")
    label: str
    evidence: list[Evidence] = Field(default_factory=list)


class Licence(BaseModel):
    kind: str = Field(description="driving_licence | forklift | other certificate")
    code: str
    label: str
    evidence: list[Evidence] = Field(default_factory=list)


class CompetenceProfile(BaseModel):
    language: str
    language_confidence: float
    text: str
    skills: list[ConceptMatch] = Field(default_factory=list, description="The skills the text shows.")
    possible_skills: list[ConceptMatch] = Field(
        default_factory=list, description="A CV's less certain skills: matching ranks on them too, and a match they "
        "explain says so; check them with the participant. An ad or a short text has none.")
    rejected_skills: list[ConceptMatch] = Field(
        default_factory=list, description="Skills the participant said are wrong: kept with their evidence so the "
        "choice can be undone, and used by nothing (not matching, not candidate lists).")
    occupations: list[ConceptMatch] = Field(default_factory=list)
    languages: list[LanguageSkill] = Field(default_factory=list)
    education: Education | None = None
    experience_years: float | None = None
    licences: list[Licence] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
