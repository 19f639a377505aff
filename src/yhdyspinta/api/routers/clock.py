"""The annual clock of an area's year."""

# No `from __future__ import annotations` here: django-ninja reads the endpoints'
# parameter types through the kept_for_public wrapper, whose module could not resolve
# them as strings.

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from yhdyspinta.clock.models import ClockEvent

from ..common import YearQuery, area_or_404, kept_for_public

router = Router()


class ClockEventOut(Schema):
    id: int
    year: int
    month: int
    day: date | None
    kind: str
    title: str
    body: int | None
    meeting: int | None
    status: str


@router.get("/areas/{area}/clock", response=list[ClockEventOut], tags=["clock"])
@kept_for_public
def clock(request: HttpRequest, area: str, query: Query[YearQuery]) -> list[dict[str, Any]]:
    rows = (
        ClockEvent.objects.filter(area=area_or_404(area), year=query.year)
        .exclude(status=ClockEvent.Status.DROPPED)
        .order_by("month", "day", "title")
    )
    return [
        {
            "id": e.pk,
            "year": e.year,
            "month": e.month,
            "day": e.day,
            "kind": e.kind,
            "title": e.title,
            "body": e.body_id,
            "meeting": e.meeting_id,
            "status": e.status,
        }
        for e in rows
    ]
