"""What programmes, mentors, placements and outcomes look like when they cross the API, the CLI or the page."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from extractor.profile import CompetenceProfile
from index.explain import Explanation
from store.records import StoreId

PlacementKind = Literal["traineeship", "job", "studies", "none"]
LinkStatus = Literal["pinned", "forbidden", "assigned"]


class _Period(BaseModel):
    """A start date and an end date (or none) that must not come before it."""

    start: dt.date
    end: dt.date | None = None

    @field_validator("end")
    @classmethod
    def _ordered(cls, end: dt.date | None, info: ValidationInfo) -> dt.date | None:
        start = info.data.get("start")
        if end is not None and start is not None and end < start:
            raise ValueError("the end date is before the start date")
        return end


class ProgrammeIn(_Period):
    name: str = Field(min_length=1, max_length=300)
    municipality: str = Field("", max_length=100)
    end: dt.date


class Programme(BaseModel):
    id: int
    name: str
    municipality: str
    start: dt.date
    end: dt.date
    participants: int = 0
    mentors: int = 0


class ParticipantsIn(BaseModel):
    cv_ids: list[StoreId] = Field(min_length=1, max_length=500, description="Stored CVs (GET /cvs ids).")
    cohort: str = Field("", max_length=100, description="The cohort within the programme (e.g. '2026 VT').")


class AdsIn(BaseModel):
    ad_ids: list[StoreId] = Field(min_length=1, max_length=500, description="Partner employers' stored ads.")


class PartnerAd(BaseModel):
    id: int
    title: str
    employer: str
    kind: str
    municipality: str


class Participant(BaseModel):
    cv_id: int
    cohort: str
    municipality: str
    profile: CompetenceProfile = Field(description="Read from the masked CV: personal details are '[…]'.")
    contact: dict[str, str | None] | None = Field(None, description="Only where the participant consented.")


class MentorIn(BaseModel):
    """A mentor from a form (ESCO URIs) and/or a CV-like text read by the same extraction as CVs."""

    programme_id: StoreId
    name: str = Field(min_length=1, max_length=200)
    municipality: str = Field("", max_length=100)
    capacity: int = Field(1, ge=0, le=100, description="How many adepts at most.")
    occupations: list[str] = Field(default_factory=list, max_length=20, description="ESCO occupation URIs.")
    skills: list[str] = Field(default_factory=list, max_length=200, description="ESCO skill URIs.")
    languages: list[str] = Field(default_factory=list, max_length=20,
                                 description="Languages spoken, ISO 639-1 codes ('sv', 'ar', ...).")
    text: str = Field("", max_length=200_000, description="A CV-like text: its occupations, skills and "
                                                          "languages are added to the form's.")


class Mentor(BaseModel):
    id: int
    programme_id: int
    name: str
    municipality: str
    capacity: int
    occupations: list[str]
    skills: list[str]
    languages: list[str]


class SharedOccupation(BaseModel):
    uri: str = Field(description="The participant's occupation.")
    label: str
    label_sv: str | None = None
    mentor_occupation: str = Field(description="The mentor's occupation (URI) that matches it.")
    relation: Literal["exact", "isco_group"]
    isco: str | None = Field(None, description="The ISCO-08 unit group both are in.")
    isco_label: str | None = None


class MentorExplanation(Explanation):
    shared_occupations: list[SharedOccupation] = Field(default_factory=list)
    shared_languages: list[str] = Field(default_factory=list)
    place: Literal["municipality", "region"] | None = Field(None, description="Same municipality, or same county.")


class MentorMatch(BaseModel):
    mentor_id: int
    name: str
    municipality: str
    capacity: int
    score: float
    explanation: MentorExplanation


class LinkIn(BaseModel):
    cv_id: StoreId
    mentor_id: StoreId
    status: Literal["pinned", "forbidden", "none"] = Field(description="'none' clears a pin or a forbidden pair.")


class Pair(BaseModel):
    cv_id: int
    mentor_id: int
    mentor_name: str
    score: float
    status: Literal["pinned", "assigned"]


class Assignment(BaseModel):
    total: float = Field(description="Sum of the pairs' scores: what the assignment maximises.")
    pairs: list[Pair]
    unassigned: list[int] = Field(description="Participants (CV ids) without a mentor: no capacity left, or "
                                              "only forbidden pairs.")
    forbidden: list[tuple[int, int]] = Field(default_factory=list, description="(cv_id, mentor_id) pairs.")


class PlacementIn(_Period):
    cv_id: StoreId
    kind: PlacementKind
    employer: str = Field("", max_length=300)
    ad_id: StoreId | None = Field(None, description="The ad it came from (its occupation is used if none is given).")
    occupation: str | None = Field(None, max_length=200, description="ESCO occupation URI.")
    note: str = Field("", max_length=500)


class Placement(BaseModel):
    id: int
    programme_id: int
    cv_id: int
    kind: PlacementKind
    employer: str
    ad_id: int | None
    occupation: str | None
    start: dt.date
    end: dt.date | None
    note: str


class CohortOutcome(BaseModel):
    cohort: str
    participants: int
    in_work: int
    in_studies: int
    in_traineeship: int
    no_outcome: int = Field(description="'none' recorded, or nothing recorded yet.")
    in_work_or_studies_share: float | None
    own_field: int = Field(description="Of those in work: placement occupation equal to, or in the same ISCO unit "
                                       "group as, an occupation of the participant's profile.")
    own_field_share: float | None = Field(description="own_field / in_work.")


class ParticipantOutcome(BaseModel):
    cv_id: int
    cohort: str
    outcome: PlacementKind
    employer: str = ""
    occupation: str | None = None
    occupation_label: str | None = None
    own_field: bool | None = None
    start: dt.date | None = None
    end: dt.date | None = None


class Outcomes(BaseModel):
    programme_id: int
    cohorts: list[CohortOutcome]
    total: CohortOutcome
    participants: list[ParticipantOutcome]
    isco_derived: bool = Field(description="True where ISCO unit groups are derived from label similarity "
                                           "(the taxonomy does not map occupations to ISCO).")
