"""iCalendar (RFC 5545) for meetings: invitations, updates and cancellations by e-mail,
and subscribable feeds. Built with the icalendar library."""

from collections.abc import Iterable
from datetime import UTC, datetime, time

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from yhdyspinta.accounts.visibility import INTERNAL, PUBLIC, Audience

from .models import Meeting

PRODID = "-//Yhdyspinta//Hyte cooperation//FI"


def new_calendar(method: str | None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def meeting_event(
    meeting: Meeting,
    *,
    audience: Audience = PUBLIC,
    attendees: Iterable = (),
    cancelled: bool = False,
    stamp: datetime | None = None,
) -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@yhdyspinta")
    event.add("dtstamp", stamp or datetime.now(tz=UTC))
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("sequence", meeting.sequence)
    event.add("summary", f"{meeting.body.name}: {meeting.title}")
    location = audience.location(meeting)
    if location:
        event.add("location", location)
    url = settings.SITE_URL + meeting.get_absolute_url()
    event.add("url", url)
    event.add("description", "\n\n".join(p for p in (meeting.description, url) if p))
    cancelled = cancelled or meeting.is_cancelled
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{meeting.convener.email or settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText(meeting.convener.name)
    event.add("organizer", organizer)
    for person in attendees:
        if person.email:
            address = vCalAddress(f"mailto:{person.email}")
            address.params["cn"] = vText(str(person))
            address.params["role"] = vText("REQ-PARTICIPANT")
            event.add("attendee", address)
    return event


def invitation(meeting: Meeting, attendees: Iterable, *, cancel: bool = False) -> bytes:
    """One meeting as an e-mail attachment: METHOD:REQUEST, or METHOD:CANCEL."""
    calendar = new_calendar("CANCEL" if cancel else "REQUEST")
    calendar.add_component(
        meeting_event(meeting, audience=INTERNAL, attendees=attendees, cancelled=cancel)
    )
    return calendar.to_ical()


def feed(
    meetings: Iterable[Meeting],
    name: str,
    all_day: Iterable[tuple] = (),
    *,
    audience: Audience = PUBLIC,
) -> bytes:
    """A subscribable calendar of meetings (METHOD:PUBLISH), plus all-day entries given
    as (uid, day, summary, category) or (uid, first day, day after the last, summary,
    category), e.g. the annual clock's letters and deadlines (an item known only by its
    month spans the month). Area and body feeds are public addresses: only a person's
    own feed carries links."""
    calendar = new_calendar("PUBLISH", name)
    # A feed's stamps are when each entry last changed, not the moment of the request:
    # the same feed is then the same bytes, so its ETag holds and a calendar that has it
    # gets 304 (with "now" it changed every second).
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, audience=audience, stamp=meeting.updated_at))
    today = datetime.combine(timezone.localdate(), time.min, tzinfo=UTC)
    for uid, day, *rest in all_day:
        *end, summary, category = rest
        entry = Event()
        entry.add("uid", f"{uid}@yhdyspinta")
        entry.add("dtstamp", today)
        entry.add("dtstart", day)
        if end:
            entry.add("dtend", end[0])
        entry.add("summary", summary)
        entry.add("categories", [category])
        calendar.add_component(entry)
    return calendar.to_ical()
