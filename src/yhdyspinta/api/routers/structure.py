"""The structure: areas, their sub-regions, organisations (public fields), bodies with
their rhythm and seats, and council terms."""

# No `from __future__ import annotations` here: django-ninja reads the endpoints'
# parameter types through the kept_for_public wrapper, whose module could not resolve
# them as strings.

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from yhdyspinta.areas.models import Area, CouncilTerm, SubRegion
from yhdyspinta.bodies.models import Body, RhythmRule
from yhdyspinta.bodies.selectors import active_memberships
from yhdyspinta.parties.models import Organisation, Person

from ..common import Page, Paging, area_or_404, caller_of, kept_for_public, paged

router = Router()


class AreaOut(Schema):
    slug: str
    name: str
    description: str
    updated_at: datetime


class SubRegionOut(Schema):
    id: int
    name: str
    order: int


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    business_id: str
    municipality_number: str
    sub_region: int | None
    is_agreement_party: bool
    ended_on: date | None
    updated_at: datetime


class RhythmOut(Schema):
    meeting_kind: str
    period: str
    min_count: int
    max_count: int | None
    month: int | None


class SeatOut(Schema):
    organisation: int
    organisation_name: str
    role: str
    person: str | None = Field(None, description="Only for a token of the area's user.")


class BodyOut(Schema):
    id: int
    name: str
    level: str
    legal_basis: str
    convener: int | None
    convener_name: str
    sub_region: int | None
    parent: int | None
    ended_on: date | None
    rhythm: list[RhythmOut]
    member_organisations: list[SeatOut]
    updated_at: datetime


class TermOut(Schema):
    id: int
    kind: str
    starts_on: date
    ends_on: date


@router.get("/areas", response=Page, summary="Cooperation areas", tags=["structure"])
@kept_for_public
def areas(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    rows = Area.objects.order_by("name")
    return paged(request, rows, paging, lambda a: AreaOut.from_orm(a).dict())


@router.get("/areas/{area}", response=AreaOut, summary="One area", tags=["structure"])
@kept_for_public
def area(request: HttpRequest, area: str) -> Area:
    return area_or_404(area)


@router.get("/areas/{area}/sub-regions", response=Page, tags=["structure"])
@kept_for_public
def sub_regions(request: HttpRequest, area: str, paging: Query[Paging]) -> dict[str, Any]:
    rows = SubRegion.objects.filter(area=area_or_404(area)).order_by("order", "name")
    return paged(request, rows, paging, lambda s: SubRegionOut.from_orm(s).dict())


class OrganisationFilter(Paging):
    kind: str | None = None


@router.get("/areas/{area}/organisations", response=Page, tags=["structure"])
@kept_for_public
def organisations(
    request: HttpRequest, area: str, filters: Query[OrganisationFilter]
) -> dict[str, Any]:
    rows = Organisation.objects.filter(area=area_or_404(area)).order_by("name", "pk")
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return paged(
        request,
        rows,
        filters,
        lambda o: {
            "id": o.pk,
            "name": o.name,
            "kind": o.kind,
            "business_id": o.business_id,
            "municipality_number": o.municipality_number,
            "sub_region": o.sub_region_id,
            "is_agreement_party": o.is_agreement_party,
            "ended_on": o.ended_on,
            "updated_at": o.updated_at,
        },
    )


@router.get("/areas/{area}/bodies", response=Page, tags=["structure"])
@kept_for_public
def bodies(request: HttpRequest, area: str, paging: Query[Paging]) -> dict[str, Any]:
    the_area = area_or_404(area)
    sees_people = caller_of(request).audience(the_area).sees_people
    rows = (
        Body.objects.filter(area=the_area)
        .select_related("convener")
        .prefetch_related(Prefetch("rhythm_rules", queryset=RhythmRule.objects.order_by("pk")))
        .order_by("name", "pk")
    )
    seats: dict[int, list[dict]] = {}

    def read_seats(page: list[Body]) -> None:
        """The page's bodies' current seats as rows of values, in one query (a busy area's
        page of bodies has a thousand seats: as model instances with their organisation
        and person, reading them took most of the answer's time). The person only for a
        caller who sees people."""
        names = ("person__first_name", "person__last_name") if sees_people else ()
        for body_id, organisation, organisation_name, role, *person in (
            active_memberships()
            .filter(body_id__in=[body.pk for body in page])
            .order_by("organisation__name", "pk")
            .values_list("body_id", "organisation_id", "organisation__name", "role", *names)
        ):
            seats.setdefault(body_id, []).append(
                {
                    "organisation": organisation,
                    "organisation_name": organisation_name,
                    "role": role,
                    "person": Person.name_of(*person) if sees_people else None,
                }
            )

    def serialise(body: Body) -> dict:
        return {
            "id": body.pk,
            "name": body.name,
            "level": body.level,
            "legal_basis": body.legal_basis,
            "convener": body.convener_id,
            "convener_name": body.convener.name if body.convener else "",
            "sub_region": body.sub_region_id,
            "parent": body.parent_id,
            "ended_on": body.ended_on,
            "rhythm": [RhythmOut.from_orm(r).dict() for r in body.rhythm_rules.all()],
            "member_organisations": seats.get(body.pk, []),
            "updated_at": body.updated_at,
        }

    return paged(request, rows, paging, serialise, read_seats)


@router.get("/areas/{area}/council-terms", response=Page, tags=["structure"])
@kept_for_public
def council_terms(request: HttpRequest, area: str, paging: Query[Paging]) -> dict[str, Any]:
    rows = CouncilTerm.objects.filter(area=area_or_404(area)).order_by("starts_on")
    return paged(request, rows, paging, lambda t: TermOut.from_orm(t).dict())
