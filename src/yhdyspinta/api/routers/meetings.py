"""Meetings and published minutes; for integrations with a token, a meeting's creation
and changes (with the ETag in If-Match), agenda items, attendance and minutes approved
in another system, through the pages' own services."""

# No `from __future__ import annotations` here: django-ninja reads the endpoints'
# parameter types through the kept_for_public wrapper, whose module could not resolve
# them as strings.

import hashlib
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from yhdyspinta.accounts.visibility import Audience
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body
from yhdyspinta.core.lookups import AnyOf
from yhdyspinta.meetings import services as meeting_services
from yhdyspinta.meetings.models import Meeting, Minutes, MinutesItem
from yhdyspinta.meetings.selectors import area_meetings, meeting_members, published_minutes_of
from yhdyspinta.parties.models import Organisation

from .. import problems
from ..caller import Caller
from ..common import MAX_PAGE_SIZE, Page, Paging, area_or_404, caller_of, kept_for_public, paged
from ..problems import Problem
from ..writing import if_match, refused, writer

router = Router()


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


class MeetingFilter(Paging):
    body: int | None = None
    year: int | None = Field(None, ge=2000, le=2100)


# Minutes with their decisions run to some 15 KB each at a busy area: ten a page unless
# page_size asks for more.
MINUTES_PAGE_SIZE = 10


class MinutesFilter(MeetingFilter):
    page_size: int = Field(
        MINUTES_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Rows a page, at most {MAX_PAGE_SIZE}; {MINUTES_PAGE_SIZE} unless asked.",
    )


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
def minutes(request: HttpRequest, area: str, filters: Query[MinutesFilter]) -> dict[str, Any]:
    """The approved minutes the public reads (Openness Act), with their decisions."""
    rows = published_minutes_of(area_or_404(area)).order_by("-meeting__starts_at", "-version")
    if filters.body:
        rows = rows.filter(meeting__body_id=filters.body)
    if filters.year:
        rows = rows.filter(meeting__starts_at__year=filters.year)

    decisions: dict[int, list[dict]] = {}

    def read_decisions(page: list[Minutes]) -> None:
        """The page's decisions as rows of values, in one query, in agenda order."""
        for minutes_id, order, heading, decision in (
            MinutesItem.objects.filter(AnyOf(F("minutes_id"), [m.pk for m in page]))
            .order_by("minutes_id", "agenda_item__order", "pk")
            .values_list("minutes_id", "agenda_item__order", "agenda_item__title", "decision")
        ):
            decisions.setdefault(minutes_id, []).append(
                {"order": order, "heading": heading, "decision": decision}
            )

    def serialise(m: Minutes) -> dict:
        return {
            "id": m.pk,
            "meeting": m.meeting_id,
            "meeting_title": m.meeting.title,
            "body_name": m.meeting.body.name,
            "version": m.version,
            "published_at": m.published_at,
            "summary": m.summary,
            "decisions": decisions.get(m.pk, []),
        }

    return paged(request, rows, filters, serialise, read_decisions)


def _meeting_etag(meeting: Meeting) -> str:
    return f'"meeting-{meeting.pk}-{meeting.updated_at.timestamp():.6f}"'


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


REQUIRED = ("title", "starts_at", "ends_at")


def _meeting_values(area: Area, given: dict) -> meeting_services.MeetingValues:
    """The API's meeting fields as the service's values; ids of the area's organisations."""
    missing = {name: _("This field is required.") for name in REQUIRED if given.get(name) is None}
    organisations = Organisation.objects.filter(area=area)
    convener = None
    if given.get("convener") is not None:
        convener = organisations.filter(pk=given["convener"]).first()
        if convener is None:
            missing["convener"] = _("No such organisation in the area.")
    wanted = set(given.get("municipalities") or ())
    municipalities = tuple(organisations.filter(pk__in=wanted))
    if len(municipalities) != len(wanted):
        missing["municipalities"] = _("No such organisation in the area.")
    if missing:
        raise refused(ValidationError(missing))
    return meeting_services.MeetingValues(
        **{
            name: given[name]
            for name in meeting_services.MEETING_FIELDS
            if given.get(name) is not None
        },
        convener=convener,
        municipalities=municipalities,
    )


@router.get("/areas/{area}/meetings/{meeting_id}", response=MeetingOut, tags=["meetings"])
def meeting(
    request: HttpRequest, area: str, meeting_id: int, response: HttpResponse
) -> dict[str, Any]:
    """One meeting; its ETag is the version to give in If-Match when changing it."""
    the_area = area_or_404(area)
    found = _meeting(the_area, meeting_id)
    response["ETag"] = _meeting_etag(found)
    return meeting_out(found, caller_of(request).audience(the_area))


@router.post(
    "/areas/{area}/bodies/{body_id}/meetings",
    response={201: MeetingOut},
    tags=["writes"],
    summary="Create a meeting of a body",
)
def meeting_create(
    request: HttpRequest, area: str, body_id: int, data: MeetingIn, response: HttpResponse
) -> Status:
    the_area = area_or_404(area)
    caller = writer(request, the_area)
    body = Body.objects.filter(area=the_area, pk=body_id).first()
    if body is None:
        raise problems.not_found()
    try:
        created, _told = meeting_services.meeting_save(
            access=caller.access, body=body, values=_meeting_values(the_area, data.dict())
        )
    except ValidationError as error:
        raise refused(error) from error
    response["ETag"] = _meeting_etag(created)
    response["Location"] = request.build_absolute_uri(
        f"/api/v1/areas/{the_area.slug}/meetings/{created.pk}"
    )
    return Status(201, meeting_out(created, caller.audience(the_area)))


@router.patch("/areas/{area}/meetings/{meeting_id}", response=MeetingOut, tags=["writes"])
def meeting_update(
    request: HttpRequest, area: str, meeting_id: int, data: MeetingPatch, response: HttpResponse
) -> dict[str, Any]:
    """Change a meeting; give its ETag in If-Match."""
    the_area = area_or_404(area)
    caller = writer(request, the_area)
    with transaction.atomic():
        current = _locked_meeting(the_area, meeting_id, caller)
        wanted = if_match(request, _("Give the meeting's ETag in If-Match."))
        if wanted != _meeting_etag(current):
            raise Problem(
                412,
                _("Precondition failed"),
                _("Someone else changed the meeting since you read it: read it again."),
            )
        given = {name: getattr(current, name) for name in meeting_services.MEETING_FIELDS}
        given["convener"] = current.convener_id
        given["municipalities"] = list(current.municipalities.values_list("pk", flat=True))
        given |= data.dict(exclude_unset=True)
        notify = given.pop("notify", True)
        try:
            saved, _told = meeting_services.meeting_save(
                access=caller.access,
                body=current.body,
                meeting=current,
                values=_meeting_values(the_area, given),
                notify=notify is not False,
            )
        except ValidationError as error:
            raise refused(error) from error
    response["ETag"] = _meeting_etag(saved)
    return meeting_out(saved, caller.audience(the_area))


@router.post(
    "/areas/{area}/meetings/{meeting_id}/agenda-items",
    response={201: AgendaItemOut},
    tags=["writes"],
)
def agenda_item_create(
    request: HttpRequest, area: str, meeting_id: int, data: AgendaItemIn
) -> Status:
    the_area = area_or_404(area)
    caller = writer(request, the_area)
    found = _meeting(the_area, meeting_id)
    values = meeting_services.AgendaItemValues(**data.dict())
    try:
        item = meeting_services.agenda_item_save(access=caller.access, meeting=found, values=values)
    except ValidationError as error:  # e.g. the meeting's minutes are approved: frozen
        raise refused(error) from error
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


@router.get(
    "/areas/{area}/meetings/{meeting_id}/attendance",
    response=list[SheetRow],
    tags=["writes"],
    summary="The attendance sheet (for the area's users)",
)
def attendance(
    request: HttpRequest, area: str, meeting_id: int, response: HttpResponse
) -> list[dict[str, Any]]:
    the_area = area_or_404(area)
    if not caller_of(request).sees_private(the_area):
        raise PermissionDenied
    rows = _sheet(_meeting(the_area, meeting_id))
    response["ETag"] = _sheet_etag(rows)
    return rows


@router.put(
    "/areas/{area}/meetings/{meeting_id}/attendance",
    response=list[SheetRow],
    tags=["writes"],
    summary="Record attendance (give the sheet's ETag in If-Match)",
)
def attendance_put(
    request: HttpRequest, area: str, meeting_id: int, data: AttendanceIn, response: HttpResponse
) -> list[dict[str, Any]]:
    the_area = area_or_404(area)
    caller = writer(request, the_area)
    with transaction.atomic():
        found = _locked_meeting(the_area, meeting_id, caller)
        wanted = if_match(request, _("Give the sheet's ETag in If-Match."))
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


@router.post(
    "/areas/{area}/meetings/{meeting_id}/minutes",
    response={201: AttachedMinutesOut},
    tags=["writes"],
    summary="Attach minutes approved in another system",
)
def minutes_attach(request: HttpRequest, area: str, meeting_id: int, data: MinutesIn) -> Status:
    """Minutes approved in the municipality's case management, entered in one step: a
    section for every agenda item (the decisions given by agenda item id), approved as
    said and published when asked. A meeting that has minutes already is refused (409):
    a correction is made in the app, where it becomes a new version."""
    the_area = area_or_404(area)
    caller = writer(request, the_area)
    found = _meeting(the_area, meeting_id)
    if not caller.access.can_manage_meetings(found.body):
        raise PermissionDenied
    approved_in = None
    if data.approved_in is not None:
        approved_in = Meeting.objects.filter(body__area=the_area, pk=data.approved_in).first()
        if approved_in is None:
            raise refused(ValidationError({"approved_in": _("No such meeting in the area.")}))
    approval = meeting_services.Approval(
        method=data.approval_method, approved_on=data.approved_on, approved_in=approved_in
    )
    items = {i.agenda_item: (i.discussion, i.decision) for i in data.items}
    if len(items) != len(data.items):
        raise Problem(400, _("Bad request"), _("An agenda item is given twice."))
    try:
        saved = meeting_services.minutes_attach(
            access=caller.access,
            meeting=found,
            summary=data.summary,
            items=items,
            approval=approval,
            publish=data.publish,
        )
    except ValidationError as error:
        raise refused(error) from error
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
