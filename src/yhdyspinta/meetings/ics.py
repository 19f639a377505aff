"""iCalendar (RFC 5545) for meetings: invitations, updates and cancellations by e-mail,
and subscribable feeds. Built with the icalendar library."""

import functools
import hashlib
import threading
import zlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language
from icalendar import Calendar, Event, vCalAddress, vText

from yhdyspinta.accounts.visibility import INTERNAL, PUBLIC, Audience
from yhdyspinta.web import public_cache

from .models import Meeting, MeetingStatus

PRODID = "-//Yhdyspinta//Hyte cooperation//FI"
END = b"END:VCALENDAR\r\n"


def new_calendar(method: str | None, name: str | None = None, description: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    return calendar


@dataclass(frozen=True)
class _Facts:
    """Everything an event's lines say, as values: the key of its kept bytes."""

    uid: str
    stamp: datetime
    starts: datetime
    ends: datetime
    sequence: int
    summary: str
    location: str
    url: str
    description: str
    cancelled: bool
    organizer: str
    organizer_name: str
    attendees: tuple[tuple[str, str], ...] = ()


class _Row(NamedTuple):
    """What a feed reads of a meeting, one row of values (a busy area's feed has some
    2 000 meetings: as model instances with their body, area and convener, reading them
    took 110 ms)."""

    pk: int
    uid: object
    starts_at: datetime
    ends_at: datetime
    sequence: int
    title: str
    place: str
    online_link: str
    description: str
    status: str
    updated_at: datetime
    body_name: str
    area_slug: str
    convener_name: str
    convener_email: str


_ROW = (
    *("pk", "uid", "starts_at", "ends_at", "sequence", "title", "place", "online_link"),
    *("description", "status", "updated_at", "body__name", "body__area__slug"),
    *("convener__name", "convener__email"),
)


def _row_of(meeting: Meeting) -> _Row:
    return _Row(
        *(meeting.pk, meeting.uid, meeting.starts_at, meeting.ends_at, meeting.sequence),
        *(meeting.title, meeting.place, meeting.online_link, meeting.description),
        *(meeting.status, meeting.updated_at, meeting.body.name, meeting.body.area.slug),
        *(meeting.convener.name, meeting.convener.email),
    )


@functools.cache
def _meeting_path(area_slug: str) -> tuple[str, str]:
    """A meeting page's address around its id, from one reverse per area."""
    head, tail = reverse("meetings:meeting", kwargs={"area": area_slug, "pk": 0}).rsplit("/0/", 1)
    return head, tail


def _facts(
    row: _Row, audience: Audience, attendees: Iterable, cancelled: bool, stamp: datetime
) -> _Facts:
    head, tail = _meeting_path(row.area_slug)
    url = f"{settings.SITE_URL}{head}/{row.pk}/{tail}"
    return _Facts(
        uid=f"{row.uid}@yhdyspinta",
        stamp=stamp,
        starts=row.starts_at,
        ends=row.ends_at,
        sequence=row.sequence,
        summary=f"{row.body_name}: {row.title}",
        location=audience.location(row),
        url=url,
        description="\n\n".join(p for p in (row.description, url) if p),
        cancelled=cancelled or row.status == MeetingStatus.CANCELLED,
        organizer=f"mailto:{row.convener_email or settings.DEFAULT_FROM_EMAIL}",
        organizer_name=row.convener_name,
        attendees=tuple((f"mailto:{p.email}", str(p)) for p in attendees if p.email),
    )


def _event(facts: _Facts) -> Event:
    event = Event()
    event.add("uid", facts.uid)
    event.add("dtstamp", facts.stamp)
    event.add("dtstart", facts.starts)
    event.add("dtend", facts.ends)
    event.add("sequence", facts.sequence)
    event.add("summary", facts.summary)
    if facts.location:
        event.add("location", facts.location)
    event.add("url", facts.url)
    event.add("description", facts.description)
    event.add("status", "CANCELLED" if facts.cancelled else "CONFIRMED")
    organizer = vCalAddress(facts.organizer)
    organizer.params["cn"] = vText(facts.organizer_name)
    event.add("organizer", organizer)
    for email, name in facts.attendees:
        address = vCalAddress(email)
        address.params["cn"] = vText(name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", address)
    return event


# A feed's events as bytes, kept in the process by what they say (a busy area's feed
# has some 2 000: serialised anew they took 1.5 s; after a write only the changed ones
# are). The key is the whole content, so a kept entry is never out of date.
@functools.lru_cache(maxsize=20_000)
def _event_bytes(facts: _Facts) -> bytes:
    return _event(facts).to_ical()


# A feed's kept events, by what decides whether one still says what its meeting says:
# the meeting's id and updated_at, and when the feed's bodies, conveners and areas last
# changed (every write of these rows goes through save(), which moves updated_at;
# feed_version relies on the same). A renamed body builds its feeds' events anew.
_RELATED = {
    "bodies": Max("body__updated_at"),
    "conveners": Max("convener__updated_at"),
    "areas": Max("body__area__updated_at"),
}
_KEPT_EVENTS: OrderedDict[tuple, bytes] = OrderedDict()
_KEPT_MAX = 20_000
_KEPT_LOCK = threading.Lock()


def _feed_events(
    meetings: QuerySet[Meeting], audience: Audience, related: dict | None = None
) -> Iterator[bytes]:
    """A feed's events in its order. They are read first by id and updated_at only; the
    content (a description can run to pages) is read only of the meetings whose event
    is not kept in this process, so a write rebuilds the events it changed and nothing
    else (a busy area's feed has some 2 000). `related`: the feed's _RELATED, if the
    caller has them."""
    if related is None:
        related = meetings.order_by().aggregate(**_RELATED)
    context = (audience, settings.SITE_URL, *(related[name] for name in _RELATED))
    states = list(meetings.values_list("pk", "updated_at"))
    with _KEPT_LOCK:
        events = {pk: _KEPT_EVENTS.get((pk, updated, context)) for pk, updated in states}
        for pk, updated in states:
            if events[pk] is not None:
                _KEPT_EVENTS.move_to_end((pk, updated, context))
    missing = [pk for pk, event in events.items() if event is None]
    if missing:
        # Most of the feed anew (a first build): the whole queryset rather than a long IN.
        rows = meetings if len(missing) * 2 > len(states) else meetings.filter(pk__in=missing)
        made: dict[tuple, bytes] = {}
        for row in map(_Row._make, rows.values_list(*_ROW)):
            built = _event_bytes(_facts(row, audience, (), False, row.updated_at))
            made[(row.pk, row.updated_at, context)] = built
            events[row.pk] = built
        with _KEPT_LOCK:
            _KEPT_EVENTS.update(made)
            while len(_KEPT_EVENTS) > _KEPT_MAX:
                _KEPT_EVENTS.popitem(last=False)
    # A meeting gone between the two reads (deleted, moved out of the window) is left out.
    return (kept for pk, _updated in states if (kept := events.get(pk)) is not None)


def forget_kept_events() -> None:
    """Forget every feed event this process keeps (for a write that bypassed save(), e.g.
    a queryset update in a test or a data migration; a restart does the same)."""
    with _KEPT_LOCK:
        _KEPT_EVENTS.clear()


def meeting_event(
    meeting: Meeting,
    *,
    audience: Audience = PUBLIC,
    attendees: Iterable = (),
    cancelled: bool = False,
    stamp: datetime | None = None,
) -> Event:
    return _event(
        _facts(_row_of(meeting), audience, attendees, cancelled, stamp or datetime.now(tz=UTC))
    )


def invitation(meeting: Meeting, attendees: Iterable, *, cancel: bool = False) -> bytes:
    """One meeting as an e-mail attachment: METHOD:REQUEST, or METHOD:CANCEL."""
    calendar = new_calendar("CANCEL" if cancel else "REQUEST")
    calendar.add_component(
        meeting_event(meeting, audience=INTERNAL, attendees=attendees, cancelled=cancel)
    )
    return calendar.to_ical()


def feed(
    meetings: QuerySet[Meeting] | Iterable[Meeting],
    name: str,
    all_day: Iterable[tuple] = (),
    *,
    audience: Audience = PUBLIC,
    related: dict | None = None,
    description: str = "",
) -> bytes:
    """A subscribable calendar of meetings (METHOD:PUBLISH), plus all-day entries given
    as (uid, day, summary, category) or (uid, first day, day after the last, summary,
    category), e.g. the annual clock's letters and deadlines (an item known only by its
    month spans the month). Area and body feeds are public addresses: only a person's
    own feed carries links. A queryset is read as rows of values (_Row)."""
    # The calendar's own lines, then its events: the same bytes as adding every event to
    # the calendar, with each meeting's bytes kept by what they say (_event_bytes).
    head = new_calendar("PUBLISH", name, description).to_ical()
    if not head.endswith(END):  # how icalendar ends a calendar; a test pins the bytes
        raise RuntimeError("icalendar ended a calendar unexpectedly")
    # A feed's stamps are when each entry last changed, not the moment of the request:
    # the same feed is then the same bytes, so its ETag holds and a calendar that has it
    # gets 304 (with "now" it changed every second).
    parts = [head[: -len(END)]]
    if isinstance(meetings, QuerySet):
        parts.extend(_feed_events(meetings, audience, related))
    else:
        parts.extend(
            _event_bytes(_facts(row, audience, (), False, row.updated_at))
            for row in map(_row_of, meetings)
        )
    today = datetime.combine(timezone.localdate(), time.min, tzinfo=UTC)
    parts.extend(_all_day_bytes(tuple(entry), today) for entry in all_day)
    parts.append(END)
    return b"".join(parts)


# An all-day entry's bytes, kept by what they say (a busy area's clock has hundreds of
# letters, forums and deadlines over the years).
@functools.lru_cache(maxsize=5_000)
def _all_day_bytes(item: tuple, today: datetime) -> bytes:
    uid, day, *rest = item
    *end, summary, category = rest
    entry = Event()
    entry.add("uid", f"{uid}@yhdyspinta")
    entry.add("dtstamp", today)
    entry.add("dtstart", day)
    if end:
        entry.add("dtend", end[0])
    entry.add("summary", summary)
    entry.add("categories", [category])
    return entry.to_ical()


CONTENT_TYPE = "text/calendar; charset=utf-8"
# A built feed is kept this long at most; a change to any of its meetings makes a new
# key at once, so this only bounds how long an unused one takes room.
FEED_CACHE_SECONDS = 24 * 3600


def feed_state(meetings: QuerySet[Meeting]) -> dict:
    """What a feed's bytes depend on in the data, in one aggregate query: which meetings
    are in it and when each of them, their bodies, conveners and areas last changed.
    Every write of these rows goes through save(), which moves updated_at; a meeting
    gone from the window changes the count and the sum of ids."""
    return meetings.order_by().aggregate(
        count=Count("pk"),
        ids=Sum("pk"),
        sequences=Sum("sequence"),
        meetings=Max("updated_at"),
        **_RELATED,
    )


def feed_version(state: dict, *inputs: object) -> str:
    """A digest of a feed's state, the caller's inputs (the feed's name and all-day
    entries, the audience) and the day (the window and the all-day stamps move with
    it)."""
    key = repr((sorted(state.items()), inputs, get_language(), timezone.localdate()))
    key += settings.SITE_URL
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def feed_response(
    request: HttpRequest,
    meetings: QuerySet[Meeting],
    name: str,
    all_day: Iterable[tuple] = (),
    *,
    audience: Audience = PUBLIC,
    description: str = "",
) -> HttpResponse:
    """A feed as an HTTP answer with a strong ETag computed before anything is built:
    a calendar that has the current feed gets 304 for one aggregate query, and the
    first caller's build is kept in the shared cache under the version (every server
    finds it), so the next caller gets the same bytes without a rebuild."""
    # The public's feeds: the digest of this version of the data is kept too, so that
    # between writes not even its aggregate query runs (web.public_cache).
    kept_key = public_cache.key(request, "feed") if audience == PUBLIC else None
    version = cache.get(kept_key) if kept_key else None
    state = None
    if version is None:
        all_day = list(all_day)
        state = feed_state(meetings)
        version = feed_version(state, name, description, all_day, audience)
        if kept_key:
            cache.set(kept_key, version, settings.PUBLIC_CACHE_SECONDS)
    etag = f'"{version}"'
    headers = HttpResponse(content_type=CONTENT_TYPE)
    headers["ETag"] = etag
    conditional = get_conditional_response(request, etag=etag, response=headers)
    if conditional is not None and conditional is not headers:  # 304 (or 412): it has this
        return conditional
    # Kept compressed: an area's feed at national scale is 370 KB (55 KB compressed), and
    # reading it from the shared cache took 4.2 ms against 1.4 ms with the decompression.
    key = f"ics-feed-z:{version}"
    kept = cache.get(key)
    if kept is None:
        content = feed(
            meetings,
            name,
            list(all_day),
            audience=audience,
            related=state,
            description=description,
        )
        cache.set(key, zlib.compress(content, 1), FEED_CACHE_SECONDS)
    else:
        content = zlib.decompress(kept)
    response = HttpResponse(content, content_type=CONTENT_TYPE)
    response["ETag"] = etag
    return response
