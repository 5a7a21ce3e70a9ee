"""Request IDs, an access log without personal data, and an early refusal of bodies over the upload limit."""

from __future__ import annotations

import logging
import time
import uuid

from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("matcha.access")

# Multipart overhead allowed on top of the file limit (boundaries, the other form fields).
_FORM_OVERHEAD = 64 * 1024


class RequestContext(BaseHTTPMiddleware):
    def __init__(self, app, max_body_bytes: int) -> None:  # noqa: ANN001 - ASGI app
        super().__init__(app)
        self.max_body_bytes = max_body_bytes + _FORM_OVERHEAD

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex
        request.state.request_id = request_id
        started = time.perf_counter()
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            response: Response = JSONResponse(
                {"detail": f"the upload is {int(length) / 1e6:.1f} MB; the limit is "
                           f"{(self.max_body_bytes - _FORM_OVERHEAD) / 1e6:.1f} MB", "code": "too_large"}, 413)
        else:
            response = await call_next(request)
        response.headers["X-Request-ID"] = request_id
        # Method, route template, status, time, user id: no query strings, names, file names or bodies.
        route = request.scope.get("route")
        path = getattr(route, "path", None) or "-"
        log.info("%s %s %s %d %.1fms user=%s", request_id, request.method, path, response.status_code,
                 (time.perf_counter() - started) * 1000, getattr(request.state, "user_id", "-"))
        return response
