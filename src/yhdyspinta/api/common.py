"""What every endpoint of the API shares: paging, the area by its slug, the caller,
and keeping an anonymous answer between writes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Schema
from pydantic import Field, field_validator

from yhdyspinta.areas.models import Area
from yhdyspinta.web import public_cache

from . import problems
from .caller import Caller

MAX_PAGE_SIZE = 100
# A page of a list unless asked otherwise: a busy area's page of published minutes with
# their decisions is some 15 KB a row, a body with its seats 3 KB.
DEFAULT_PAGE_SIZE = 20
# A page beyond the millionth row of any list is an error, not a database offset overflow.
MAX_PAGE = 10_000
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); indicator data: THL Sotkanet"


# --- paging -----------------------------------------------------------------------------


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description=f"Page number, from 1 to {MAX_PAGE}.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Rows a page, at most {MAX_PAGE_SIZE}.",
    )
    updated_since: datetime | None = Field(
        None, description="Only rows changed at or after this time (ISO 8601)."
    )

    @field_validator("updated_since")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        """In UTC, as the database compares it: any offset Python reads (PostgreSQL
        refuses one beyond 15:59), a time without one in Finnish time."""
        if value is None:
            return None
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        try:
            return value.astimezone(UTC)
        except OverflowError as error:
            raise ValueError("out of range") from error


class Page(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    licence: str = LICENCE
    results: list


def paged(
    request: HttpRequest,
    rows: QuerySet[Any],
    paging: Paging,
    serialise: Callable[[Any], dict[str, Any]],
    prepare: Callable[[list[Any]], object] | None = None,
) -> dict[str, Any]:
    """One page of the rows, each serialised; `prepare` is given the page's rows first
    (to read what they need in one query for the page, not one a row)."""
    if paging.updated_since is not None:
        rows = rows.filter(updated_at__gte=paging.updated_since)
    count = rows.count()
    start = (paging.page - 1) * paging.page_size
    page = list(rows[start : start + paging.page_size])
    if prepare is not None:
        prepare(page)
    results = [serialise(row) for row in page]

    def link(page: int) -> str:
        query = request.GET.copy()
        query["page"] = str(page)
        return request.build_absolute_uri(request.path + "?" + query.urlencode())

    return {
        "count": count,
        "page": paging.page,
        "page_size": paging.page_size,
        "next": link(paging.page + 1) if start + paging.page_size < count else None,
        "previous": link(paging.page - 1) if paging.page > 1 else None,
        "licence": LICENCE,
        "results": results,
    }


def area_or_404(slug: str) -> Area:
    area = Area.objects.filter(slug=slug).first()
    if area is None:
        raise problems.not_found()
    return area


def caller_of(request: HttpRequest) -> Caller:
    caller = getattr(request, "auth", None)  # set by TokenOrPublic on every call
    if not isinstance(caller, Caller):
        raise TypeError("The API's authentication did not run.")
    return caller


def kept_for_public(operation: Callable[..., Any]) -> Callable[..., Any]:
    """An anonymous caller's answer is kept between writes (web.public_cache), after
    the rate limit has counted the call; a token's answer is always made anew."""

    @functools.wraps(operation)
    def kept(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if caller_of(request).token is not None:
            return operation(request, *args, **kwargs)
        return public_cache.answer(request, lambda: operation(request, *args, **kwargs))

    return kept


class YearQuery(Schema):
    year: int = Field(default_factory=lambda: timezone.localdate().year, ge=2000, le=2100)
