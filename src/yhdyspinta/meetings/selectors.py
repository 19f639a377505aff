"""Reads of meetings shared by pages, exports and feeds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.accounts.visibility import PUBLIC, Audience
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body, Membership, MembershipRole
from yhdyspinta.bodies.selectors import active_memberships
from yhdyspinta.core.lookups import AnyOf
from yhdyspinta.parties.models import OrganisationKind, Person

from .models import (
    AgendaItem,
    Attendance,
    Capacity,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesItem,
    ThemeWorkGroup,
)

__all__ = [
    "area_meetings",
    "attendance_summary",
    "meeting_detail",
    "meeting_list",
    "minutes_detail",
    "published_minutes",
]


def area_meetings(area: Area, body_ids: list[int] | None = None) -> QuerySet[Meeting]:
    """The area's meetings, ended bodies' too, by the ids of its bodies (one query for
    them, unless the caller has read them: `body_ids`) rather than a join on the area:
    with a join, PostgreSQL reads every area's meetings by date and drops the other
    areas' (a national installation has twenty times the rows); with the ids it reads
    this area's by the (body, starts_at) index. The ids go to PostgreSQL as one array
    (`AnyOf`)."""
    ids = _body_ids(area) if body_ids is None else body_ids
    return Meeting.objects.filter(AnyOf(F("body_id"), ids))


def _body_ids(area: Area) -> list[int]:
    """The ids of the area's bodies, ended ones too (area_meetings)."""
    return list(Body.objects.filter(area=area).order_by().values_list("pk", flat=True))


def meeting_members(meeting: Meeting) -> list[Membership]:
    """The body's seats on the day of the meeting."""
    day = timezone.localtime(meeting.starts_at).date()
    return list(
        active_memberships(day)
        .filter(body_id=meeting.body_id)
        .select_related("person", "organisation")
    )


def meeting_list(
    *,
    area: Area,
    body_id: int | None = None,
    upcoming: bool | None = None,
    q: str = "",
    year: int | None = None,
    published: bool = False,
    status: str = "",
) -> QuerySet[Meeting]:
    """The area's meetings as the meetings list shows them (the fields of its table);
    filtered by body, a search in the title, the body's name and the place, the year,
    and (`published`) only those whose minutes the public reads, or one `status` (e.g.
    the minutes drafted, that wait for approval). `upcoming`: from now
    on, soonest first; False: before now, latest first."""
    qs = (
        area_meetings(area)
        .select_related("body")
        .only("title", "starts_at", "kind", "status", "body__name")
    )
    if body_id:
        qs = qs.filter(body_id=body_id)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__name__icontains=q) | Q(place__icontains=q))
    if year:
        qs = qs.filter(starts_at__year=year)
    if published:
        qs = qs.filter(
            status=MeetingStatus.PUBLISHED, minutes__status=Minutes.Status.APPROVED
        ).distinct()
    if status:
        qs = qs.filter(status=status)
    now = timezone.now()
    if upcoming is True:
        qs = qs.filter(starts_at__gte=now).order_by("starts_at", "pk")
    elif upcoming is False:
        qs = qs.filter(starts_at__lt=now).order_by("-starts_at", "-pk")
    return qs


# A calendar feed carries the last year and everything ahead: a feed of ten years of
# meetings would grow without end (calendars keep what they have already received).
FEED_WINDOW_DAYS = 365
# An area's whole feed (every body's meetings; the clock's too) is the area's near
# future: from AREA_FEED_PAST_DAYS back, at most AREA_FEED_EVENTS meetings in time order
# (a busy area has some 25 a week and 2 000 in the yearly window). A body's own feed and
# a person's carry the whole window; the calendar says so (AREA_FEED_DESCRIPTION).
AREA_FEED_PAST_DAYS = 14
AREA_FEED_EVENTS = 150


def to_local() -> Callable[[datetime], datetime]:
    """A moment in the current time zone, the zone looked up once: what
    timezone.localtime does, for the hundreds of meetings of a page or a year (localtime
    looks the zone up again for each)."""
    zone = timezone.get_current_timezone()
    return lambda moment: moment.astimezone(zone)


def local_midnight(day: date) -> datetime:
    """The instant a local day starts: a bound on starts_at that its index answers (a
    filter on each row's local date cannot use it)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def feed_since(days: int = FEED_WINDOW_DAYS) -> datetime:
    """Where a feed's window starts: the start of the day `days` ago (an area's whole
    feed: AREA_FEED_PAST_DAYS), so that the window (and the feed's ETag) stays the same
    all day."""
    return local_midnight(timezone.localdate() - timedelta(days=days))


def area_feed_description() -> str:
    """What an area's whole feed holds and where the rest is, in the calendar itself."""
    return _(
        "The area's %(count)s nearest meetings from %(days)s days back. Each body's page "
        "has a calendar with all of its meetings."
    ) % {"count": AREA_FEED_EVENTS, "days": AREA_FEED_PAST_DAYS}


def feed_meetings(*, nearest: int | None = None, **filters: object) -> QuerySet[Meeting]:
    """Meetings for a calendar feed, from feed_since() on. A cancelled meeting stays in
    the feed once it was sent out, so that calendars receive the cancellation; one
    never sent is left out. `nearest`: an area's whole feed, from AREA_FEED_PAST_DAYS
    back and at most that many, the earliest first."""
    meetings = (
        Meeting.objects.filter(**filters)
        .filter(starts_at__gte=feed_since(AREA_FEED_PAST_DAYS if nearest else FEED_WINDOW_DAYS))
        .exclude(status=MeetingStatus.CANCELLED, sequence=0)
    )
    if nearest:
        # Their ids read once: every query of the feed then reads them by key.
        first = list(meetings.order_by("starts_at", "pk").values_list("pk", flat=True)[:nearest])
        meetings = Meeting.objects.filter(AnyOf(F("pk"), first))
    return (
        meetings.select_related("body__area", "convener")
        # What an event says and nothing more: a busy area has some 2 000 in a year.
        .only(
            *("uid", "starts_at", "ends_at", "sequence", "title", "place", "online_link"),
            *("description", "status", "updated_at", "body__name", "body__area__slug"),
            *("convener__name", "convener__email"),
        )
        .order_by("starts_at", "pk")  # one order, so the same feed is the same bytes
    )


def meeting_detail(*, area: Area, pk: int) -> Meeting:
    return (
        Meeting.objects.filter(body__area=area)
        .select_related("body", "convener")
        .prefetch_related(
            "municipalities",
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("theme")),
            Prefetch(
                "attendances", queryset=Attendance.objects.select_related("person", "organisation")
            ),
            Prefetch("minutes", queryset=Minutes.objects.order_by("-version")),
        )
        .get(pk=pk)
    )


PARTY_GROUPS: list[tuple[str, set[str]]] = [
    ("county", {OrganisationKind.COUNTY}),
    ("municipality", {OrganisationKind.MUNICIPALITY}),
    ("regional_council", {OrganisationKind.REGIONAL_COUNCIL}),
    ("ngo", {OrganisationKind.NGO}),
    ("parish", {OrganisationKind.PARISH}),
    ("business", {OrganisationKind.BUSINESS}),
    ("state", OrganisationKind.state_authorities()),
    ("other", {OrganisationKind.EDUCATION, OrganisationKind.RESCUE, OrganisationKind.OTHER}),
]


def party_group_labels() -> dict[str, str]:
    """The names of PARTY_GROUPS, as the attendance of a meeting or an event shows them."""
    return {
        "county": _("Wellbeing services county"),
        "municipality": _("Municipalities"),
        "regional_council": _("Regional council"),
        "ngo": _("NGOs"),
        "parish": _("Parishes"),
        "business": _("Businesses"),
        "state": _("State authorities"),
        "other": _("Others"),
    }


@dataclass
class AttendanceSummary:
    present: list[Attendance]
    groups: list[tuple[str, str, list[str]]]  # key, label, organisation names
    absent: list  # memberships without attendance
    guests: list[Attendance]
    absent_labels: list[str]  # what the audience may read of the absent seats


def attendance_summary(meeting: Meeting, audience: Audience = PUBLIC) -> AttendanceSummary:
    """Which party kinds were present (municipalities by name) and which members were not."""
    labels = party_group_labels()
    present = list(meeting.attendances.all())
    groups = []
    for key, kinds in PARTY_GROUPS:
        names = sorted({a.organisation.name for a in present if a.organisation.kind in kinds})
        groups.append((key, labels[key], names))
    present_people = {a.person_id for a in present}
    absent = [m for m in meeting_members(meeting) if m.person_id not in present_people]
    absent.sort(key=lambda m: (m.organisation.name, m.person.last_name))
    return AttendanceSummary(
        present=present,
        groups=groups,
        absent=absent,
        guests=[a for a in present if a.is_guest],
        absent_labels=list(dict.fromkeys(audience.member(m) for m in absent)),
    )


def minutes_detail(*, area: Area, pk: int) -> Minutes:
    return (
        Minutes.objects.filter(meeting__body__area=area)
        .select_related("meeting__body", "meeting__convener", "approved_by", "approved_in")
        .prefetch_related(
            Prefetch("items", queryset=MinutesItem.objects.select_related("agenda_item__theme")),
            Prefetch(
                "theme_groups", queryset=ThemeWorkGroup.objects.prefetch_related("ideas__measures")
            ),
            Prefetch(
                "meeting__attendances",
                queryset=Attendance.objects.select_related("person", "organisation"),
            ),
        )
        .get(pk=pk)
    )


def published_minutes_of(area: Area) -> QuerySet[Minutes]:
    """Every approved, published minutes of the area the public reads (the feed, the
    API), each with its meeting, body and area (a meeting's address names the area)."""
    return Minutes.objects.filter(
        # By the bodies' ids, as area_meetings (a year's count took 12 ms by the join on
        # the area, 3.6 by the ids, at national scale).
        AnyOf(F("meeting__body_id"), _body_ids(area)),
        meeting__status=MeetingStatus.PUBLISHED,
        status=Minutes.Status.APPROVED,
    ).select_related("meeting__body__area")


def published_minutes(meeting: Meeting) -> Minutes | None:
    """The approved, published version the public reads (Openness Act)."""
    if meeting.status != MeetingStatus.PUBLISHED:
        return None
    return meeting.minutes.filter(status=Minutes.Status.APPROVED).order_by("-version").first()


def chair_on_the_day(meeting: Meeting) -> str:
    """The body's chair on the day of the meeting (empty when the body has none)."""
    seat = (
        active_memberships(timezone.localtime(meeting.starts_at).date())
        .filter(body_id=meeting.body_id, role=MembershipRole.CHAIR)
        .select_related("person")
        .first()
    )
    return str(seat.person) if seat else ""


def starting_capacity(person: Person, previous: dict[int, str] | None = None) -> str:
    """The capacity an attendance sheet starts from: as at the body's previous meeting,
    else the person's leadership position, else expert."""
    if previous and person.pk in previous:
        return previous[person.pk]
    return person.leadership or Capacity.EXPERT


def previous_attendance(meeting: Meeting) -> dict[int, str]:
    """Who attended the body's previous held meeting, and in what capacity (person id:
    capacity): a start for this meeting's sheet."""
    previous = (
        Meeting.objects.filter(body_id=meeting.body_id, starts_at__lt=meeting.starts_at)
        .filter(attendances__isnull=False)
        .order_by("-starts_at")
        .first()
    )
    if previous is None:
        return {}
    return dict(previous.attendances.values_list("person_id", "capacity"))
