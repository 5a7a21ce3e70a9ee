"""Recruiters and coaches: post, list, edit and remove their ads; ranked anonymised candidates; search by
competence."""

from __future__ import annotations

from fastapi import APIRouter, Body, Depends, File, Form, HTTPException, Query, Request, Response, UploadFile, status
from starlette.concurrency import run_in_threadpool

from api.auth import listing_owner, owns, require
from api.problems import error_responses
from api.routes_cvs import LIMITS, UPLOAD_ERRORS, read_upload, service_of
from api.schemas import AdOut, AdSummary, CandidatesOut, ConceptRef, ItemId, region_filter
from api.uploads import extract, extract_ad_file
from matcha.document_reader import ExtractionJob
from matcha.matching import MatchingService
from store.records import Ad, AdIn, AdKind
from store.users import User

router = APIRouter(tags=["recruiters"], responses=error_responses(403))
recruiter = require("recruiter")


def _own_ad(service: MatchingService, user: User, ad_id: int) -> Ad:
    ad = service.get_ad(ad_id)
    if ad is None or not owns(user, ad.owner):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no ad {ad_id}")
    return ad


def _refs(service: MatchingService, uris: list[str]) -> list[ConceptRef]:
    concepts = service.resources.taxonomy.concepts
    return [ConceptRef(uri=u, label=concepts[u].label("en"), label_sv=concepts[u].labels.get("sv"))
            for u in uris if u in concepts]


def _out(service: MatchingService, ad: Ad) -> AdOut:
    return AdOut(id=ad.id, title=ad.title, employer=ad.employer, kind=ad.kind, municipality=ad.municipality,
                 essential=_refs(service, ad.card.essential), nice_to_have=_refs(service, ad.card.optional),
                 languages=ad.card.languages, licences=ad.card.licences, profile=ad.profile)


def _stored_out(service: MatchingService, user: User, ad_id: int) -> AdOut:
    return _out(service, _own_ad(service, user, ad_id))


@router.post("/ads", status_code=201, response_model=AdOut, responses=LIMITS)
async def post_ad(request: Request, ad: AdIn = Body(...), user: User = Depends(recruiter)) -> AdOut:
    """Post an ad as JSON; requirements come from the text ("Krav" / "Meriterande") and the optional lists."""
    service = service_of(request)
    extracted = await extract(request, user.owner_key, ExtractionJob.for_ad(ad))
    ad_id = await run_in_threadpool(service.store_ad, ad, extracted, user.owner_key)
    return await run_in_threadpool(_stored_out, service, user, ad_id)


@router.post("/ads/file", status_code=201, response_model=AdOut, responses=UPLOAD_ERRORS)
async def post_ad_file(request: Request, file: UploadFile = File(...), title: str = Form("", max_length=300),
                       employer: str = Form("", max_length=300), kind: AdKind = Form("job"),
                       municipality: str = Form("", max_length=100), user: User = Depends(recruiter)) -> AdOut:
    """Post an ad as a file (PDF, DOCX, text); without a title, its first line is the title."""
    service = service_of(request)
    data = await read_upload(file, service.settings.max_file_bytes)
    ad, extracted = await extract_ad_file(request, user.owner_key, data, title, employer=employer, kind=kind,
                                          municipality=municipality)
    ad_id = await run_in_threadpool(service.store_ad, ad, extracted, user.owner_key)
    return await run_in_threadpool(_stored_out, service, user, ad_id)


@router.get("/ads", response_model=list[AdSummary])
def list_ads(request: Request, user: User = Depends(recruiter)) -> list[AdSummary]:
    """Your ads (an admin sees all)."""
    return [AdSummary(**row) for row in service_of(request).list_ads(listing_owner(user))]


@router.get("/ads/{ad_id:int}", response_model=AdOut)
def get_ad(ad_id: ItemId, request: Request, user: User = Depends(recruiter)) -> AdOut:
    service = service_of(request)
    return _out(service, _own_ad(service, user, ad_id))


@router.put("/ads/{ad_id:int}", response_model=AdOut, responses=LIMITS)
async def edit_ad(ad_id: ItemId, request: Request, ad: AdIn = Body(...),
                  user: User = Depends(recruiter)) -> AdOut:
    """Replace an ad's fields and text; its requirements are read again and the index updated in place."""
    service = service_of(request)
    await run_in_threadpool(_own_ad, service, user, ad_id)
    extracted = await extract(request, user.owner_key, ExtractionJob.for_ad(ad))
    await run_in_threadpool(service.replace_ad, ad_id, ad, extracted)
    return await run_in_threadpool(_stored_out, service, user, ad_id)


@router.delete("/ads/{ad_id:int}", status_code=204)
def remove_ad(ad_id: ItemId, request: Request, user: User = Depends(recruiter)) -> Response:
    service = service_of(request)
    _own_ad(service, user, ad_id)
    service.remove_ad(ad_id)
    return Response(status_code=204)


@router.get("/ads/{ad_id:int}/candidates", response_model=CandidatesOut)
def candidates(ad_id: ItemId, request: Request, top: int = Query(10, ge=1, le=100),
               municipality: str | None = Query(None, max_length=100),
               region: str | None = Depends(region_filter),
               user: User = Depends(recruiter)) -> CandidatesOut:
    """Ranked anonymised candidates for your ad; contact details only of participants who consented."""
    service = service_of(request)
    _own_ad(service, user, ad_id)
    return CandidatesOut(candidates=service.candidates(ad_id, k=top, municipality=municipality, with_contact=True,
                                                       region=region))


@router.get("/candidates", response_model=CandidatesOut)
def search_candidates(request: Request, skill: list[str] = Query([], description="ESCO skill URIs."),
                      occupation: list[str] = Query([], description="ESCO occupation URIs."),
                      municipality: str | None = Query(None, max_length=100),
                      region: str | None = Depends(region_filter),
                      top: int = Query(10, ge=1, le=100), user: User = Depends(recruiter)) -> CandidatesOut:
    """Search candidates by competence (ESCO skills and occupations from /taxonomy), not by name or origin."""
    return CandidatesOut(candidates=service_of(request).search_candidates(
        skill, occupation, k=top, municipality=municipality, with_contact=True, region=region))
