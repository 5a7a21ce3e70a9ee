"""What crosses the API (beyond the profile, match and candidate models the core already defines)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import BaseModel, Field

from extractor.profile import CompetenceProfile
from extractor.skill_reviews import Verdict
from index.explain import Candidate, Match
from index.regions import REGIONS, region_of
from store.records import MAX_ID, AdKind


class ConceptRef(BaseModel):
    uri: str
    label: str
    label_sv: str | None = None


class CvOut(BaseModel):
    id: int
    municipality: str
    consent_contact: bool = Field(description="Recruiters may see the contact details.")
    contact: dict[str, str | None] = Field(description="Found in the CV; shown to its owner, to recruiters only "
                                                       "with consent.")
    profile: CompetenceProfile = Field(description="Read from the masked text: personal details are '[…]'.")


class CvSummary(BaseModel):
    id: int
    municipality: str
    consent_contact: bool
    created_at: str


class ConsentIn(BaseModel):
    consent_contact: bool


class SkillReviewIn(BaseModel):
    uri: str = Field(min_length=1, max_length=300, description="The skill's ESCO URI, as the profile has it.")
    verdict: Verdict = Field(description="'confirmed' (it is right: shown), 'rejected' (it is wrong: used by "
                                         "nothing) or 'unreviewed' (undo: back where extraction put it).")


class AdOut(BaseModel):
    id: int
    title: str
    employer: str
    kind: AdKind
    municipality: str
    essential: list[ConceptRef]
    nice_to_have: list[ConceptRef]
    languages: dict[str, str | None] = Field(description="Required languages with CEFR level.")
    licences: list[str] = Field(description="Required licences.")
    profile: CompetenceProfile


class AdSummary(BaseModel):
    id: int
    title: str
    employer: str
    kind: AdKind
    municipality: str
    created_at: str


class MatchesOut(BaseModel):
    matches: list[Match]


class CandidatesOut(BaseModel):
    candidates: list[Candidate]


class TaxonomyHit(BaseModel):
    uri: str
    label: str
    label_sv: str | None = None
    matched: str = Field(description="The label (any language) that matched the query.")
    lang: str


class Health(BaseModel):
    status: str
    ads: int
    cvs: int
    taxonomy: str
    model: str
    reading: int = Field(description="Documents being read or waiting for a reader now (the upload queue).")
    readers: int = Field(description="Extraction worker processes (1: read in the API process).")


# A store id in a path: 1 to MAX_ID (larger ones are a 422, not a database overflow).
ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="The item's id.")]


def region_filter(region: str | None = Query(None, max_length=100, json_schema_extra={"enum": list(REGIONS)},
                                            description="A county (län), e.g. 'Örebro län'.")) -> str | None:
    """The region filter of a search: a known county or a 422 (an empty value too, rather than no filter)."""
    if region is not None:
        region_of(region)
    return region
