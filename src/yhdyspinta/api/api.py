"""The open API, version 1 (django-ninja, OpenAPI 3.1 at /api/v1/openapi.json, a
browsable page at /api/v1/docs).

Anonymous callers get exactly what the public pages show, never a person's data, under
CC BY 4.0; a token of an area's user sees what that user sees in the app, in that area.
Lists are paged (at most MAX_PAGE_SIZE rows) and filter by updated-since; every answer
carries an ETag and answers If-None-Match (middleware.py); errors are RFC 9457 problem
details in English and Finnish; calls are rate-limited per token and per anonymous
client; no CORS header is sent, so browsers on other sites cannot read it."""

from __future__ import annotations

import functools
import hashlib
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field

from yhdyspinta.areas.models import Area, CouncilTerm, SubRegion
from yhdyspinta.bodies.models import Body, RhythmRule
from yhdyspinta.bodies.selectors import active_memberships
from yhdyspinta.clock.models import ClockEvent
from yhdyspinta.indicators.models import SotkanetIndicator, SotkanetValue
from yhdyspinta.meetings import services as meeting_services
from yhdyspinta.meetings.forms import AgendaItemForm, ApprovalForm, MeetingForm
from yhdyspinta.meetings.models import AgendaItem, Meeting, Minutes
from yhdyspinta.meetings.selectors import area_meetings, meeting_members, published_minutes_of
from yhdyspinta.obligations import engine
from yhdyspinta.parties.models import Organisation
from yhdyspinta.programme import services as programme_services
from yhdyspinta.programme.forms import MeasureReportForm
from yhdyspinta.programme.models import Goal, Measure, MeasureReport, Priority, Programme
from yhdyspinta.web import public_cache

from . import problems
from .caller import AnonymousThrottle, Caller, TokenOrPublic, TokenThrottle
from .docs import ReadableDocs
from .problems import Problem

MAX_PAGE_SIZE = 100
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/); indicator data: THL Sotkanet"

api = NinjaAPI(
    title="Yhdyspinta API",
    version="1",
    description=(
        "The cooperation structure of Finland's wellbeing services counties and their "
        "municipalities on health and wellbeing promotion (hyte): areas, organisations, "
        "bodies, meetings, published minutes, programmes, indicators, the annual clock "
        "and the statutory obligations. Without a token you get what the public pages "
        f"show (no person's data), under {LICENCE}. With `Authorization: Bearer <token>` "
        "(issued by the area administrator) you see what that user sees in the app."
    ),
    urls_namespace="api",
    docs=ReadableDocs(),
    auth=TokenOrPublic(),
    throttle=[
        AnonymousThrottle(settings.API_ANONYMOUS_RATE),
        TokenThrottle(settings.API_TOKEN_RATE),
    ],
)


# --- errors ---------------------------------------------------------------------------


@api.exception_handler(Problem)
def _problem(request, error: Problem):
    extra = {"errors": error.errors} if getattr(error, "errors", None) else {}
    return problems.response(error.status, error.title, error.detail, **extra)


@api.exception_handler(NinjaValidationError)
def _invalid(request, error: NinjaValidationError):
    fields = [
        {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg", "")}
        for e in error.errors
    ]
    return problems.response(
        400, _("Bad request"), _("A parameter is missing or malformed."), errors=fields
    )


@api.exception_handler(AuthenticationError)
def _unauthorized(request, error):
    return problems.response(401, _("Unauthorized"), _("The API token is not valid."))


@api.exception_handler(Http404)
def _not_found(request, error):
    return problems.response(404, _("Not found"), _("No such resource."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, error):
    return problems.response(
        403, _("Forbidden"), _("The token's user may not do this in this area.")
    )


@api.exception_handler(HttpError)
def _http(request, error: HttpError):
    if error.status_code == 429:
        return problems.response(429, _("Too many requests"), _("Slow down and try again."))
    return problems.response(error.status_code, _("Error"), str(error))


# --- paging -----------------------------------------------------------------------------


class Paging(Schema):
    page: int = Field(1, ge=1, description="Page number, from 1.")
    page_size: int = Field(50, ge=1, description=f"Rows a page, at most {MAX_PAGE_SIZE}.")
    updated_since: datetime | None = Field(
        None, description="Only rows changed at or after this time (ISO 8601)."
    )


class Page(Schema):
    count: int
    page: int
    page_size: int
    next: str | None
    previous: str | None
    licence: str = LICENCE
    results: list


def _page(request, rows: QuerySet, paging: Paging, serialise) -> dict:
    if paging.page_size > MAX_PAGE_SIZE:
        raise Problem(
            400,
            _("Bad request"),
            _("The page size is at most %(max)s.") % {"max": MAX_PAGE_SIZE},
        )
    if paging.updated_since is not None:
        rows = rows.filter(updated_at__gte=paging.updated_since)
    count = rows.count()
    start = (paging.page - 1) * paging.page_size
    results = [serialise(row) for row in rows[start : start + paging.page_size]]

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


def _area(slug: str) -> Area:
    area = Area.objects.filter(slug=slug).first()
    if area is None:
        raise problems.not_found()
    return area


def _caller(request) -> Caller:
    return request.auth


def _public(operation):
    """An anonymous caller's answer is kept between writes (web.public_cache), after
    the rate limit has counted the call; a token's answer is always made anew."""

    @functools.wraps(operation)
    def kept(request, *args, **kwargs):
        if _caller(request).token is not None:
            return operation(request, *args, **kwargs)
        return public_cache.answer(request, lambda: operation(request, *args, **kwargs))

    return kept


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


@api.get("/areas", response=Page, summary="Cooperation areas", tags=["structure"])
@_public
def areas(request, paging: Query[Paging]):
    rows = Area.objects.order_by("name")
    return _page(request, rows, paging, lambda a: AreaOut.from_orm(a).dict())


@api.get("/areas/{area}", response=AreaOut, summary="One area", tags=["structure"])
@_public
def area(request, area: str):
    return _area(area)


@api.get("/areas/{area}/sub-regions", response=Page, tags=["structure"])
@_public
def sub_regions(request, area: str, paging: Query[Paging]):
    rows = SubRegion.objects.filter(area=_area(area)).order_by("order", "name")
    return _page(request, rows, paging, lambda s: SubRegionOut.from_orm(s).dict())


class OrganisationFilter(Paging):
    kind: str | None = None


@api.get("/areas/{area}/organisations", response=Page, tags=["structure"])
@_public
def organisations(request, area: str, filters: Query[OrganisationFilter]):
    rows = Organisation.objects.filter(area=_area(area)).order_by("name", "pk")
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return _page(
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


@api.get("/areas/{area}/bodies", response=Page, tags=["structure"])
@_public
def bodies(request, area: str, paging: Query[Paging]):
    the_area = _area(area)
    sees_people = _caller(request).audience(the_area).sees_people
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

    return _page(request, rows, paging, serialise)


@api.get("/areas/{area}/council-terms", response=Page, tags=["structure"])
@_public
def council_terms(request, area: str, paging: Query[Paging]):
    rows = CouncilTerm.objects.filter(area=_area(area)).order_by("starts_on")
    return _page(request, rows, paging, lambda t: TermOut.from_orm(t).dict())


class MeetingFilter(Paging):
    body: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)


@api.get("/areas/{area}/meetings", response=Page, tags=["meetings"])
@_public
def meetings(request, area: str, filters: Query[MeetingFilter]):
    the_area = _area(area)
    audience = _caller(request).audience(the_area)
    rows = area_meetings(the_area).select_related("body").order_by("-starts_at", "pk")
    if filters.body:
        rows = rows.filter(body_id=filters.body)
    if filters.year:
        rows = rows.filter(starts_at__year=filters.year)
    return _page(request, rows, filters, lambda m: _meeting_out(m, audience))


@api.get("/areas/{area}/minutes", response=Page, summary="Published minutes", tags=["meetings"])
@_public
def minutes(request, area: str, filters: Query[MeetingFilter]):
    """The approved minutes the public reads (Openness Act), with their decisions."""
    rows = (
        published_minutes_of(_area(area))
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

    return _page(request, rows, filters, serialise)


@api.get("/areas/{area}/programmes", response=list[ProgrammeOut], tags=["programme"])
@_public
def programmes(request, area: str):
    """The programme tree: priorities → goals → measures and indicators."""
    measures = Measure.objects.select_related("lead").order_by("order", "pk")
    goals = Goal.objects.order_by("order", "pk").prefetch_related(
        Prefetch("measures", queryset=measures), "indicators"
    )
    priorities = Priority.objects.order_by("order", "pk").prefetch_related(
        Prefetch("goals", queryset=goals)
    )
    rows = Programme.objects.filter(area=_area(area)).prefetch_related(
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


@api.get("/indicators/{indicator}/values", response=Page, tags=["indicators"])
@_public
def indicator_values(request, indicator: int, filters: Query[ValueFilter]):
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
    return _page(
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


@api.get("/areas/{area}/clock", response=list[ClockEventOut], tags=["clock"])
@_public
def clock(request, area: str, query: Query[YearQuery]):
    rows = (
        ClockEvent.objects.filter(area=_area(area), year=query.year)
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


@api.get("/areas/{area}/obligations", response=ObligationsOut, tags=["obligations"])
@_public
def obligations(request, area: str, query: Query[YearQuery]):
    """The statutory obligations of the year, as the obligations page shows them."""
    the_area = _area(area)
    report = engine.evaluate(
        area=the_area, year=query.year, audience=_caller(request).audience(the_area)
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


# --- writes for integrations -------------------------------------------------------------
# The same forms, services and permission checks as the pages: what a token's user may
# not do on a page, the API refuses (403); every change is in the row's history under
# that user; a change must name the version it was made on (If-Match), else 428, and a
# stale one is refused with 412, so that nothing is saved over another's change.


def _writer(request, area: Area) -> Caller:
    caller = _caller(request)
    if caller.token is None:
        raise Problem(401, _("Unauthorized"), _("Writing needs an API token."))
    if caller.token.area_id != area.pk:
        raise PermissionDenied
    return caller


def _meeting_etag(meeting: Meeting) -> str:
    return f'"meeting-{meeting.pk}-{meeting.updated_at.timestamp():.6f}"'


def _form_problem(form) -> Problem:
    problem = Problem(400, _("Bad request"), _("Some fields are not valid."))
    problem.errors = [
        {"field": field, "message": " ".join(str(m) for m in messages)}
        for field, messages in form.errors.items()
    ]
    return problem


class MeetingIn(Schema):
    kind: str = "meeting"
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    online_link: str = ""
    convener: int | None = None
    municipalities: list[int] = []
    description: str = ""


class MeetingPatch(Schema):
    kind: str | None = None
    title: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str | None = None
    online_link: str | None = None
    convener: int | None = None
    municipalities: list[int] | None = None
    description: str | None = None
    notify: bool = Field(True, description="Send the members an updated invitation.")


class AgendaItemIn(Schema):
    title: str
    presenter: str = ""
    proposal: str = ""
    order: int | None = None


class AgendaItemOut(Schema):
    id: int
    meeting: int
    order: int
    title: str
    presenter: str
    proposal: str


def _meeting_out(meeting: Meeting, audience) -> dict:
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


def _meeting(the_area: Area, pk: int) -> Meeting:
    meeting = Meeting.objects.filter(body__area=the_area, pk=pk).select_related("body").first()
    if meeting is None:
        raise problems.not_found()
    return meeting


def _locked_meeting(the_area: Area, pk: int, caller: Caller) -> Meeting:
    """The meeting under a row lock (inside the caller's transaction), for a writer who
    may manage its body."""
    meeting = (
        Meeting.objects.select_for_update()
        .filter(body__area=the_area, pk=pk)
        .select_related("body")
        .first()
    )
    if meeting is None:
        raise problems.not_found()
    if not caller.access.can_manage_meetings(meeting.body):
        raise PermissionDenied
    return meeting


def _if_match(request, detail: str | Promise) -> str:
    """The version the change was made on; a change without one is refused (428)."""
    wanted = request.headers.get("If-Match", "")
    if not wanted:
        raise Problem(428, _("Precondition required"), detail)
    return wanted


def _form_data(values: dict) -> dict:
    data = {k: v for k, v in values.items() if v is not None and k != "municipalities"}
    for key in ("starts_at", "ends_at"):
        if isinstance(data.get(key), datetime):
            data[key] = data[key].isoformat()
    return data


def _bound(form_class, data: dict, municipalities, **kwargs):
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query[key] = "" if value is None else str(value)
    query.setlist("municipalities", [str(m) for m in municipalities or ()])
    return form_class(query, **kwargs)


@api.get("/areas/{area}/meetings/{meeting_id}", response=MeetingOut, tags=["meetings"])
def meeting(request, area: str, meeting_id: int, response: HttpResponse):
    """One meeting; its ETag is the version to give in If-Match when changing it."""
    the_area = _area(area)
    found = _meeting(the_area, meeting_id)
    response["ETag"] = _meeting_etag(found)
    return _meeting_out(found, _caller(request).audience(the_area))


@api.post(
    "/areas/{area}/bodies/{body_id}/meetings",
    response={201: MeetingOut},
    tags=["writes"],
    summary="Create a meeting of a body",
)
def meeting_create(request, area: str, body_id: int, data: MeetingIn, response: HttpResponse):
    the_area = _area(area)
    caller = _writer(request, the_area)
    body = Body.objects.filter(area=the_area, pk=body_id).first()
    if body is None:
        raise problems.not_found()
    if not caller.access.can_manage_meetings(body):
        raise PermissionDenied
    values = data.dict()
    if values["convener"] is None:  # as the page starts it: the body's convener
        values["convener"] = body.convener_id
    form = _bound(
        MeetingForm,
        _form_data(values),
        values["municipalities"],
        area=the_area,
        access=caller.access,
        body=body,
    )
    if not form.is_valid():
        raise _form_problem(form)
    created, _told = meeting_services.meeting_save(access=caller.access, form=form)
    response["ETag"] = _meeting_etag(created)
    response["Location"] = request.build_absolute_uri(
        f"/api/v1/areas/{the_area.slug}/meetings/{created.pk}"
    )
    return Status(201, _meeting_out(created, caller.audience(the_area)))


@api.patch("/areas/{area}/meetings/{meeting_id}", response=MeetingOut, tags=["writes"])
def meeting_update(request, area: str, meeting_id: int, data: MeetingPatch, response: HttpResponse):
    """Change a meeting; give its ETag in If-Match."""
    the_area = _area(area)
    caller = _writer(request, the_area)
    with transaction.atomic():
        current = _locked_meeting(the_area, meeting_id, caller)
        wanted = _if_match(request, _("Give the meeting's ETag in If-Match."))
        if wanted != _meeting_etag(current):
            raise Problem(
                412,
                _("Precondition failed"),
                _("Someone else changed the meeting since you read it: read it again."),
            )
        values = {**model_to_dict(current), **data.dict(exclude_unset=True)}
        municipalities = values.pop("municipalities", None)
        if municipalities and not isinstance(municipalities[0], int):
            municipalities = [m.pk for m in municipalities]
        notify = values.pop("notify", True)
        form = _bound(
            MeetingForm,
            _form_data(values),
            municipalities,
            instance=current,
            area=the_area,
            access=caller.access,
            body=current.body,
        )
        if not form.is_valid():
            raise _form_problem(form)
        saved, _told = meeting_services.meeting_save(access=caller.access, form=form, notify=notify)
    response["ETag"] = _meeting_etag(saved)
    return _meeting_out(saved, caller.audience(the_area))


@api.post(
    "/areas/{area}/meetings/{meeting_id}/agenda-items",
    response={201: AgendaItemOut},
    tags=["writes"],
)
def agenda_item_create(request, area: str, meeting_id: int, data: AgendaItemIn):
    the_area = _area(area)
    caller = _writer(request, the_area)
    found = _meeting(the_area, meeting_id)
    values = data.dict()
    if values["order"] is None:
        values["order"] = found.agenda_items.count() + 1
    form = _bound(
        AgendaItemForm,
        values,
        None,
        instance=AgendaItem(meeting=found),
        area=the_area,
    )
    if not form.is_valid():
        raise _form_problem(form)
    item = meeting_services.agenda_item_save(access=caller.access, form=form)
    return Status(
        201,
        {
            "id": item.pk,
            "meeting": found.pk,
            "order": item.order,
            "title": item.title,
            "presenter": item.presenter,
            "proposal": item.proposal,
        },
    )


class SheetRow(Schema):
    membership: int
    person: str
    organisation: int
    organisation_name: str
    role: str
    present: bool
    capacity: str


class PresentIn(Schema):
    membership: int
    capacity: str = "official"


class AttendanceIn(Schema):
    present: list[PresentIn]


def _sheet(meeting: Meeting) -> list[dict]:
    present = {a.person_id: a for a in meeting.attendances.all()}
    return [
        {
            "membership": m.pk,
            "person": str(m.person),
            "organisation": m.organisation_id,
            "organisation_name": m.organisation.name,
            "role": m.role,
            "present": m.person_id in present,
            "capacity": present[m.person_id].capacity if m.person_id in present else "",
        }
        for m in meeting_members(meeting)
    ]


def _sheet_etag(rows: list[dict]) -> str:
    marks = sorted((r["membership"], r["present"], r["capacity"]) for r in rows)
    return '"attendance-' + hashlib.sha256(repr(marks).encode()).hexdigest()[:32] + '"'


@api.get(
    "/areas/{area}/meetings/{meeting_id}/attendance",
    response=list[SheetRow],
    tags=["writes"],
    summary="The attendance sheet (for the area's users)",
)
def attendance(request, area: str, meeting_id: int, response: HttpResponse):
    the_area = _area(area)
    if not _caller(request).sees_private(the_area):
        raise PermissionDenied
    rows = _sheet(_meeting(the_area, meeting_id))
    response["ETag"] = _sheet_etag(rows)
    return rows


@api.put(
    "/areas/{area}/meetings/{meeting_id}/attendance",
    response=list[SheetRow],
    tags=["writes"],
    summary="Record attendance (give the sheet's ETag in If-Match)",
)
def attendance_put(request, area: str, meeting_id: int, data: AttendanceIn, response: HttpResponse):
    the_area = _area(area)
    caller = _writer(request, the_area)
    with transaction.atomic():
        found = _locked_meeting(the_area, meeting_id, caller)
        wanted = _if_match(request, _("Give the sheet's ETag in If-Match."))
        current = _sheet(found)
        if wanted != _sheet_etag(current):
            raise Problem(
                412,
                _("Precondition failed"),
                _("Someone else changed the attendance since you read it: read it again."),
            )
        members = {r["membership"] for r in current}
        unknown = [p.membership for p in data.present if p.membership not in members]
        if unknown:
            raise Problem(400, _("Bad request"), _("Not a seat of this meeting's body."))
        try:
            meeting_services.attendance_save(
                access=caller.access,
                meeting=found,
                present={p.membership: p.capacity for p in data.present},
            )
        except ValidationError as error:
            raise Problem(409, _("Conflict"), " ".join(error.messages)) from error
        rows = _sheet(found)
    response["ETag"] = _sheet_etag(rows)
    return rows


class MinutesItemIn(Schema):
    agenda_item: int
    discussion: str = ""
    decision: str = ""


class MinutesIn(Schema):
    summary: str = ""
    items: list[MinutesItemIn] = []
    approval_method: str = Field(description="chair, or next_meeting (then approved_in)")
    approved_in: int | None = Field(None, description="The later meeting that approved them.")
    approved_on: date
    publish: bool = Field(True, description="Publish at once (the members are told).")


class MinutesDecisionOut(Schema):
    agenda_item: int
    order: int
    heading: str
    discussion: str
    decision: str


class AttachedMinutesOut(Schema):
    id: int
    meeting: int
    version: int
    status: str
    approval_method: str
    approved_at: datetime | None
    published_at: datetime | None
    summary: str
    decisions: list[MinutesDecisionOut]


@api.post(
    "/areas/{area}/meetings/{meeting_id}/minutes",
    response={201: AttachedMinutesOut},
    tags=["writes"],
    summary="Attach minutes approved in another system",
)
def minutes_attach(request, area: str, meeting_id: int, data: MinutesIn):
    """Minutes approved in the municipality's case management, entered in one step: a
    section for every agenda item (the decisions given by agenda item id), approved as
    said and published when asked. A meeting that has minutes already is refused (409):
    a correction is made in the app, where it becomes a new version."""
    the_area = _area(area)
    caller = _writer(request, the_area)
    found = _meeting(the_area, meeting_id)
    if not caller.access.can_manage_meetings(found.body):
        raise PermissionDenied
    approval = ApprovalForm(
        {
            "method": data.approval_method,
            "approved_in": "" if data.approved_in is None else str(data.approved_in),
            "approved_on": data.approved_on.isoformat(),
        },
        minutes=Minutes(meeting=found),
    )
    if not approval.is_valid():
        raise _form_problem(approval)
    items = {i.agenda_item: (i.discussion, i.decision) for i in data.items}
    if len(items) != len(data.items):
        raise Problem(400, _("Bad request"), _("An agenda item is given twice."))
    try:
        saved = meeting_services.minutes_attach(
            access=caller.access,
            meeting=found,
            user=request.user,
            summary=data.summary,
            items=items,
            approval=approval,
            publish=data.publish,
        )
    except ValidationError as error:
        raise Problem(409, _("Conflict"), " ".join(error.messages)) from error
    sections = sorted(saved.items.select_related("agenda_item"), key=lambda i: i.agenda_item.order)
    return Status(
        201,
        {
            "id": saved.pk,
            "meeting": found.pk,
            "version": saved.version,
            "status": saved.status,
            "approval_method": saved.approval_method,
            "approved_at": saved.approved_at,
            "published_at": saved.published_at,
            "summary": saved.summary,
            "decisions": [
                {
                    "agenda_item": i.agenda_item_id,
                    "order": i.agenda_item.order,
                    "heading": i.agenda_item.title,
                    "discussion": i.discussion,
                    "decision": i.decision,
                }
                for i in sections
            ],
        },
    )


class ReportIn(Schema):
    organisation: int
    year: int = Field(ge=2000, le=2100)
    status: str
    account: str = ""
    based_on_version: int = Field(
        0, ge=0, description="The latest version you have read (0: none yet)."
    )


class ReportOut(Schema):
    measure: int
    organisation: int
    year: int
    version: int
    status: str
    account: str


@api.post(
    "/areas/{area}/measures/{measure_id}/reports",
    response={201: ReportOut, 200: ReportOut},
    tags=["writes"],
    summary="Report a measure's follow-up for a year",
)
def measure_report(request, area: str, measure_id: int, data: ReportIn):
    """The organisation's status and account for the measure and year, as on the
    follow-up page; every report is a new version, and one made on a version that is no
    longer the latest is refused (412)."""
    the_area = _area(area)
    caller = _writer(request, the_area)
    measure = (
        Measure.objects.filter(goal__priority__programme__area=the_area, pk=measure_id)
        .select_related("goal__priority__programme")
        .first()
    )
    organisation = Organisation.objects.filter(area=the_area, pk=data.organisation).first()
    if measure is None or organisation is None:
        raise problems.not_found()
    if not caller.access.can_edit_organisation(organisation):
        raise PermissionDenied
    form = MeasureReportForm({"status": data.status, "account": data.account})
    if not form.is_valid() or not form.reported:
        problem = _form_problem(form)
        problem.errors = problem.errors or [
            {"field": "status", "message": str(_("Choose the status."))}
        ]
        raise problem
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        latest = (
            MeasureReport.objects.filter(measure=measure, organisation=organisation, year=data.year)
            .order_by("-version")
            .first()
        )
        if (latest.version if latest else 0) != data.based_on_version:
            raise Problem(
                412,
                _("Precondition failed"),
                _("Someone else reported on this measure since you read it: read it again."),
            )
        try:
            saved = programme_services.measure_report_save(
                access=caller.access,
                measure=measure,
                organisation=organisation,
                year=data.year,
                user=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            raise Problem(400, _("Bad request"), " ".join(error.messages)) from error
    body = {
        "measure": measure.pk,
        "organisation": organisation.pk,
        "year": saved.year,
        "version": saved.version,
        "status": saved.status,
        "account": saved.account,
    }
    return Status(201 if latest is None or saved.pk != latest.pk else 200, body)


__all__ = ["MAX_PAGE_SIZE", "api"]
