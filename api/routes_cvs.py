"""Participants: upload a CV, see its profile and matches, confirm or reject its skills, choose consent, erase it."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, Response, UploadFile, status
from starlette.concurrency import run_in_threadpool

from api.auth import listing_owner, owns, require
from api.problems import error_responses
from api.schemas import ConsentIn, CvOut, CvSummary, ItemId, MatchesOut, SkillReviewIn, region_filter
from api.uploads import extract
from extractor.errors import InputError
from matcha.document_reader import ExtractionJob
from matcha.matching import MatchingService
from store.records import Cv
from store.users import User

router = APIRouter(prefix="/cvs", tags=["participants"], responses=error_responses(403))
participant = require("participant")
LIMITS = error_responses(429, 503)  # documents read within per-user limits and a bounded queue (api/uploads.py)
UPLOAD_ERRORS = error_responses(413, 415, 429, 503)


def service_of(request: Request) -> MatchingService:
    return request.app.state.service


async def read_upload(upload: UploadFile, max_bytes: int) -> bytes:
    data = await upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError("too_large", f"the file is over the limit of {max_bytes / 1e6:.0f} MB", 413)
    return data


def _own_cv(service: MatchingService, user: User, cv_id: int) -> Cv:
    cv = service.get_cv(cv_id)
    if cv is None or not owns(user, cv.owner):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no CV {cv_id}")
    return cv


def _out(cv: Cv) -> CvOut:
    return CvOut(id=cv.id, municipality=cv.municipality, consent_contact=cv.consent_contact, contact=cv.contact,
                 profile=cv.profile)


@router.post("", status_code=201, response_model=CvOut, responses=UPLOAD_ERRORS)
async def upload_cv(request: Request, file: UploadFile = File(..., description="PDF, DOCX or text (sniffed, not "
                                                                               "trusted from the name)."),
                    municipality: str = Form("", max_length=100),
                    consent_contact: bool = Form(False),
                    user: User = Depends(participant)) -> CvOut:
    """Upload a CV. Personal details are masked before it is read; the file itself is not kept. Read within the
    user's limits (429) and the service's queue (503), in the extraction pool."""
    service = service_of(request)
    data = await read_upload(file, service.settings.max_file_bytes)
    extracted = await extract(request, user.owner_key, ExtractionJob.for_cv(data=data))
    cv_id = await run_in_threadpool(service.store_cv, extracted, user.owner_key, municipality, consent_contact)
    return _out(await run_in_threadpool(_own_cv, service, user, cv_id))


@router.get("", response_model=list[CvSummary])
def list_cvs(request: Request, user: User = Depends(participant)) -> list[CvSummary]:
    """Your CVs (an admin sees all)."""
    return [CvSummary(**row) for row in service_of(request).list_cvs(listing_owner(user))]


@router.get("/{cv_id}", response_model=CvOut)
def get_cv(cv_id: ItemId, request: Request, user: User = Depends(participant)) -> CvOut:
    """The CV's profile: skills and occupations with their evidence in the (masked) text."""
    return _out(_own_cv(service_of(request), user, cv_id))


@router.put("/{cv_id}/consent", response_model=CvOut)
def set_consent(cv_id: ItemId, body: ConsentIn, request: Request, user: User = Depends(participant)) -> CvOut:
    """Choose whether recruiters may see your contact details."""
    service = service_of(request)
    _own_cv(service, user, cv_id)
    service.set_consent(cv_id, body.consent_contact)
    return _out(_own_cv(service, user, cv_id))


@router.put("/{cv_id}/skills/review", response_model=CvOut, responses=error_responses(404, 409))
def review_skill(cv_id: ItemId, body: SkillReviewIn, request: Request, user: User = Depends(participant)) -> CvOut:
    """Say whether one of your skills is right: a confirmed skill is shown; a rejected one is kept apart
    (``rejected_skills``) and used by nothing, not matching and not recruiters' candidate lists; "unreviewed"
    undoes either. Matches follow at once. 404: no such CV, or the profile has no such skill."""
    service = service_of(request)
    _own_cv(service, user, cv_id)
    cv = service.review_skill(cv_id, body.uri, body.verdict)
    if cv is None:  # erased meanwhile
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no CV {cv_id}")
    return _out(cv)


@router.get("/{cv_id}/matches", response_model=MatchesOut)
def matches(cv_id: ItemId, request: Request, top: int = Query(10, ge=1, le=100),
            kind: Literal["job", "traineeship"] | None = None,
            municipality: str | None = Query(None, max_length=100),
            region: str | None = Depends(region_filter),
            user: User = Depends(participant)) -> MatchesOut:
    """Ranked job and traineeship ads, each with matched skills (evidence on both sides) and missing skills."""
    service = service_of(request)
    cv = _own_cv(service, user, cv_id)
    return MatchesOut(matches=service.match(cv=cv, k=top, kind=kind, municipality=municipality, region=region))


@router.delete("/{cv_id}", status_code=204)
def erase_cv(cv_id: ItemId, request: Request, user: User = Depends(participant)) -> Response:
    """Erase the CV and everything derived from it (profile, vector, index entry) at once."""
    service = service_of(request)
    _own_cv(service, user, cv_id)
    service.remove_cv(cv_id)
    return Response(status_code=204)
