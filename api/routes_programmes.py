"""Coordinators: programmes (participants, partner ads, cohorts), mentors with ranked suggestions and a cohort-wide
assignment, placements and outcomes. A coordinator reaches only their own programmes (anything else is a 404);
an admin reaches all."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import PlainTextResponse

from api.auth import require
from api.problems import error_responses
from api.schemas import ItemId
from matcha.outcomes import cohorts_csv, participants_csv, plot_svg
from matcha.programme_models import (AdsIn, Assignment, LinkIn, Mentor, MentorIn, MentorMatch, Outcomes,
                                     Participant, ParticipantsIn, PartnerAd, Placement, PlacementIn, Programme,
                                     ProgrammeIn)
from matcha.programme_service import ProgrammeService
from store.records import MAX_ID
from store.users import User

router = APIRouter(tags=["coordinators"])
coordinator = require("coordinator")
# 401, 422 and a path id's 404 are added where they apply (api/problems.py); ids in a body or query can be a 404 too.
ERRORS = error_responses(403, 404)
WRITE_ERRORS = error_responses(403, 404, 409)


def programmes_of(request: Request) -> ProgrammeService:
    state = request.app.state
    if getattr(state, "programmes", None) is None:
        state.programmes = ProgrammeService(state.service)
    return state.programmes


def owner_of(user: User) -> str | None:
    return None if user.role == "admin" else user.owner_key


# -- programmes -----------------------------------------------------------------------------------------------------
@router.post("/programmes", status_code=201, response_model=Programme, responses=WRITE_ERRORS)
def create_programme(request: Request, body: ProgrammeIn = Body(...), user: User = Depends(coordinator)) -> Programme:
    """A programme you coordinate: a name, a period (start <= end) and a municipality."""
    return programmes_of(request).create(user.owner_key, body)


@router.get("/programmes", response_model=list[Programme], responses=ERRORS)
def list_programmes(request: Request, user: User = Depends(coordinator)) -> list[Programme]:
    """Your programmes (an admin sees all)."""
    return programmes_of(request).list(owner_of(user))


@router.get("/programmes/{programme_id}", response_model=Programme, responses=ERRORS)
def get_programme(programme_id: ItemId, request: Request, user: User = Depends(coordinator)) -> Programme:
    return programmes_of(request).get(programme_id, owner_of(user))


@router.delete("/programmes/{programme_id}", status_code=204, responses=ERRORS)
def remove_programme(programme_id: ItemId, request: Request, user: User = Depends(coordinator)) -> Response:
    """Remove a programme with its mentors, mentor links and placements (the CVs and ads stay)."""
    programmes_of(request).remove(programme_id, owner_of(user))
    return Response(status_code=204)


@router.post("/programmes/{programme_id}/participants", status_code=201, response_model=list[Participant],
             responses=WRITE_ERRORS)
def add_participants(programme_id: ItemId, request: Request, body: ParticipantsIn = Body(...),
                     user: User = Depends(coordinator)) -> list[Participant]:
    """Add participants by their CV ids, in a cohort; a CV in another programme refuses the whole call (409)."""
    return programmes_of(request).add_participants(programme_id, owner_of(user), body)


@router.get("/programmes/{programme_id}/participants", response_model=list[Participant], responses=ERRORS)
def participants(programme_id: ItemId, request: Request, user: User = Depends(coordinator)) -> list[Participant]:
    """The participants' profiles, anonymised as for recruiters (contact details only with consent)."""
    return programmes_of(request).participants(programme_id, owner_of(user))


@router.delete("/programmes/{programme_id}/participants/{cv_id}", status_code=204, responses=ERRORS)
def remove_participant(programme_id: ItemId, cv_id: ItemId, request: Request,
                       user: User = Depends(coordinator)) -> Response:
    """Take a participant out (their mentor links and placements in the programme go too; the CV stays)."""
    programmes_of(request).remove_participant(programme_id, owner_of(user), cv_id)
    return Response(status_code=204)


@router.post("/programmes/{programme_id}/ads", status_code=201, response_model=list[PartnerAd],
             responses=WRITE_ERRORS)
def add_partner_ads(programme_id: ItemId, request: Request, body: AdsIn = Body(...),
                    user: User = Depends(coordinator)) -> list[PartnerAd]:
    """Partner employers' ads (stored ads, by id) for the programme."""
    return [PartnerAd(**a) for a in programmes_of(request).add_ads(programme_id, owner_of(user), body)]


@router.get("/programmes/{programme_id}/ads", response_model=list[PartnerAd], responses=ERRORS)
def partner_ads(programme_id: ItemId, request: Request, user: User = Depends(coordinator)) -> list[PartnerAd]:
    return [PartnerAd(**a) for a in programmes_of(request).ads(programme_id, owner_of(user))]


# -- mentors ----------------------------------------------------------------------------------------------------
@router.get("/programmes/{programme_id}/participants/{cv_id}/mentors", response_model=list[MentorMatch],
            responses=ERRORS)
def mentor_suggestions(programme_id: ItemId, cv_id: ItemId, request: Request, top: int = Query(10, ge=1, le=100),
                       user: User = Depends(coordinator)) -> list[MentorMatch]:
    """The programme's mentors for a participant, ranked and explained (occupation or ISCO group, shared skills
    with evidence, shared languages, same municipality or county)."""
    return programmes_of(request).suggestions(programme_id, owner_of(user), cv_id, top)


@router.get("/programmes/{programme_id}/assignment", response_model=Assignment, responses=ERRORS)
def assignment(programme_id: ItemId, request: Request, user: User = Depends(coordinator)) -> Assignment:
    """The mentor pairs as they stand: pinned ones and the last run's."""
    return programmes_of(request).assignment(programme_id, owner_of(user))


@router.post("/programmes/{programme_id}/assignment", response_model=Assignment, responses=ERRORS)
def run_assignment(programme_id: ItemId, request: Request, user: User = Depends(coordinator)) -> Assignment:
    """Assign mentors to the whole programme: the largest total fit under the mentors' capacities, keeping pinned
    pairs and never making a forbidden one."""
    return programmes_of(request).run_assignment(programme_id, owner_of(user))


@router.put("/programmes/{programme_id}/links", response_model=Assignment, responses=WRITE_ERRORS)
def set_link(programme_id: ItemId, request: Request, body: LinkIn = Body(...),
             user: User = Depends(coordinator)) -> Assignment:
    """Pin a pair (it is kept by every run; a participant's new pin replaces the old one), forbid it, or clear it."""
    return programmes_of(request).set_link(programme_id, owner_of(user), body)


@router.post("/mentors", status_code=201, response_model=Mentor, responses=WRITE_ERRORS)
def add_mentor(request: Request, body: MentorIn = Body(...), user: User = Depends(coordinator)) -> Mentor:
    """A mentor of one of your programmes, from a form (ESCO URIs, ISO 639-1 languages) and/or a CV-like text."""
    return programmes_of(request).add_mentor(owner_of(user), body)


@router.get("/mentors", response_model=list[Mentor], responses=ERRORS)
def list_mentors(request: Request, programme_id: int | None = Query(None, ge=1, le=MAX_ID),
                 user: User = Depends(coordinator)) -> list[Mentor]:
    return programmes_of(request).mentors(owner_of(user), programme_id)


@router.get("/mentors/{mentor_id}", response_model=Mentor, responses=ERRORS)
def get_mentor(mentor_id: ItemId, request: Request, user: User = Depends(coordinator)) -> Mentor:
    return programmes_of(request).mentor(mentor_id, owner_of(user))


@router.delete("/mentors/{mentor_id}", status_code=204, responses=ERRORS)
def remove_mentor(mentor_id: ItemId, request: Request, user: User = Depends(coordinator)) -> Response:
    programmes_of(request).remove_mentor(mentor_id, owner_of(user))
    return Response(status_code=204)


# -- placements and outcomes ----------------------------------------------------------------------------------
@router.post("/placements", status_code=201, response_model=Placement, responses=WRITE_ERRORS)
def add_placement(request: Request, body: PlacementIn = Body(...), user: User = Depends(coordinator)) -> Placement:
    """What happened to a participant: a traineeship or job (with its ad or an ESCO occupation), studies, or none
    yet, with dates (start <= end)."""
    return programmes_of(request).add_placement(owner_of(user), body)


@router.get("/placements", response_model=list[Placement], responses=ERRORS)
def list_placements(request: Request, programme_id: int | None = Query(None, ge=1, le=MAX_ID),
                    user: User = Depends(coordinator)) -> list[Placement]:
    return programmes_of(request).placements(owner_of(user), programme_id)


@router.delete("/placements/{placement_id}", status_code=204, responses=ERRORS)
def remove_placement(placement_id: ItemId, request: Request, user: User = Depends(coordinator)) -> Response:
    programmes_of(request).remove_placement(placement_id, owner_of(user))
    return Response(status_code=204)


@router.get("/programmes/{programme_id}/outcomes", response_model=Outcomes, responses=ERRORS)
def outcomes(programme_id: ItemId, request: Request, user: User = Depends(coordinator)) -> Outcomes:
    """Per cohort: the share in work or studies and the share of those in work in their own field."""
    return programmes_of(request).outcomes(programme_id, owner_of(user))


@router.get("/programmes/{programme_id}/outcomes.csv", response_class=PlainTextResponse, responses=ERRORS)
def outcomes_csv(programme_id: ItemId, request: Request, level: Literal["cohort", "participant"] = "cohort",
                 user: User = Depends(coordinator)) -> PlainTextResponse:
    """The outcome figures as CSV: one row per cohort (and 'all'), or one per participant."""
    found = programmes_of(request).outcomes(programme_id, owner_of(user))
    text = (cohorts_csv([*found.cohorts, found.total.model_copy(update={"cohort": "all"})]) if level == "cohort"
            else participants_csv(found.participants))
    return PlainTextResponse(text, media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="programme-{programme_id}-outcomes-{level}.csv"'})


@router.get("/programmes/{programme_id}/outcomes.svg", response_class=Response, responses=ERRORS)
def outcomes_plot(programme_id: ItemId, request: Request, lang: Literal["sv", "en"] = "en",
                  user: User = Depends(coordinator)) -> Response:
    """A bar chart per cohort (SVG): share in work or studies, share in work in their own field."""
    found = programmes_of(request).outcomes(programme_id, owner_of(user))
    return Response(plot_svg(found.cohorts, lang), media_type="image/svg+xml")
