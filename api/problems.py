"""One error shape for every answer that is not a success: ``{"detail": "<message>", "code": "<machine code>"}``.

``install_error_handlers`` turns every error into that shape (HTTP errors with a correct Allow header on 405,
validation errors, input errors, work refused by the upload limits with Retry-After, and a last-resort 500 that never shows a traceback) and puts the same shape into
the OpenAPI document for every error status of every route, so routers added later are covered as they are: 401
wherever a route needs a token, 404 wherever its path has a parameter, 422 wherever it reads a parameter or a body,
400 and 413 wherever it reads a body, and whatever a router or route declares with ``error_responses`` (403 for
a role, 415, 429, 503)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from extractor.errors import InputError
from matcha.upload_limits import Refused

log = logging.getLogger(__name__)

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 415: "unsupported_type", 422: "invalid_request",
         429: "too_many_requests", 500: "internal_error", 503: "busy"}
DESCRIPTIONS = {400: "The body could not be parsed (not JSON, or a broken multipart form).",
                401: "No valid bearer token.", 403: "The user's role may not do this.",
                404: "No such item, or not yours (its existence is not disclosed).",
                405: "Method not allowed (the Allow header lists those that are).",
                409: "Conflicts with the current state of the item; the message says how.",
                413: "The body or the file is over the size limit (or the document has too many pages).",
                415: "Not a PDF, DOCX or text file.",
                422: "Invalid input: the message names the field or the problem, never the value.",
                429: "Too many uploads from this user: try again after Retry-After seconds.",
                503: "The service is at capacity: try again after Retry-After seconds."}


class Problem(BaseModel):
    """What every error answer holds."""

    detail: str = Field(description="A message for people; names the field or the limit, never echoes the value.")
    code: str = Field(description="A machine code: unauthorized, forbidden, not_found, invalid_request, too_large, "
                                  "unsupported_type, too_many_requests, busy, or a more precise one.")


class ApiError(HTTPException):
    """An HTTP error with a machine code (and optional headers such as Retry-After)."""

    def __init__(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(status, detail, headers)
        self.code = code


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route or router: the given error statuses, each with the Problem shape."""
    return {status: {"model": Problem, "description": DESCRIPTIONS.get(status, CODES.get(status, "Error"))}
            for status in statuses}


def problem(status: int, detail: str, code: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail, "code": code or CODES.get(status, "error")}, status_code=status,
                        headers=headers)


def _path_fits(template: str, path: str) -> bool:
    want, got = template.strip("/").split("/"), path.strip("/").split("/")
    return len(want) == len(got) and all(w == g or (w.startswith("{") and g) for w, g in zip(want, got))


def _allowed_methods(request: Request, fallback: str) -> str:
    """Every documented method of the path (Starlette's own Allow header names only the first matching route's)."""
    fitting = [(template.count("{"), operations) for template, operations in request.app.openapi()["paths"].items()
               if _path_fits(template, request.url.path)]
    if not fitting:
        return fallback
    fewest = min(params for params, _ in fitting)  # /ads/file before /ads/{ad_id}: the most specific path
    methods = {method.upper() for params, operations in fitting if params == fewest for method in operations}
    return ", ".join(sorted(methods | ({"HEAD"} if "GET" in methods else set())))


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request, headers.get("Allow", ""))
    detail = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "error").replace("_", " ")
    return problem(exc.status_code, detail, getattr(exc, "code", None), headers)


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    # Field names and messages only: never echo the submitted values (they may be personal data).
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'] if p != 'body')}: {e['msg']}" for e in exc.errors())
    return problem(422, problems or "invalid request", "invalid_request")


async def _input_error(request: Request, exc: InputError) -> JSONResponse:
    return problem(exc.status, exc.message, exc.code)


async def _refused(request: Request, exc: Refused) -> JSONResponse:
    return problem(exc.status, exc.message, exc.code, {"Retry-After": str(exc.retry_after)})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error in %s %s", request.method, getattr(request.scope.get("route"), "path", "-"))
    return problem(500, "internal error; the request ID names it in the log", "internal_error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(Refused, _refused)
    app.add_exception_handler(Exception, _unexpected)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]


_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _document(operation: dict[str, Any], status: int) -> None:
    """Give the operation's answer ``status`` the Problem shape (replacing FastAPI's list-shaped 422)."""
    spec = operation["responses"].setdefault(str(status), {"description": DESCRIPTIONS.get(status, "Error")})
    spec["content"] = {"application/json": {"schema": _PROBLEM_REF}}


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every error answer in the Problem shape: the statuses each route declares, and
    401 wherever a token is needed, 404 wherever the path has a parameter, 422 wherever anything is read."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                         tags=app.openapi_tags, servers=app.servers)
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            statuses = {int(s) for s in operation.get("responses", {}) if s.isdigit() and int(s) >= 400}
            if operation.get("security"):
                statuses.add(401)
            if "{" in path:
                statuses.add(404)
            if operation.get("parameters") or operation.get("requestBody"):
                statuses.add(422)
            if operation.get("requestBody"):
                statuses |= {400, 413}  # a body that cannot be parsed; one over the size limit (api/middleware.py)
            for status in statuses:
                _document(operation, status)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema
