"""What the store keeps: ads and CVs with their competence profiles and the compact cards that ranking reads."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from extractor.profile import CompetenceProfile

AdKind = Literal["job", "traineeship"]
Collection = Literal["ads", "cvs"]
# Row ids in requests: refused beyond this (rather than overflowing the database's 64-bit integers); 2^53 - 1 is
# the largest integer every JSON client reads exactly (a float's precision), so the bound itself is exact.
MAX_ID = 2**53 - 1
StoreId = Annotated[int, Field(ge=1, le=MAX_ID)]
# A collection of vectors: the concept vectors of ads and CVs ("ads", "cvs") or their whole-text vectors
# ("ads_text", "cvs_text": the masked text embedded), each kept in step with its documents.
VectorCollection = Literal["ads", "cvs", "ads_text", "cvs_text"]


class MatchCard(BaseModel):
    """The little that ranking needs of a document, read for every retrieved candidate: ESCO URIs and levels."""

    essential: list[str] = Field(default_factory=list, description="Skill URIs an ad requires (krav / required); "
                                                                   "for a CV: every skill found.")
    optional: list[str] = Field(default_factory=list, description="Skill URIs an ad calls a plus (meriterande).")
    occupations: list[str] = Field(default_factory=list)
    languages: dict[str, str | None] = Field(default_factory=dict,
                                             description="Language code -> CEFR level (a CV: spoken; an ad: "
                                                         "required).")
    licences: list[str] = Field(default_factory=list, description="Licence codes (B, C, truck_A, ...): held or "
                                                                  "required.")


class AdIn(BaseModel):
    """An ad as posted: a text, and optionally its requirements as lists (merged into the text as sections)."""

    title: str = Field(min_length=1, max_length=300)
    employer: str = Field("", max_length=300)
    kind: AdKind = "job"
    municipality: str = Field("", max_length=100)
    text: str = Field("", max_length=200_000)
    essential: list[str] = Field(default_factory=list, description="Required skills, one phrase each (krav).")
    nice_to_have: list[str] = Field(default_factory=list, description="Skills that are a plus (meriterande).")


class Ad(BaseModel):
    id: int
    owner: str | None = None
    title: str
    employer: str
    kind: AdKind
    municipality: str
    profile: CompetenceProfile
    card: MatchCard


class Cv(BaseModel):
    id: int
    owner: str | None = None
    municipality: str = ""
    profile: CompetenceProfile = Field(description="Extracted from the masked text: no personal details.")
    card: MatchCard
    contact: dict[str, str | None] = Field(default_factory=dict)
    consent_contact: bool = False
