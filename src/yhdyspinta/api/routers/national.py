"""The national picture: every area's statutory year in one answer (the national page's
numbers, national.selectors)."""

# No `from __future__ import annotations` here: django-ninja reads the endpoints'
# parameter types through the kept_for_public wrapper.

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from yhdyspinta.national import selectors

from ..common import YearQuery, kept_for_public

router = Router()


class NationalRowOut(Schema):
    area: str
    name: str
    county_code: str
    year: int
    negotiation_status: str
    negotiation_on: date | None
    municipalities: int
    municipalities_met: int
    council_term: str
    term_judged: int
    term_met: int
    bodies_by_level: dict[str, int]
    kerroin: float | None
    kerroin_rank: int | None
    kerroin_of: int


class NationalOut(Schema):
    year: int
    areas: list[NationalRowOut]
    left_out: list[str]


@router.get("/national/obligations", response=NationalOut, tags=["national"])
@kept_for_public
def national_obligations(request: HttpRequest, query: Query[YearQuery]) -> dict[str, Any]:
    """Every area's statutory picture of the year, as the national page shows it: the
    county's negotiation (612/2021 §7: status and date), the municipalities that meet
    §6, those that meet 611/2021 §14 over the council term, the bodies by level and the
    HYTE-kerroin where the data is there. An area that has left the national view is
    named in `left_out` only."""
    return {
        "year": query.year,
        "areas": [
            {
                "area": r.slug,
                "name": r.name,
                "county_code": r.county_code,
                "year": r.year,
                "negotiation_status": r.negotiation_status,
                "negotiation_on": r.negotiation_on,
                "municipalities": r.municipalities,
                "municipalities_met": r.municipalities_met,
                "council_term": r.term,
                "term_judged": r.term_judged,
                "term_met": r.term_met,
                "bodies_by_level": dict(r.bodies_by_level()),
                "kerroin": r.kerroin,
                "kerroin_rank": r.kerroin_rank,
                "kerroin_of": r.kerroin_of,
            }
            for r in selectors.rows(query.year)
        ],
        "left_out": selectors.left_out(),
    }
