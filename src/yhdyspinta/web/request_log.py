"""What an operator reads of each request: one JSON line on the logger
`yhdyspinta.request` (the request id, method, path, status, duration, the user's id, the
area and the client's address), with the request id on every other line logged while it
is served and in the answer's `X-Request-ID`. nginx's own request id is taken over when
it comes from a trusted proxy (deploy/nginx), so one id follows a request through both
logs. No name, address or content of a page is logged."""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.http import HttpRequest, HttpResponse

from yhdyspinta.accounts import use_log
from yhdyspinta.core.request_id import REQUEST_ID

__all__ = ["RequestLog"]

_GIVEN = re.compile(r"[A-Za-z0-9-]{8,64}")
logger = logging.getLogger("yhdyspinta.request")


class RequestLog:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        trusted = given and _GIVEN.fullmatch(given) and use_log.from_trusted_proxy(request)
        request_id = given if trusted else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            user = getattr(request, "user", None)
            match = getattr(request, "resolver_match", None)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user": user.pk if user is not None and user.is_authenticated else None,
                    "area": (match.kwargs.get("area") if match else None) or None,
                    "ip": use_log.client_ip(request),
                },
            )
            return response
        finally:
            REQUEST_ID.reset(token)
