"""The API's reads: the structure, meetings and published minutes, the programme,
indicator values, the annual clock and the obligations. Anonymous callers get what the
public pages show (answers kept between writes); a token sees what its user sees."""

# No `from __future__ import annotations` here: django-ninja reads the endpoints'
# parameter types through the kept_for_public wrapper, whose module could not resolve
# them as strings.

from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema
from pydantic import Field

from yhdyspinta.accounts.visibility import Audience
from yhdyspinta.areas.models import Area, CouncilTerm, SubRegion
from yhdyspinta.bodies.models import Body, RhythmRule
from yhdyspinta.bodies.selectors import active_memberships
from yhdyspinta.clock.models import ClockEvent
from yhdyspinta.indicators.models import SotkanetIndicator, SotkanetValue
from yhdyspinta.meetings.models import Meeting, Minutes
from yhdyspinta.meetings.selectors import area_meetings, published_minutes_of
from yhdyspinta.obligations import engine
from yhdyspinta.parties.models import Organisation
from yhdyspinta.programme.models import Goal, Measure, Priority, Programme

from . import problems
from .common import (
    Page,
    Paging,
    area_or_404,
    caller_of,
    kept_for_public,
    paged,
)
from .problems import Problem

router = Router()


# --- schemas ----------------------------------------------------------------------------


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


class MeetingOut(Schema):
    id: int
    body: int
    body_name: str
    kind: str
    title: str
    status: str
    life: str = Field(
        description="Where the meeting is in its life today, as the obligations read it: "
        "planned, awaiting_record (its day has passed, not marked held), held (minutes not "
        "approved), evidence (minutes approved) or cancelled."
    )
    starts_at: datetime
    ends_at: datetime
    place: str
    online_link: str = Field("", description="Only for a token of the area's user.")
    description: str
    updated_at: datetime


class DecisionOut(Schema):
    order: int
    heading: str
    decision: str


class MinutesOut(Schema):
    id: int
    meeting: int
    meeting_title: str
    body_name: str
    version: int
    published_at: datetime | None
    summary: str
    decisions: list[DecisionOut]


class MeasureOut(Schema):
    id: int
    name: str
    lead: int | None
    lead_name: str
    starts_year: int
    ends_year: int
    target_indicator: int | None


class IndicatorOut(Schema):
    id: int
    name: str
    unit: str
    sotkanet_id: int | None


class GoalOut(Schema):
    id: int
    name: str
    measures: list[MeasureOut]
    indicators: list[IndicatorOut]


class PriorityOut(Schema):
    id: int
    name: str
    goals: list[GoalOut]


class ProgrammeOut(Schema):
    id: int
    name: str
    starts_year: int
    ends_year: int
    priorities: list[PriorityOut]


class ValueOut(Schema):
    indicator: int
    region: int
    year: int
    gender: str
    value: float | None


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


# --- endpoints ---------------------------------------------------------------------------


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
    # The person only for a caller who sees people: at national scale the join made
    # PostgreSQL hash the whole people table (20,000 rows) for a page's few hundred seats.
    seats = (
        active_memberships()
        .select_related("organisation", *(["person"] if sees_people else []))
        .order_by("organisation__name", "pk")
    )
    rows = (
        Body.objects.filter(area=the_area)
        .select_related("convener")
        .prefetch_related(
            Prefetch("rhythm_rules", queryset=RhythmRule.objects.order_by("pk")),
            Prefetch("memberships", queryset=seats, to_attr="current_seats"),
        )
        .order_by("name", "pk")
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
            "member_organisations": [
                {
                    "organisation": seat.organisation_id,
                    "organisation_name": seat.organisation.name,
                    "role": seat.role,
                    "person": str(seat.person) if sees_people else None,
                }
                for seat in body.current_seats  # type: ignore[attr-defined]  # prefetched to_attr
            ],
            "updated_at": body.updated_at,
        }

    return paged(request, rows, paging, serialise)


@router.get("/areas/{area}/council-terms", response=Page, tags=["structure"])
@kept_for_public
def council_terms(request: HttpRequest, area: str, paging: Query[Paging]) -> dict[str, Any]:
    rows = CouncilTerm.objects.filter(area=area_or_404(area)).order_by("starts_on")
    return paged(request, rows, paging, lambda t: TermOut.from_orm(t).dict())


class MeetingFilter(Paging):
    body: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)


def meeting_out(meeting: Meeting, audience: Audience) -> dict[str, Any]:
    """A meeting as the API gives it (its online link only to those who may see it)."""
    return {
        "id": meeting.pk,
        "body": meeting.body_id,
        "body_name": meeting.body.name,
        "kind": meeting.kind,
        "title": meeting.title,
        "status": meeting.status,
        "life": meeting.life(),
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "online_link": audience.meeting_link(meeting),
        "description": meeting.description,
        "updated_at": meeting.updated_at,
    }


@router.get("/areas/{area}/meetings", response=Page, tags=["meetings"])
@kept_for_public
def meetings(request: HttpRequest, area: str, filters: Query[MeetingFilter]) -> dict[str, Any]:
    the_area = area_or_404(area)
    audience = caller_of(request).audience(the_area)
    rows = area_meetings(the_area).select_related("body").order_by("-starts_at", "pk")
    if filters.body:
        rows = rows.filter(body_id=filters.body)
    if filters.year:
        rows = rows.filter(starts_at__year=filters.year)
    return paged(request, rows, filters, lambda m: meeting_out(m, audience))


@router.get("/areas/{area}/minutes", response=Page, summary="Published minutes", tags=["meetings"])
@kept_for_public
def minutes(request: HttpRequest, area: str, filters: Query[MeetingFilter]) -> dict[str, Any]:
    """The approved minutes the public reads (Openness Act), with their decisions."""
    rows = (
        published_minutes_of(area_or_404(area))
        .prefetch_related("items__agenda_item")
        .order_by("-meeting__starts_at", "-version")
    )
    if filters.body:
        rows = rows.filter(meeting__body_id=filters.body)
    if filters.year:
        rows = rows.filter(meeting__starts_at__year=filters.year)

    def serialise(m: Minutes) -> dict:
        return {
            "id": m.pk,
            "meeting": m.meeting_id,
            "meeting_title": m.meeting.title,
            "body_name": m.meeting.body.name,
            "version": m.version,
            "published_at": m.published_at,
            "summary": m.summary,
            "decisions": [
                {
                    "order": i.agenda_item.order,
                    "heading": i.agenda_item.title,
                    "decision": i.decision,
                }
                for i in sorted(m.items.all(), key=lambda i: i.agenda_item.order)
            ],
        }

    return paged(request, rows, filters, serialise)


@router.get("/areas/{area}/programmes", response=list[ProgrammeOut], tags=["programme"])
@kept_for_public
def programmes(request: HttpRequest, area: str) -> list[dict[str, Any]]:
    """The programme tree: priorities → goals → measures and indicators."""
    measures = Measure.objects.select_related("lead").order_by("order", "pk")
    goals = Goal.objects.order_by("order", "pk").prefetch_related(
        Prefetch("measures", queryset=measures), "indicators"
    )
    priorities = Priority.objects.order_by("order", "pk").prefetch_related(
        Prefetch("goals", queryset=goals)
    )
    rows = Programme.objects.filter(area=area_or_404(area)).prefetch_related(
        Prefetch("priorities", queryset=priorities)
    )
    return [
        {
            "id": p.pk,
            "name": p.name,
            "starts_year": p.starts_year,
            "ends_year": p.ends_year,
            "priorities": [
                {
                    "id": pr.pk,
                    "name": pr.name,
                    "goals": [
                        {
                            "id": g.pk,
                            "name": g.name,
                            "measures": [
                                {
                                    "id": m.pk,
                                    "name": m.name,
                                    "lead": m.lead_id,
                                    "lead_name": m.lead.name if m.lead else "",
                                    "starts_year": m.starts_year,
                                    "ends_year": m.ends_year,
                                    "target_indicator": m.target_indicator_id,
                                }
                                for m in g.measures.all()
                            ],
                            "indicators": [
                                IndicatorOut.from_orm(i).dict() for i in g.indicators.all()
                            ],
                        }
                        for g in pr.goals.all()
                    ],
                }
                for pr in p.priorities.all()
            ],
        }
        for p in rows
    ]


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


class YearQuery(Schema):
    year: int = Field(default_factory=lambda: timezone.localdate().year, ge=2000, le=2100)


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
