"""Bounded work for the documents the API reads (CV uploads, ads posted or edited).

Each document first takes a slot from the upload gate (``matcha/upload_limits.py``: per-user limits answer 429, a
full queue 503, both with Retry-After), then is read in the extraction pool's worker processes
(``matcha/extraction_pool.py``: one per core by default, each with the models loaded once), so the API process
stays free to answer matches meanwhile. An app made around a ready service without a pool (tests, or
``MATCHA_API_POOL=false``) reads in its own process, one document at a time."""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from extractor.documents import read_document
from matcha.document_reader import ExtractionJob, Extracted
from matcha.extraction_pool import ExtractionPool
from matcha.matching import MatchingService
from matcha.upload_limits import UploadGate, UploadLimits
from store.records import AdIn


def install_upload_limits(state, pool: ExtractionPool | None) -> None:  # noqa: ANN001 - the app's state
    service: MatchingService = state.service
    state.pool = pool
    state.upload_gate = UploadGate(UploadLimits.from_settings(service.settings, pool.workers if pool else 1))


async def _read(state, job: ExtractionJob) -> Extracted:  # noqa: ANN001 - the app's state
    if state.pool is not None:
        return await state.pool.extract(job)
    service: MatchingService = state.service
    if job.kind == "ad":
        return await run_in_threadpool(service.read_ad, job.ad)
    return await run_in_threadpool(service.read_cv, job.data, job.text)


async def extract(request: Request, owner: str, job: ExtractionJob) -> Extracted:
    """Read one document within ``owner``'s limits: in the pool, or here without one."""
    with request.app.state.upload_gate.slot(owner):
        return await _read(request.app.state, job)


async def extract_ad_file(request: Request, owner: str, data: bytes, title: str,
                          **fields: str) -> tuple[AdIn, Extracted]:
    """An ad sent as a file: its text read (in a child process with a time limit) and then the ad extracted, both
    within the owner's limits. Without a title, the file's first line is the title."""
    state = request.app.state
    with state.upload_gate.slot(owner):
        limits = state.service.extractor.limits
        text = (await run_in_threadpool(read_document, data, limits)).text.strip()
        if not title:
            title, _, text = text.partition("\n")
        ad = AdIn(title=title.strip()[:300] or "Ad", text=text.strip(), **fields)
        return ad, await _read(state, ExtractionJob.for_ad(ad))
