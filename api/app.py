"""The FastAPI application: routes, error handling, request IDs, and the web page (static, no build step).

OpenAPI at /docs. Heavy things (taxonomy, model, indexes) are loaded once, when the app starts."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api.auth import current_user
from api.middleware import RequestContext
from api.problems import install_error_handlers
from api.routes_ads import router as ads_router
from api.routes_cvs import router as cvs_router
from api.routes_programmes import router as programmes_router
from api.schemas import Health, TaxonomyHit
from api.uploads import install_upload_limits
from extractor.errors import InputError
from matcha.extraction_pool import ExtractionPool
from matcha.matching import MatchingService
from core.settings import Settings, get_settings
from store.users import User, Users
from taxonomy.search import search_labels

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None, service: MatchingService | None = None,
               extraction_pool: bool | None = None) -> FastAPI:
    """The app around ``service`` (else one made when it starts). ``extraction_pool``: read uploads in a pool of
    worker processes started with the app (default MATCHA_API_POOL when the app makes its own service; off for a
    service given, as in tests, unless asked: uploads are then read in this process, one at a time)."""
    settings = settings or get_settings()
    use_pool = (settings.api_pool and service is None) if extraction_pool is None else extraction_pool

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202
        if getattr(app.state, "service", None) is None:
            app.state.service = MatchingService(settings)
            app.state.users = Users(app.state.service.store)
        pool = ExtractionPool(app.state.service.settings) if use_pool else None
        if pool is not None:
            await run_in_threadpool(pool.warm_up)  # every worker has loaded the models before the first upload
        install_upload_limits(app.state, pool)
        try:
            yield
        finally:
            if pool is not None:
                await run_in_threadpool(pool.close)

    app = FastAPI(title="matcha", version="0.1.0", lifespan=lifespan,
                  description="Competence extraction and matching of CVs and job/traineeship ads (ESCO), "
                              "explained and competence-first.")
    if service is not None:
        app.state.service = service
        app.state.users = Users(service.store)
        install_upload_limits(app.state, None)  # until the lifespan starts (a client without it has no pool)
    app.add_middleware(RequestContext, max_body_bytes=settings.max_file_bytes)

    install_error_handlers(app)

    app.include_router(cvs_router)
    app.include_router(ads_router)
    app.include_router(programmes_router)

    @app.get("/health", response_model=Health, tags=["everyone"])
    def health(request: Request) -> Health:
        service: MatchingService = request.app.state.service
        state = request.app.state
        return Health(status="ok", ads=service.store.count("ads"), cvs=service.store.count("cvs"),
                      taxonomy=service.resources.taxonomy.version, model=service.settings.model,
                      reading=state.upload_gate.in_service, readers=state.upload_gate.limits.workers)

    @app.get("/me", response_model=User, tags=["everyone"])
    def me(user: User = Depends(current_user)) -> User:
        return user

    @app.get("/taxonomy/{kind}", response_model=list[TaxonomyHit], tags=["everyone"])
    def taxonomy(kind: str, request: Request, q: str = Query(..., min_length=1, max_length=100),
                 limit: int = Query(10, ge=1, le=50)) -> list[TaxonomyHit]:
        """Autocomplete over ESCO labels in Swedish and English: /taxonomy/skills?q=svets, /taxonomy/occupations?q=."""
        kinds = {"skills": "skill", "occupations": "occupation"}
        if kind not in kinds:
            raise InputError("unknown_kind", "use /taxonomy/skills or /taxonomy/occupations", 404)
        taxonomy = request.app.state.service.resources.taxonomy
        return [TaxonomyHit(**hit) for hit in search_labels(taxonomy, q, kinds[kind], limit)]

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    return app
