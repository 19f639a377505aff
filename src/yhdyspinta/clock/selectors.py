"""The annual clock as a wheel, as a month-by-month list, and its conflicts."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet, Value
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.text import capfirst

from yhdyspinta.accounts.visibility import PUBLIC, Audience
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body, Level, Membership, RhythmRule
from yhdyspinta.bodies.selectors import working
from yhdyspinta.core.lookups import AnyOf
from yhdyspinta.meetings.models import MeetingStatus
from yhdyspinta.meetings.selectors import area_meetings, to_local
from yhdyspinta.parties.models import Organisation

from .models import ClockEvent, EventKind

SIZE, CENTRE, INNER, OUTER = 760, 380, 110, 330
RING_KEYS = ["area", *Level.order()]
COLOURS = {
    "area": "#6a1b9a",
    "strategic": "#8a0019",
    "operative": "#4a5560",
    "coordinator_network": "#0b4f8a",
    "area_partnership": "#b35c00",
    "regional_partnership": "#1d6b2f",
    "working_group": "#005f73",
}


def _filtered[M: Model](
    qs: QuerySet[M], *, theme_lookup: str, owner: str, filters: dict[str, str]
) -> QuerySet[M]:
    """The clock's filters, for its events and for the meetings on it alike."""
    body, level = filters.get("body", ""), filters.get("level", "")
    theme, organisation = filters.get("theme", ""), filters.get("organisation", "")
    if body.isdigit():
        qs = qs.filter(body_id=body)
    if level:
        qs = qs.filter(body__level=level)
    if theme.isdigit():
        qs = qs.filter(**{theme_lookup: theme})
    if organisation.isdigit():
        qs = qs.filter(
            Q(**{f"{owner}_id": organisation}) | Q(body__memberships__organisation_id=organisation)
        ).distinct()
    return qs


def events(area: Area, year: int, **filters: str) -> QuerySet[ClockEvent]:
    qs = ClockEvent.objects.filter(area=area, year=year).exclude(status=ClockEvent.Status.DROPPED)
    qs = _filtered(qs, theme_lookup="themes", owner="owner", filters=filters)
    return (
        qs.select_related("body", "owner", "meeting")
        .prefetch_related("letters", "forums")
        .order_by("month", "day", "title")
    )


def ring_of(event: OnClock) -> str:
    return event.body.level if event.body_id and event.body is not None else "area"


@dataclass
class Mark:
    event: OnClock
    x: float
    y: float
    colour: str


# Beyond this many events the wheel on the screen draws a dot for a ring's week, as on
# paper (a busy area's year has 1 200: one by one they read as a smudge and were half
# the page), and a month of the list names at most MONTH_MEETINGS meetings, with a link
# to the whole month.
WHEEL_MARKS = 300
MONTH_MEETINGS = 12


@dataclass
class Wheel:
    size: int
    centre: int
    rings: list[tuple[str, float, str]]  # key, radius, colour
    months: list[
        tuple[str, float, float, float, float, float, float]
    ]  # label, lx, ly, x1, y1, x2, y2
    events: Sequence[OnClock] = ()
    marks: list[Mark] = field(default_factory=list)  # an event's each, unless by_week

    @property
    def by_week(self) -> bool:
        """A dot for a ring's week rather than an event (too many events for one each)."""
        return len(self.events) > WHEEL_MARKS


def polar(radius: float, fraction: float) -> tuple[float, float]:
    angle = 2 * math.pi * fraction - math.pi / 2  # January at the top, clockwise
    return round(CENTRE + radius * math.cos(angle), 1), round(CENTRE + radius * math.sin(angle), 1)


def wheel(area: Area, year: int, event_list: Sequence[OnClock]) -> Wheel:
    """Months around the circle, one ring per level (the area's own events innermost),
    each event a mark at its date (or mid-month)."""
    present = {ring_of(e) for e in event_list}
    used = [key for key in RING_KEYS if key in present] or ["area"]
    step = (OUTER - INNER) / max(1, len(used))
    radius = {key: INNER + step * (i + 0.5) for i, key in enumerate(used)}
    rings = [(key, round(radius[key], 1), COLOURS.get(key, "#4a5560")) for key in used]
    months = []
    for m in range(12):
        x1, y1 = polar(INNER - 10, m / 12)
        x2, y2 = polar(OUTER + 8, m / 12)
        lx, ly = polar(OUTER + 30, (m + 0.5) / 12)
        months.append((str(MONTHS_AP[m + 1]).rstrip("."), lx, ly, x1, y1, x2, y2))
    result = Wheel(size=SIZE, centre=CENTRE, rings=rings, months=months, events=event_list)
    if result.by_week:
        return result  # drawn a week at a time (clock_tags)
    per_position: dict[tuple[str, int], int] = defaultdict(int)
    for event in event_list:
        key = ring_of(event)
        if event.day:
            fraction = (event.day.month - 1 + (event.day.day - 0.5) / 31) / 12
        else:
            fraction = (event.month - 0.5) / 12
        nudge = per_position[(key, event.month)]
        per_position[(key, event.month)] += 1
        x, y = polar(radius[key], fraction + nudge * 0.008)
        result.marks.append(Mark(event, x, y, COLOURS.get(key, "#4a5560")))
    return result


def by_month(event_list: Sequence[OnClock]) -> list[tuple[int, str, list[OnClock]]]:
    grouped: dict[int, list[OnClock]] = defaultdict(list)
    for event in event_list:
        grouped[event.month].append(event)
    return [(m, capfirst(str(MONTHS[m])), grouped[m]) for m in range(1, 13)]


@dataclass(frozen=True)
class Shortfall:
    """A body whose year is off its yearly rhythm: its meetings that are not cancelled
    (planned or held) and its proposed dates not yet accepted, against what the rhythm
    asks. `ahead`: the year has not begun, so this is the plan speaking."""

    body: Body
    meetings: int
    proposed: int
    low: int
    high: int | None
    ahead: bool

    @property
    def asked(self) -> str:
        """What the rhythm asks, e.g. 2 or 6–8."""
        return f"{self.low}–{self.high}" if self.high not in (None, self.low) else str(self.low)

    @property
    def short(self) -> bool:
        """Even with every proposal accepted, too few (else: too many)."""
        return self.meetings + self.proposed < self.low


@dataclass
class Conflicts:
    """Two different things: people booked into two meetings at once, and bodies whose
    year is off their rhythm (shown to those who plan)."""

    double_booked: list[tuple[str, date, list[str]]]
    rhythm: list[Shortfall]


@dataclass(frozen=True)
class BodyRow:
    level: str
    name: str


@dataclass(frozen=True)
class OwnerRow:
    name: str


@dataclass(slots=True, eq=False)
class YearMeeting:
    """A meeting of the year as the clock, its list and its rhythm read it: one row of
    values (a busy area's year has 1 200), and on the clock an accepted event that no
    slot stands for (`slotted` false) with the fields the wheel and the list read of an
    event. Its body and convener rows are shared by the body's meetings. Its times are
    not read: the day is enough for all three, and the double bookings read those ahead
    with their times (`Booked`)."""

    pk: int
    body_id: int
    title: str
    slotted: bool  # a slot of the clock stands for it
    body: BodyRow
    owner: OwnerRow | None
    day: date  # the local day it starts on
    month: int
    kind: str = EventKind.MEETING
    status: str = ClockEvent.Status.ACCEPTED

    @property
    def meeting_id(self) -> int:
        return self.pk

    @property
    def level(self) -> str:
        return self.body.level


def _of_the_year(area: Area, year: int, body_ids: list[int] | None = None) -> QuerySet:
    """The area's meetings of the year that are not cancelled, in time order (the
    clock's, its list's, its rhythm's and its double bookings')."""
    return (
        area_meetings(area, body_ids)
        .filter(starts_at__year=year)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "pk")
    )


def _body_rows(area: Area) -> dict[int, BodyRow]:
    """The area's bodies, ended ones too, by id: read once, shared by their meetings."""
    return {
        pk: BodyRow(level, name)
        for pk, level, name in Body.objects.filter(area=area)
        .order_by()
        .values_list("pk", "level", "name")
    }


def _year_rows(meetings: QuerySet, bodies: dict[int, BodyRow]) -> list[YearMeeting]:
    """The meetings (`slotted` annotated) as rows, in their order, of `bodies`
    (_body_rows). The local day is reckoned by the database and the conveners are read
    once each, not joined to every row: a busy area's year is 1 200 rows, and loading
    two times and three names a row was half the clock page's reading."""
    rows = list(
        meetings.annotate(
            day=TruncDate("starts_at", tzinfo=timezone.get_current_timezone())
        ).values_list("pk", "body_id", "title", "day", "slotted", "convener_id")
    )
    # The conveners by id, none too (0 is no one's): the count of queries is the same.
    owners = {
        pk: OwnerRow(name)
        for pk, name in Organisation.objects.filter(
            AnyOf(F("pk"), sorted({row[5] for row in rows if row[5]}) or [0])
        )
        .order_by()  # a dict: the model's order would join the areas
        .values_list("pk", "name")
    }
    return [
        YearMeeting(
            pk, body_id, title, slotted, bodies[body_id], owners.get(convener_id), day, day.month
        )
        for pk, body_id, title, day, slotted, convener_id in rows
    ]


def year_meetings(area: Area, year: int) -> list[YearMeeting]:
    """The area's meetings of the year that are not cancelled, in time order."""
    bodies = _body_rows(area)
    return _year_rows(
        _of_the_year(area, year, list(bodies)).annotate(
            slotted=Exists(ClockEvent.objects.filter(meeting=OuterRef("pk")))
        ),
        bodies,
    )


@dataclass(slots=True, eq=False)
class Booked:
    """A meeting ahead as the double bookings read it: its body and its times."""

    pk: int
    body_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    day: date  # the local day it starts on


def _ahead(area: Area, year: int, today: date) -> list[Booked]:
    """The area's meetings of the year from `today` on that are not cancelled, in time
    order, with their times."""
    local = to_local()
    since = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    return [
        Booked(pk, body_id, title, starts_at, ends_at, local(starts_at).date())
        for pk, body_id, title, starts_at, ends_at in _of_the_year(area, year)
        .filter(starts_at__gte=since)
        .values_list("pk", "body_id", "title", "starts_at", "ends_at")
    ]


def _overlapping(same_day: list[Booked]) -> list[Booked]:
    """The meetings of one person's day that overlap another of that day."""
    if len(same_day) < 2:
        return []
    return [
        m
        for m in same_day
        if any(o is not m and o.starts_at < m.ends_at and m.starts_at < o.ends_at for o in same_day)
    ]


def conflicts(
    area: Area,
    year: int,
    audience: Audience = PUBLIC,
    meetings: list[YearMeeting] | None = None,
    *,
    rhythm: bool = True,
    today: date | None = None,
) -> Conflicts:
    """People in two meetings at once from `today` on (one that has passed can no
    longer be fixed: a busy area's year has hundreds), and bodies whose planned and held
    meetings fall short of or exceed their yearly rhythm (only if `rhythm`: those who
    plan see it). The public reads the seat's organisation, not the person. `meetings`:
    the year's, if already read (for the rhythm; the double bookings read those ahead
    with their times)."""
    today = today or timezone.localdate()
    double_booked = _double_booked(_ahead(area, year, today), audience)
    if not rhythm:
        return Conflicts(double_booked=double_booked, rhythm=[])
    if meetings is None:
        meetings = year_meetings(area, year)
    return Conflicts(double_booked=double_booked, rhythm=_off_rhythm(area, year, meetings))


def _double_booked(meetings: list[Booked], audience: Audience) -> list[tuple[str, date, list[str]]]:
    """(who, day, the meetings' titles) for each person seated in two meetings that
    overlap on one day."""
    # First from the meetings alone: only someone seated in the bodies of two meetings
    # that overlap on one day can be double-booked, so only those bodies' seats are read.
    by_day = defaultdict(list)
    for meeting in meetings:
        by_day[meeting.day].append(meeting)
    pairs = [
        (one, other)
        for same_day in by_day.values()
        for i, one in enumerate(same_day)
        for other in same_day[i + 1 :]
        if one.starts_at < other.ends_at and other.starts_at < one.ends_at
    ]
    overlapping = {meeting for pair in pairs for meeting in pair}
    # Two queries whatever the pairs, none too (0 is no one's id): what a page reads
    # does not depend on whether its year has a double booking. The seats of the bodies
    # in pairs by id, then the names of those seated in two of them.
    current = Membership.objects.filter(ends_on__isnull=True).order_by()
    members = defaultdict(set)
    for body_id, person_id in current.filter(
        AnyOf(F("body_id"), sorted({m.body_id for m in overlapping}) or [0])
    ).values_list("body_id", "person_id"):
        members[body_id].add(person_id)
    suspects: set[int] = set()
    for one, other in pairs:
        suspects |= members[one.body_id] & members[other.body_id]
    seats = defaultdict(list)
    for body_id, person_id, first, last, organisation in current.filter(
        AnyOf(F("person_id"), sorted(suspects) or [0]),
        AnyOf(F("body_id"), sorted(members) or [0]),
    ).values_list(
        "body_id", "person_id", "person__first_name", "person__last_name", "organisation__name"
    ):
        seats[body_id].append((person_id, audience.seat(f"{first} {last}", organisation)))
    if not pairs:
        return []
    busy = defaultdict(list)
    for meeting in meetings:  # in the year's order
        if meeting in overlapping:
            for person_id, name in seats[meeting.body_id]:
                busy[(person_id, name, meeting.day)].append(meeting)
    double: list[tuple[str, date, list[str]]] = []
    seen: set[tuple[str, date, tuple[str, ...]]] = set()
    for (_person, name, day), same_day in sorted(busy.items(), key=lambda item: item[0][2]):
        at_once = _overlapping(same_day)
        titles = tuple(m.title for m in at_once)
        if len(at_once) > 1 and (name, day, titles) not in seen:
            seen.add((name, day, titles))
            double.append((name, day, list(titles)))
    return double


def _off_rhythm(area: Area, year: int, meetings: list[YearMeeting]) -> list[Shortfall]:
    """The bodies whose planned and held meetings of the year fall short of or exceed
    their yearly rhythm."""
    counts: dict[int, int] = defaultdict(int)
    for meeting in meetings:
        counts[meeting.body_id] += 1
    proposed: dict[int, int] = defaultdict(int)
    for body_id in ClockEvent.objects.filter(
        area=area, year=year, status=ClockEvent.Status.PROPOSED, body__isnull=False
    ).values_list("body_id", flat=True):
        proposed[body_id] += 1
    # The yearly rhythm from values; only the bodies off it are read as rows.
    yearly = defaultdict(list)
    for body_id, low, high in RhythmRule.objects.filter(
        body__area=area, body__ended_on__isnull=True, period="year"
    ).values_list("body_id", "min_count", "max_count"):
        yearly[body_id].append((low, high))
    off = {}
    for body_id, rules in yearly.items():
        low = max(r_low for r_low, _high in rules)
        highs = [h for _low, h in rules if h is not None]
        high = sum(highs) if len(highs) == len(rules) else None
        n = counts[body_id]
        if n < low or (high is not None and n > high):
            off[body_id] = (n, proposed[body_id], low, high)
    ahead = year > timezone.localdate().year
    return [
        Shortfall(body, *off[body.pk], ahead=ahead)
        for body in Body.objects.filter(pk__in=off).order_by("name")
    ]


# What the clock shows: its own events, and meetings that no slot of it stands for.
type OnClock = ClockEvent | YearMeeting


def other_meetings(
    area: Area, year: int, meetings: list[YearMeeting] | None = None, **filters: str
) -> list[YearMeeting]:
    """The year's meetings that no slot of the clock stands for (created by hand, or
    beyond the rhythm), as accepted events: everything planned is on the clock. Without
    filters, from the year's `meetings` if they are already read."""
    if meetings is not None and not any(filters.values()):
        return [m for m in meetings if not m.slotted]
    bodies = _body_rows(area)
    qs = _of_the_year(area, year, list(bodies)).filter(clock_events__isnull=True)
    qs = _filtered(qs, theme_lookup="body__themes", owner="convener", filters=filters)
    return _year_rows(qs.annotate(slotted=Value(False)), bodies)


def clock_context(
    area: Area, year: int, filters: dict[str, str], meetings: list[YearMeeting] | None = None
) -> dict:
    """What the clock page and its printed PDF show of one year, filtered. `meetings`:
    the year's, if already read (the page reads them once for the conflicts too)."""
    event_list: list[OnClock] = sorted(
        [*events(area, year, **filters), *other_meetings(area, year, meetings, **filters)],
        key=lambda e: (e.month, e.day or date(year, e.month, 1), e.title),
    )
    this_year = timezone.localdate().year
    return {
        "year": year,
        "filters": filters,
        "events": event_list,
        "wheel": wheel(area, year, event_list),
        "months": by_month(event_list),
        "bodies": area.bodies.filter(working()).order_by("name").values_list("pk", "name"),
        "levels": Level.choices,
        "themes": area.themes.values_list("pk", "name"),
        "organisations": area.organisations.order_by("name").values_list("pk", "name"),
        "years": range(this_year - 1, this_year + 4),
    }
