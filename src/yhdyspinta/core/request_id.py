"""The id of the request being served, for every log line written while it is
(web.request_log sets it; the logging configuration's filter reads it). Apart from the
middleware because logging is configured before any model can be imported."""

from __future__ import annotations

import logging
from contextvars import ContextVar

__all__ = ["REQUEST_ID", "RequestIdFilter"]

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every log record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True
