import io
import zlib

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from docx import Document
from icalendar import Calendar
from pypdf import PdfReader

from yhdyspinta.meetings import documents
from yhdyspinta.meetings.models import Meeting, MeetingStatus
from yhdyspinta.parties.feeds import person_feed_token

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


@pytest.fixture
def negotiation(demo):
    return Meeting.objects.get(title="Keskinen: lakisääteinen hyte-neuvottelu 2024")


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.sections[0].header.paragraphs]
    parts += [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_minutes_pdf_and_docx_carry_the_decisions_and_theme_work(negotiation):
    minutes = negotiation.minutes.get()
    for text in (
        pdf_text(documents.minutes_pdf(minutes)),
        docx_text(documents.minutes_docx(minutes)),
    ):
        flat = " ".join(text.split())
        assert "Hyväksytään Pohjois-Karjalan hyte-ohjelma" in flat
        assert "Teematyöskentely" in flat
        assert "Nuorisotyö ja poliisi jalkautuvat" in flat
        assert "Joensuun kaupunki" in flat
        assert "Hyväksynyt puheenjohtaja" in flat


def test_agenda_pdf_and_docx(negotiation):
    for text in (
        pdf_text(documents.agenda_pdf(negotiation)),
        docx_text(documents.agenda_docx(negotiation)),
    ):
        flat = " ".join(text.split())
        assert "ESITYSLISTA" in flat.upper()
        assert "1. Pohjois-Karjalan hyte-ohjelma 2025–2028" in flat
        assert "Ehdotus" in flat


def test_files_are_served_with_the_right_type(client, negotiation):
    area = negotiation.body.area.slug
    pdf = client.get(
        reverse("meetings:agenda_file", kwargs={"area": area, "pk": negotiation.pk, "fmt": "pdf"})
    )
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    minutes = negotiation.minutes.get()
    docx = client.get(
        reverse("meetings:minutes_file", kwargs={"area": area, "pk": minutes.pk, "fmt": "docx"})
    )
    assert docx.status_code == 200
    assert docx.content.startswith(b"PK")


def test_draft_minutes_files_are_not_public(client, demo):
    draft_meeting = Meeting.objects.get(title="Läntinen: lakisääteinen hyte-neuvottelu 2026")
    minutes = draft_meeting.minutes.get()
    url = reverse(
        "meetings:minutes_file", kwargs={"area": "pohjois-karjala", "pk": minutes.pk, "fmt": "pdf"}
    )
    assert client.get(url).status_code == 302  # to log in


def events(response) -> list:
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content).walk("VEVENT")


def test_area_body_and_person_feeds_parse_back(client, demo):
    from yhdyspinta.bodies.selectors import active_memberships
    from yhdyspinta.meetings import selectors

    area = demo["nk"]
    since = selectors.feed_since()
    feed = client.get(reverse("meetings:area_feed", kwargs={"area": area.slug}))
    calendar = Calendar.from_ical(feed.content)
    all_events = calendar.walk("VEVENT")
    # The area's whole feed: its nearest meetings from two weeks back, and it says so.
    nearest = (
        Meeting.objects.filter(
            body__area=area, starts_at__gte=selectors.feed_since(selectors.AREA_FEED_PAST_DAYS)
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "pk")
    )
    assert {str(e["UID"]) for e in all_events} == {
        f"{m.uid}@yhdyspinta" for m in nearest[: selectors.AREA_FEED_EVENTS]
    }
    assert str(calendar["X-WR-CALDESC"]) == selectors.area_feed_description()
    old = Meeting.objects.get(title="Keskinen: lakisääteinen hyte-neuvottelu 2024")
    assert f"{old.uid}@yhdyspinta" not in {str(e["UID"]) for e in all_events}
    recent = Meeting.objects.filter(body__area=area, starts_at__gte=since)
    # Each entry's stamp is when its meeting last changed, so the same feed is the same
    # bytes (and ETag) a second later too.
    stamped = {str(e["UID"]): e.decoded("DTSTAMP") for e in all_events}
    sample = recent.exclude(status=MeetingStatus.CANCELLED).first()
    assert stamped[f"{sample.uid}@yhdyspinta"] == sample.updated_at.replace(microsecond=0)
    # A calendar that has the current feed gets 304 and no body.
    again = client.get(
        reverse("meetings:area_feed", kwargs={"area": area.slug}), HTTP_IF_NONE_MATCH=feed["ETag"]
    )
    assert again.status_code == 304
    negotiation = recent.exclude(status=MeetingStatus.CANCELLED).order_by("starts_at").first()
    body_events = events(
        client.get(
            reverse("meetings:body_feed", kwargs={"area": area.slug, "pk": negotiation.body_id})
        )
    )
    assert f"{negotiation.uid}@yhdyspinta" in {str(e["UID"]) for e in body_events}
    assert (
        len(body_events)
        == negotiation.body.meetings.filter(starts_at__gte=since)
        .exclude(status=MeetingStatus.CANCELLED)
        .count()
    )
    person = active_memberships().filter(body=negotiation.body).first().person
    if person.user is None:  # the link is its account's: a person with one
        person.user = get_user_model().objects.create_user("kalenteri")
        person.save()
    url = reverse("person_feed", kwargs={"token": person_feed_token(person)})
    assert len(url) < 80  # short, stable URLs for calendar clients
    mine = events(client.get(url))
    assert f"{negotiation.uid}@yhdyspinta" in {str(e["UID"]) for e in mine}
    assert client.get(reverse("person_feed", kwargs={"token": "forged"})).status_code == 404


def test_an_areas_feed_is_capped_at_its_nearest_meetings(client, demo, monkeypatch):
    """A busy area has some 2 000 meetings in a year's window: its whole feed carries
    the nearest AREA_FEED_EVENTS from two weeks back (in the order they start), a body's
    feed all of the body's."""
    from yhdyspinta.meetings import selectors

    area = demo["nk"]
    monkeypatch.setattr(selectors, "AREA_FEED_EVENTS", 3)
    nearest = (
        Meeting.objects.filter(
            body__area=area, starts_at__gte=selectors.feed_since(selectors.AREA_FEED_PAST_DAYS)
        )
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at", "pk")
    )
    assert nearest.count() > 3
    feed = events(client.get(reverse("meetings:area_feed", kwargs={"area": area.slug})))
    assert [str(e["UID"]) for e in feed] == [f"{m.uid}@yhdyspinta" for m in nearest[:3]]
    later = nearest[3]
    body_feed = events(
        client.get(reverse("meetings:body_feed", kwargs={"area": area.slug, "pk": later.body_id}))
    )
    assert f"{later.uid}@yhdyspinta" in {str(e["UID"]) for e in body_feed}


def test_a_feed_is_built_once_per_version_and_follows_every_change(
    client, demo, django_assert_max_num_queries
):
    """The built feed is kept under a digest of what it depends on: the next caller (on
    any server) gets the same bytes without a rebuild, a calendar that has it gets 304,
    and a change to a meeting, its body or its convener shows at once."""
    area = demo["nk"]
    url = reverse("meetings:area_feed", kwargs={"area": area.slug})
    first = client.get(url)
    # The area, the nearest meetings' ids, the public version, the digest kept for it,
    # the feed.
    with django_assert_max_num_queries(5) as built_again:
        second = client.get(url)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    # Kept compressed in the shared cache: a national area's feed is 370 KB.
    kept = cache.get(f"ics-feed-z:{first['ETag'].strip(chr(34))}")
    assert zlib.decompress(kept) == first.content
    assert len(kept) < len(first.content) / 2
    assert not any('meetings_meeting"."title' in q["sql"] for q in built_again.captured_queries)
    with django_assert_max_num_queries(4):  # the area, the ids, the public version, the digest
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    meeting = next(m for m in events(first) if m.get("LOCATION"))
    meeting = Meeting.objects.get(uid=str(meeting["UID"]).split("@")[0])
    meeting.title = "Uusi otsikko"
    meeting.save()
    changed = client.get(url)
    assert changed["ETag"] != first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    summaries = {str(e["SUMMARY"]) for e in events(changed)}
    assert f"{meeting.body.name}: Uusi otsikko" in summaries

    meeting.body.name = "Uudelleen nimetty ryhmä"
    meeting.body.save()
    summaries = {str(e["SUMMARY"]) for e in events(client.get(url))}
    assert "Uudelleen nimetty ryhmä: Uusi otsikko" in summaries

    convener = meeting.convener
    convener.name = "Toinen koollekutsuja"
    convener.save()
    organisers = [e["ORGANIZER"] for e in events(client.get(url))]
    assert "Toinen koollekutsuja" in {str(o.params["CN"]) for o in organisers}


def test_a_feed_is_the_calendar_icalendar_makes_and_a_write_renders_only_its_event(db):
    """The feed is composed from each event's bytes kept by what they say: the result is
    byte for byte the calendar icalendar makes of the same events, and after one
    meeting changes only that meeting's event is rendered again."""
    from datetime import date
    from datetime import timedelta as days

    from icalendar import Calendar, Event

    from yhdyspinta.meetings import ics
    from yhdyspinta.testing import factories

    body = factories.BodyFactory()
    start = timezone.now().replace(microsecond=0) + days(days=3)
    meetings = [
        factories.MeetingFactory(body=body, title=f"Kokous {i}", starts_at=start + days(days=i))
        for i in range(5)
    ]
    all_day = [("kello-1", date(2026, 5, 4), "Määräaika", "deadline")]
    made = ics.feed(meetings, "Alue", all_day)

    expected = ics.new_calendar("PUBLISH", "Alue")
    for meeting in meetings:
        expected.add_component(ics.meeting_event(meeting, stamp=meeting.updated_at))
    entry = Event()
    entry.add("uid", "kello-1@yhdyspinta")
    entry.add("dtstamp", ics.datetime.combine(timezone.localdate(), ics.time.min, tzinfo=ics.UTC))
    entry.add("dtstart", date(2026, 5, 4))
    entry.add("summary", "Määräaika")
    entry.add("categories", ["deadline"])
    expected.add_component(entry)
    assert made == expected.to_ical()
    assert len(Calendar.from_ical(made).walk("VEVENT")) == 6

    meetings[2].title = "Siirretty kokous"
    meetings[2].save()
    before = ics._event_bytes.cache_info()
    again = ics.feed(meetings, "Alue", all_day)
    after = ics._event_bytes.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 4)
    assert b"Siirretty kokous" in again


def test_a_feed_reads_the_content_only_of_the_meetings_that_changed(db):
    """A feed of a queryset reads its meetings' state first and the content (the long
    descriptions) only of the events not kept by that state: after one meeting changes,
    one row's content is read and one event rendered, and the feed is byte for byte the
    one built from nothing."""
    from datetime import timedelta as days

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yhdyspinta.meetings import ics
    from yhdyspinta.meetings.selectors import feed_meetings
    from yhdyspinta.testing import factories

    body = factories.BodyFactory()
    start = timezone.now().replace(microsecond=0) + days(days=3)
    meetings = [
        factories.MeetingFactory(body=body, title=f"Kokous {i}", starts_at=start + days(days=i))
        for i in range(6)
    ]
    ics.forget_kept_events()
    first = ics.feed(feed_meetings(body=body), "Ryhmä")
    meetings[3].description = "Uusi esityslistan kuvaus."
    meetings[3].save()
    before = ics._event_bytes.cache_info()
    with CaptureQueriesContext(connection) as queries:
        again = ics.feed(feed_meetings(body=body), "Ryhmä")
    after = ics._event_bytes.cache_info()
    assert after.misses - before.misses == 1
    content = [q["sql"] for q in queries if '"description"' in q["sql"]]
    assert len(content) == 1, content
    assert " IN (" in content[0]
    assert again != first
    assert b"Uusi esityslistan kuvaus." in again
    ics.forget_kept_events()
    ics._event_bytes.cache_clear()
    assert ics.feed(feed_meetings(body=body), "Ryhmä") == again
