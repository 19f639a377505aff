"""Sotkanet indicator values (national data, aggregate statistics)."""

# No `from __future__ import annotations` here: django-ninja reads the endpoints'
# parameter types through the kept_for_public wrapper, whose module could not resolve
# them as strings.

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from pydantic import Field

from yhdyspinta.indicators.models import SotkanetIndicator, SotkanetValue

from .. import problems
from ..common import Page, Paging, kept_for_public, paged
from ..problems import Problem

router = Router()


class ValueOut(Schema):
    indicator: int
    region: int
    year: int
    gender: str
    value: float | None


class ValueFilter(Paging):
    region: int | None = None
    year: int | None = Field(None, ge=1900, le=2100)
    gender: str | None = None


@router.get("/indicators/{indicator}/values", response=Page, tags=["indicators"])
@kept_for_public
def indicator_values(
    request: HttpRequest, indicator: int, filters: Query[ValueFilter]
) -> dict[str, Any]:
    """Sotkanet values of one indicator (national data, aggregate statistics)."""
    if not SotkanetIndicator.objects.filter(pk=indicator).exists():
        raise problems.not_found()
    if filters.updated_since is not None:
        raise Problem(400, _("Bad request"), _("Indicator values have no update time."))
    rows = SotkanetValue.objects.filter(indicator_id=indicator).order_by(
        "region_id", "year", "gender"
    )
    if filters.region:
        rows = rows.filter(region_id=filters.region)
    if filters.year:
        rows = rows.filter(year=filters.year)
    if filters.gender:
        rows = rows.filter(gender=filters.gender)
    return paged(
        request,
        rows.values("indicator_id", "region_id", "year", "gender", "value"),
        filters,
        lambda v: {
            "indicator": v["indicator_id"],
            "region": v["region_id"],
            "year": v["year"],
            "gender": v["gender"],
            "value": v["value"],
        },
    )
