"""The statutory obligations of an area's year, from the obligations engine."""

# No `from __future__ import annotations` here: django-ninja reads the endpoints'
# parameter types through the kept_for_public wrapper, whose module could not resolve
# them as strings.

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from yhdyspinta.obligations import engine

from ..common import YearQuery, area_or_404, caller_of, kept_for_public

router = Router()


class AwaitingOut(Schema):
    """A meeting that has taken place and would count, and the step it waits for
    (`awaiting_record`: to be marked held; `held`: minutes to approve)."""

    meeting: int
    life: str
    step: str


class ObligationOut(Schema):
    code: str
    law: str
    title: str
    subject: str
    status: str
    period_end: date | None
    evidence_meetings: list[int]
    awaiting: list[AwaitingOut]


class ObligationsOut(Schema):
    area: str
    year: int
    summary: str
    results: list[ObligationOut]


@router.get("/areas/{area}/obligations", response=ObligationsOut, tags=["obligations"])
@kept_for_public
def obligations(request: HttpRequest, area: str, query: Query[YearQuery]) -> dict[str, Any]:
    """The statutory obligations of the year, as the obligations page shows them."""
    the_area = area_or_404(area)
    report = engine.evaluate(
        area=the_area, year=query.year, audience=caller_of(request).audience(the_area)
    )
    return {
        "area": the_area.slug,
        "year": query.year,
        "summary": str(report.summary),
        "results": [
            {
                "code": r.code,
                "law": str(r.law),
                "title": str(r.title),
                "subject": str(r.subject),
                "status": r.status,
                "period_end": r.period_end,
                "evidence_meetings": [e.meeting.pk for e in r.evidence],
                "awaiting": [
                    {"meeting": a.meeting.pk, "life": a.life, "step": a.step} for a in r.awaiting
                ],
            }
            for r in report.all_results
        ],
    }
