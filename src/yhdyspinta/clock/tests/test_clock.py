import dataclasses
import html
import itertools
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import holidays
import pytest
from django.urls import reverse
from django.utils import timezone

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.accounts.visibility import PUBLIC
from yhdyspinta.bodies.models import Body, Level
from yhdyspinta.clock import selectors, services
from yhdyspinta.clock.models import ClockEvent, EventKind
from yhdyspinta.meetings.models import Meeting
from yhdyspinta.testing.documents import made_document

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(name, kwargs={"area": "pohjois-karjala", **kwargs})


def test_slots_follow_each_bodys_rhythm(demo):
    area = demo["nk"]
    services.clock_generate(access=Access.installation(), area=area, year=2027)
    coordinators = Body.objects.get(area=area, level=Level.COORDINATOR_NETWORK)
    slots = ClockEvent.objects.filter(area=area, year=2027, body=coordinators)
    assert slots.count() == 8  # 6–8 a year: the rhythm's upper bound, so nothing is missed
    assert 7 not in set(slots.values_list("month", flat=True))  # no meetings in July
    follow_up = ClockEvent.objects.filter(
        area=area, year=2027, body__level=Level.STRATEGIC, month=5
    )
    assert follow_up.exists()  # the May follow-up of agreement §10
    assert ClockEvent.objects.filter(area=area, year=2027, kind=EventKind.LETTER).count() == 2
    assert ClockEvent.objects.filter(area=area, year=2027, kind=EventKind.FORUM).count() == 2
    assert (
        services.clock_generate(access=Access.installation(), area=area, year=2027) == 0
    )  # idempotent


def test_a_body_ending_during_the_year_gets_slots_only_before_its_end(client, demo):
    """A body whose end is set for the summer works until then: its spring slots are
    proposed, none from its end day's month on; one that ended before the year has none.
    Its slots keep their numbers, so clearing the end later adds just the missing ones."""
    area = demo["nk"]
    coordinators = Body.objects.get(area=area, level=Level.COORDINATOR_NETWORK)
    coordinators.ended_on = date(2028, 6, 1)
    coordinators.save()
    strategic = Body.objects.filter(area=area, level=Level.STRATEGIC).first()
    strategic.ended_on = date(2028, 1, 1)
    strategic.save()
    services.clock_generate(access=Access.installation(), area=area, year=2028)
    months = sorted(
        ClockEvent.objects.filter(area=area, year=2028, body=coordinators).values_list(
            "month", flat=True
        )
    )
    assert months
    assert max(months) < 6, months
    assert not ClockEvent.objects.filter(area=area, year=2028, body=strategic).exists()
    coordinators.ended_on = None
    coordinators.save()
    assert services.clock_generate(access=Access.installation(), area=area, year=2028) == 8 - len(
        months
    )
    assert ClockEvent.objects.filter(area=area, year=2028, body=coordinators).count() == 8
    # Ending later, it works today: still one to choose on the clock's and the meetings'
    # filters; ended, it is not.
    option = f'<option value="{coordinators.pk}"'
    for ended_on, listed in (
        (timezone.localdate() + timedelta(days=30), True),
        (timezone.localdate(), False),
    ):
        coordinators.ended_on = ended_on
        coordinators.save()
        assert (
            coordinators.pk in dict(selectors.clock_context(area, 2028, {})["bodies"])
        ) == listed
        meetings = client.get(url("meetings:meetings")).content.decode()
        assert (option in meetings) == listed


def test_election_year_brings_the_new_terms_events(demo):
    area = demo["nk"]
    services.clock_generate(access=Access.installation(), area=area, year=2029)
    kinds = set(ClockEvent.objects.filter(area=area, year=2029).values_list("kind", flat=True))
    assert {EventKind.ELECTION, EventKind.TERM, EventKind.ORIENTATION} <= kinds
    assert ClockEvent.objects.filter(area=area, year=2029, title__contains="14").exists()
    services.clock_generate(access=Access.installation(), area=area, year=2027)
    assert not ClockEvent.objects.filter(area=area, year=2027, kind=EventKind.ELECTION).exists()


def test_proposed_dates_avoid_holidays_july_and_booked_people(demo):
    from django.utils import timezone

    area = demo["nk"]
    # Next year, whatever the day: the past is never proposed, so a year already under
    # way has fewer slots.
    year = timezone.localdate().year + 1
    services.clock_generate(access=Access.installation(), area=area, year=year)
    services.propose_dates(access=Access.installation(), area=area, year=year)
    finnish = holidays.Finland(years=year)
    proposed = ClockEvent.objects.filter(area=area, year=year, status="proposed")
    assert proposed.count() > 40
    for event in proposed:
        assert event.day not in finnish
        assert event.day.month != 7
        assert event.day.weekday() in (1, 2, 3)
    # Nobody sits in two proposed meetings on the same day.
    from collections import Counter

    from yhdyspinta.bodies.models import Membership

    seats = Counter()
    for event in proposed:
        for person in Membership.objects.filter(body=event.body, ends_on__isnull=True).values_list(
            "person_id", flat=True
        ):
            seats[(person, event.day)] += 1
    assert max(seats.values()) == 1


def test_accepting_a_proposal_plans_a_meeting(client, login, demo):
    area = demo["nk"]
    services.clock_generate(access=Access.installation(), area=area, year=2027)
    services.propose_dates(access=Access.installation(), area=area, year=2027)
    event = ClockEvent.objects.filter(area=area, year=2027, status="proposed").first()
    login("paakayttaja")
    response = client.post(
        url("clock:action", action="accept") + "?year=2027",
        {"event": event.pk, "day": "2027-02-16"},
    )
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == "accepted"
    assert event.meeting.status == "planned"
    assert event.meeting.starts_at.date() == date(2027, 2, 16)
    bad = client.post(
        url("clock:action", action="accept") + "?year=2027",
        {
            "event": ClockEvent.objects.filter(area=area, year=2027, status="proposed").first().pk,
            "day": "2030-01-01",
        },
        follow=True,
    )
    assert "Valitse päivä vuodelta 2027" in bad.content.decode()
    login("joensuu")
    assert client.post(url("clock:action", action="propose") + "?year=2027").status_code == 403


def test_wheel_is_valid_svg_with_a_list_and_filters(client, demo):
    html = client.get(url("clock:clock") + "?year=2026").content.decode()
    svg = re.search(r'<svg viewBox="0 0 760 760".*?</svg>', html, re.S).group(0)
    root = ET.fromstring(svg)  # noqa: S314 - our own page
    assert root.get("role") == "img"
    assert "tammi" in html
    assert "Kuukausittain" in html
    coordinators = Body.objects.get(area=demo["nk"], level=Level.COORDINATOR_NETWORK)
    filtered = client.get(url("clock:clock"), {"year": 2026, "body": coordinators.pk})
    assert all(e.body_id == coordinators.pk for e in filtered.context["events"])
    import io

    from pypdf import PdfReader

    for paper in ("A4", "A3"):
        pdf = made_document(client, url("clock:pdf"), {"year": 2026, "paper": paper})
        reader = PdfReader(io.BytesIO(pdf.content))
        assert len(reader.pages) <= 6
        first = reader.pages[0].extract_text()
        assert "tammi" in first  # the wheel's month labels are on the first page
        assert "2026" in first


def test_conflicts_show_double_bookings_and_rhythm_gaps(demo):
    found = selectors.conflicts(demo["nk"], 2026, today=date(2026, 1, 1))
    assert found.double_booked  # the demo's operative meetings share county experts on one day
    # Only those ahead: one that has passed can no longer be fixed.
    day = found.double_booked[0][1]
    later = selectors.conflicts(demo["nk"], 2026, today=day + timedelta(days=1))
    assert all(d > day for _name, d, _titles in later.double_booked)
    # The day itself is still ahead, from its local midnight.
    that_day = selectors.conflicts(demo["nk"], 2026, today=day)
    assert any(d == day for _name, d, _titles in that_day.double_booked)
    assert len(later.double_booked) < len(found.double_booked)
    # What is read does not depend on whether there is one (the pages' query counts).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for today in (date(2026, 1, 1), date(2026, 12, 31)):
        meetings = selectors.year_meetings(demo["nk"], 2026)
        with CaptureQueriesContext(connection) as read:
            found = selectors.conflicts(demo["nk"], 2026, meetings=meetings, today=today)
        counts.append((len(read.captured_queries), bool(found.double_booked)))
    assert counts[0][1]
    assert not counts[1][1]
    assert counts[0][0] == counts[1][0]
    bodies = {s.body.name for s in found.rhythm}
    assert "Eteläinen alueen kumppanuusryhmä" in bodies  # no meeting at all in 2026


def test_the_plan_of_a_year_ahead_counts_its_proposals_and_only_planners_see_it(
    client, login, demo
):
    """2027 has not begun and its dates are proposed: no 'double bookings' heading for
    rhythm shortfalls, each body's line counts its proposals, and the public sees none."""
    found = selectors.conflicts(demo["nk"], 2027)
    network = next(s for s in found.rhythm if s.body.name == "Hyte-koordinaattoriverkosto")
    assert network.ahead
    assert network.meetings == 0
    assert network.proposed >= network.low
    assert not network.short
    url = reverse("clock:clock", kwargs={"area": "pohjois-karjala"})
    public = client.get(url, {"year": 2027}).content.decode()
    assert "päällekkäisyydet" not in public
    assert "rytmi" not in public.split('<div class="clock-layout">')[0]
    login("paakayttaja")
    planner = client.get(url, {"year": 2027}).content.decode()
    assert "Vuoden 2027 suunnitelma ja kokousrytmit" in planner
    assert (
        f"Hyte-koordinaattoriverkosto: {network.proposed} ehdotettu, 0 hyväksytty tai pidetty; "
        "rytmi edellyttää 6–8."
    ) in planner


@pytest.mark.parametrize("audience", ["INTERNAL", "PUBLIC"])
def test_double_bookings_are_those_of_every_seat_read_in_full(demo, audience):
    """The clock finds suspects from ids first and reads only their seats; the answer
    is the same as reading every seat's person and organisation (the public sees the
    organisation, the area's users the person), and two meetings on one day that do not
    overlap are no double booking."""
    from collections import defaultdict

    from django.utils import timezone

    from yhdyspinta.accounts import visibility
    from yhdyspinta.bodies.models import Membership
    from yhdyspinta.meetings.models import MeetingStatus

    seen_by = getattr(visibility, audience)
    area = demo["nk"]
    first = Meeting.objects.filter(body__area=area, starts_at__year=2026).first()
    Meeting.objects.create(  # the same body, the same day, after the first has ended
        body=first.body,
        title="Saman päivän toinen kokous",
        starts_at=first.ends_at + timedelta(hours=1),
        ends_at=first.ends_at + timedelta(hours=2),
        convener=first.convener,
    )
    meetings = Meeting.objects.filter(body__area=area, starts_at__year=2026).exclude(
        status=MeetingStatus.CANCELLED
    )
    busy = defaultdict(list)
    for membership in Membership.objects.filter(body__area=area, ends_on__isnull=True):
        for meeting in meetings.filter(body=membership.body):
            day = timezone.localtime(meeting.starts_at).date()
            busy[(membership.person_id, seen_by.member(membership), day)].append(meeting)
    expected = []
    for (_person, name, day), same in sorted(busy.items(), key=lambda item: item[0][2]):
        both = [
            m
            for m in same
            if any(o != m and o.starts_at < m.ends_at and m.starts_at < o.ends_at for o in same)
        ]
        if len(both) > 1 and (name, day, [m.title for m in both]) not in expected:
            expected.append((name, day, [m.title for m in both]))
    found = selectors.conflicts(area, 2026, seen_by, today=date(2026, 1, 1)).double_booked
    assert {(n, d, tuple(sorted(t))) for n, d, t in found} == {
        (n, d, tuple(sorted(t))) for n, d, t in expected
    }
    assert found
    assert not any("Saman päivän toinen kokous" in titles for _name, _day, titles in found)


def test_clock_links_real_meetings(demo):
    linked = ClockEvent.objects.filter(area=demo["nk"], year=2026, meeting__isnull=False)
    assert linked.exists()
    for event in linked:
        assert Meeting.objects.get(pk=event.meeting_id).body_id == event.body_id


def test_clock_feed_has_meetings_and_area_events(client, demo):
    from icalendar import Calendar

    response = client.get(url("clock:feed"))
    events = Calendar.from_ical(response.content).walk("VEVENT")
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "Hyte-kirje (kevät)" in summaries  # the area's own events of the year
    # and the area's meetings as its own feed has them (the nearest ones)
    area_feed = client.get(reverse("meetings:area_feed", kwargs={"area": "pohjois-karjala"}))
    meetings = {str(e["UID"]) for e in Calendar.from_ical(area_feed.content).walk("VEVENT")}
    assert meetings
    assert meetings <= {str(e["UID"]) for e in events}


def test_round_deadlines_are_on_the_clock(demo):
    events = ClockEvent.objects.filter(area=demo["nk"], year=2026, kind=EventKind.DEADLINE)
    titles = set(events.values_list("title", flat=True))
    assert "Nimeämisen määräaika: Kumppanuusryhmien jäsenet 2027–2028" in titles
    assert any(t.startswith("Seurannan määräaika") for t in titles)


def test_events_are_known_by_key_not_by_their_translated_title(demo):
    """Generating in Finnish, then in Swedish (an election year, with translated titles),
    then after renaming a body adds nothing: an event is known by what it is."""
    from django.utils import translation

    area = demo["nk"]
    with translation.override("fi"):
        first = services.clock_generate(access=Access.installation(), area=area, year=2029)
    count = ClockEvent.objects.filter(area=area, year=2029).count()
    assert first == count
    with translation.override("sv"):
        assert services.clock_generate(access=Access.installation(), area=area, year=2029) == 0
    body = Body.objects.filter(area=area, rhythm_rules__isnull=False).first()
    body.name = "Uudelleen nimetty toimielin"
    body.save()
    assert services.clock_generate(access=Access.installation(), area=area, year=2029) == 0
    assert ClockEvent.objects.filter(area=area, year=2029).count() == count
    renamed = ClockEvent.objects.filter(area=area, year=2029, body=body, slot__lt=99)
    assert set(renamed.values_list("title", flat=True)) == {"Uudelleen nimetty toimielin"}


def test_the_same_event_twice_is_refused_by_the_database(demo):
    from django.db import IntegrityError, transaction

    area = demo["nk"]
    services.clock_generate(access=Access.installation(), area=area, year=2027)
    event = ClockEvent.objects.filter(area=area, year=2027).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClockEvent.objects.create(
            area=area, year=2027, month=1, kind=event.kind, title="Toinen otsikko", key=event.key
        )


def test_proposals_are_never_in_the_past_never_close_together_nor_in_holiday_time(demo):
    from yhdyspinta.meetings.calendar import midsummer_eve, unsuitable

    area = demo["nk"]
    services.clock_generate(access=Access.installation(), area=area, year=2027)
    today = date(2027, 5, 20)
    services.propose_dates(access=Access.installation(), area=area, year=2027, today=today)
    proposed = ClockEvent.objects.filter(area=area, year=2027, status="proposed")
    assert proposed.exists()
    assert all(e.day > today for e in proposed)  # the past is not proposed
    unplanned = ClockEvent.objects.filter(area=area, year=2027, kind="meeting", month__lt=5)
    assert all(e.day is None for e in unplanned.filter(meeting__isnull=True))
    for event in proposed:
        assert not unsuitable(event.day), event.day
        assert event.day.weekday() in (1, 2, 3)
    assert not proposed.filter(day__gte=midsummer_eve(2027) - timedelta(days=4), day__month=6)
    by_body = {}
    for event in proposed.order_by("day"):
        by_body.setdefault(event.body_id, []).append(event.day)
    for days in by_body.values():
        for first, second in itertools.pairwise(days):
            assert (second - first).days >= services.MIN_GAP_DAYS, days
    # Run again after time has passed: a proposal now in the past loses its date.
    later = date(2027, 9, 30)
    services.propose_dates(access=Access.installation(), area=area, year=2027, today=later)
    assert not ClockEvent.objects.filter(
        area=area, year=2027, status="proposed", day__lte=later
    ).exists()


def test_an_accepted_negotiation_slot_stays_a_negotiation(demo, django_user_model):

    admin = Access(django_user_model.objects.get(username="paakayttaja"))
    area = demo["nk"]
    services.clock_generate(access=Access.installation(), area=area, year=2027)
    services.propose_dates(
        access=Access.installation(), area=area, year=2027, today=date(2026, 12, 1)
    )
    slot = ClockEvent.objects.filter(
        area=area, year=2027, meeting_kind="negotiation", status="proposed"
    ).first()
    assert slot is not None
    meeting = services.event_accept(access=admin, event=slot)
    assert meeting.kind == "negotiation"
    ordinary = ClockEvent.objects.filter(
        area=area, year=2027, meeting_kind="meeting", status="proposed"
    ).first()
    assert services.event_accept(access=admin, event=ordinary).kind == "meeting"


def test_month_only_items_stay_month_only_and_months_speak_the_language(client, demo):
    from icalendar import Calendar

    area = demo["nk"]
    services.clock_generate(access=Access.installation(), area=area, year=2027)
    feed = Calendar.from_ical(client.get(url("clock:feed")).content)
    letter = next(c for c in feed.walk("VEVENT") if str(c.get("summary")) == "Hyte-kirje (kevät)")
    # Known only by its month: the whole month, not an event on the 1st.
    assert letter["dtstart"].dt == date(letter["dtstart"].dt.year, 3, 1)
    assert letter["dtend"].dt == date(letter["dtstart"].dt.year, 4, 1)
    client.cookies["django_language"] = "sv"
    html = client.get(url("clock:clock"), {"year": 2027}).content.decode()
    assert "Januari" in html
    assert "tammi" not in html


def test_a_meeting_created_by_hand_is_on_the_clock(client, demo):
    from datetime import datetime

    from yhdyspinta.testing.factories import HELSINKI

    area = demo["nk"]
    body = Body.objects.get(area=area, level=Level.COORDINATOR_NETWORK)

    def by_hand(title: str, start: datetime, hours: int) -> None:
        Meeting.objects.create(
            body=body,
            title=title,
            kind="meeting",
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            convener=body.convener,
        )

    by_hand("Ylimääräinen verkostokokous", datetime(2027, 3, 17, 9, tzinfo=HELSINKI), 2)
    html = client.get(url("clock:clock"), {"year": 2027}).content.decode()
    assert "Ylimääräinen verkostokokous" in html
    filtered = client.get(url("clock:clock"), {"year": 2027, "body": body.pk}).context["events"]
    assert any(e.title == "Ylimääräinen verkostokokous" for e in filtered)
    other = Body.objects.exclude(pk=body.pk).filter(area=area).first()
    elsewhere = client.get(url("clock:clock"), {"year": 2027, "body": other.pk}).context["events"]
    assert not any(e.title == "Ylimääräinen verkostokokous" for e in elsewhere)
    # Its day is the local one: half past midnight in Joensuu is the day before in UTC.
    by_hand("Yöllinen verkostokokous", datetime(2027, 3, 18, 0, 30, tzinfo=HELSINKI), 1)
    for query in ({"year": 2027}, {"year": 2027, "body": body.pk}):
        events = client.get(url("clock:clock"), query).context["events"]
        (night,) = [e for e in events if e.title == "Yöllinen verkostokokous"]
        assert (night.day, night.month) == (date(2027, 3, 18), 3)
    (night,) = [m for m in selectors.year_meetings(area, 2027) if m.title.startswith("Yöll")]
    assert night.day == date(2027, 3, 18)


def test_each_area_keeps_its_own_recurring_events(client, login, demo):
    from yhdyspinta.clock.models import AreaEvent

    nk, es = demo["nk"], demo["es"]
    assert AreaEvent.objects.filter(area=nk, title="Hyte-kerroin-työpaja").exists()
    assert not AreaEvent.objects.filter(area=es, title="Hyte-kerroin-työpaja").exists()
    services.clock_generate(access=Access.installation(), area=es, year=2027)
    titles = set(ClockEvent.objects.filter(area=es, year=2027).values_list("title", flat=True))
    assert "Yhteistyömallin toteutumisen arviointi" in titles
    assert "Hyte-kirje (kevät)" not in titles  # North Karelia's, not South Savo's
    login("etelasavo")
    events = reverse("clock:area_events", kwargs={"area": "etela-savo"})
    create = reverse("clock:area_event_create", kwargs={"area": "etela-savo"})
    page = client.get(create)
    assert page.status_code == 200
    saved = client.post(
        create,
        {
            "title": "Järjestöjen hyte-ilta",
            "kind": "forum",
            "month": "3",
            "_form_key": page.context["form_key"],
        },
    )
    assert saved.status_code == 302
    assert saved["Location"] == events
    services.clock_generate(access=Access.installation(), area=es, year=2027)
    added = ClockEvent.objects.get(area=es, year=2027, title="Järjestöjen hyte-ilta")
    assert added.month == 3
    assert added.day is None  # known by its month only
    # Renamed in the app: the year's event follows, nothing is added twice.
    own = AreaEvent.objects.get(area=es, title="Järjestöjen hyte-ilta")
    edit = reverse("clock:area_event_edit", kwargs={"area": "etela-savo", "pk": own.pk})
    form = client.get(edit)
    client.post(
        edit,
        {
            "title": "Järjestöjen hyte-ilta ja messut",
            "kind": "forum",
            "month": "4",
            "_edited_from": form.context["edited_from"],
        },
    )
    assert services.clock_generate(access=Access.installation(), area=es, year=2027) == 0
    added.refresh_from_db()
    assert (added.title, added.month) == ("Järjestöjen hyte-ilta ja messut", 4)
    remove = reverse("clock:area_event_delete", kwargs={"area": "etela-savo", "pk": own.pk})
    assert "Poistetaanko toistuva tapahtuma?" in client.post(remove).content.decode()
    assert AreaEvent.objects.filter(pk=own.pk).exists()  # asked first, nothing removed
    client.post(remove, {"confirm": "yes"})
    assert not AreaEvent.objects.filter(pk=own.pk).exists()
    login("paakayttaja")  # another area's administrator
    assert client.get(edit).status_code in (403, 404)


def test_the_page_reads_the_years_meetings_once_for_the_clock_and_its_conflicts(
    client, demo, django_user_model
):
    """The year's meetings are read once and shared: the wheel and the month list show
    the same meetings, and the conflicts say the same, as when each reads its own. The
    double bookings read the meetings ahead with their times, once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yhdyspinta.accounts.visibility import INTERNAL

    area, year = demo["nk"], 2026
    meetings = selectors.year_meetings(area, year)
    assert meetings
    assert any(m.slotted for m in meetings)
    assert not all(m.slotted for m in meetings)

    def key(event):
        return event.meeting_id

    shared = selectors.other_meetings(area, year, meetings)
    assert [dataclasses.astuple(m) for m in sorted(shared, key=key)] == [
        dataclasses.astuple(m) for m in sorted(selectors.other_meetings(area, year), key=key)
    ]
    assert len(shared) == sum(1 for m in meetings if not m.slotted)
    # A filter is applied by the database, not to the shared rows.
    body = meetings[0].body_id
    assert {e.body_id for e in selectors.other_meetings(area, year, meetings, body=str(body))} <= {
        body
    }
    for audience in (PUBLIC, INTERNAL):
        assert selectors.conflicts(area, year, audience, meetings) == selectors.conflicts(
            area, year, audience
        )
    client.force_login(django_user_model.objects.get(username="paakayttaja"))
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("clock:clock") + f"?year={year}").status_code == 200
    reads = [q["sql"] for q in captured if q["sql"].startswith('SELECT "meetings_meeting"."id"')]
    # The year's once (by day, for the wheel, the list and the rhythm), and those ahead
    # with their times once (the double bookings).
    assert len(reads) == 2, reads
    assert sum('"meetings_meeting"."ends_at"' in sql for sql in reads) == 1, reads


def test_a_secretary_plans_their_own_body_and_accepts_a_month_at_once(client, login, demo):
    """The network's secretary sees and accepts only the network's proposals: one by
    one or all of a month after one confirmation listing the dates; a meeting made from
    a slot is "Kokous 3/2027" at the body's usual place, and the invitation's subject
    names the body once. Building the year stays the administrator's."""
    from yhdyspinta.meetings.services import full_title

    area = demo["nk"]
    network = Body.objects.get(area=area, level=Level.COORDINATOR_NETWORK)
    services.clock_generate(access=Access.installation(), area=area, year=2027)
    services.propose_dates(
        access=Access.installation(), area=area, year=2027, today=date(2026, 12, 1)
    )
    mine = ClockEvent.objects.filter(area=area, year=2027, body=network, status="proposed")
    others = ClockEvent.objects.filter(area=area, year=2027, status="proposed").exclude(
        body=network
    )
    assert mine.exists()
    assert others.exists()
    login("sihteeri")
    tasks = client.get(reverse("areas:my_tasks", kwargs={"area": area.slug}))
    [waiting] = [
        t for ts in tasks.context["groups"].values() for t in ts if "vuoden 2027" in t.title
    ]
    assert waiting.title.startswith(f"{mine.filter(day__gt=timezone.localdate()).count()} ")
    assert waiting.url.endswith("?year=2027")
    page = client.get(waiting.url)
    assert {e.body_id for e in page.context["proposals"]} == {network.pk}
    action = reverse("clock:action", kwargs={"area": area.slug, "action": "generate"})
    assert client.post(f"{action}?year=2027").status_code == 403
    foreign = others.first()
    accept = reverse("clock:action", kwargs={"area": area.slug, "action": "accept"})
    assert client.post(f"{accept}?year=2027", {"event": foreign.pk}).status_code == 403
    month = mine.order_by("day").first().month
    in_month = list(mine.filter(month=month).order_by("day"))
    accept_all = reverse("clock:action", kwargs={"area": area.slug, "action": "accept-all"})
    asked = client.post(f"{accept_all}?year=2027", {"month": month}).content.decode()
    assert "Hyväksytäänkö ehdotetut päivät?" in asked
    for event in in_month:
        assert f"{event.day.day}.{event.day.month}.{event.day.year}" in asked
    done = {"month": month, "confirm": "yes"}
    client.post(f"{accept_all}?year=2027", done)
    client.post(f"{accept_all}?year=2027", done)  # a double click plans nothing twice
    made = Meeting.objects.filter(clock_events__in=in_month)
    assert made.count() == len(in_month)
    assert not others.filter(status="accepted").exists()
    meeting = made.order_by("starts_at").first()
    assert meeting.title == f"Kokous {month}/2027"
    usual = (
        Meeting.objects.filter(body=network, starts_at__year=2026).order_by("-starts_at").first()
    )
    assert meeting.place == usual.place
    assert full_title(meeting) == f"Hyte-koordinaattoriverkosto: Kokous {month}/2027"


def test_the_printed_clock_is_the_wheel_a_page_of_months_and_each_body_once(small_world):
    """A busy year reads on a few pages: the wheel, the year month by month (the area's
    own events by name, the meetings counted) and an annex with each body once and the
    days it meets, not a line for every one of a thousand meetings."""
    import io
    from types import SimpleNamespace

    from pypdf import PdfReader

    from yhdyspinta.clock.documents import _clock_file
    from yhdyspinta.testing import factories

    area = small_world.area
    body = small_world.bodies[Level.WORKING_GROUP]
    for month in range(1, 13):
        for day in (3, 17):
            starts = timezone.make_aware(timezone.datetime(2026, month, day, 9))
            factories.MeetingFactory(
                body=body, title=f"Kokous {month}/{day}", starts_at=starts, status="planned"
            )
    factories.ClockEventFactory(
        area=area, year=2026, month=5, day=date(2026, 5, 20), title="Hyte-foorumi keväällä"
    )
    pdf = _clock_file(
        SimpleNamespace(area=area, params={"year": 2026, "filters": {}, "paper": "A4"})
    )
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == 3
    months, annex = pages[1], pages[2]
    assert "20.5. Hyte-foorumi keväällä" in months
    assert "Kokous 1/3" not in months + annex  # meetings are counted and dated, not listed
    assert annex.count(str(body.name)) == 1
    assert "3.1., 17.1., 3.2." in annex
    assert "24" in annex  # its count of meetings


def test_a_busy_year_names_a_months_first_meetings_and_draws_a_dot_a_week(
    client, demo, monkeypatch
):
    """Beyond WHEEL_MARKS events the wheel draws a ring's week as one dot titled with its
    days and count, and a month names its first MONTH_MEETINGS meetings with a link to
    the page with that month whole (a busy area's year has 1 200 meetings)."""
    from yhdyspinta.clock.templatetags import clock_tags

    monkeypatch.setattr(selectors, "WHEEL_MARKS", 5)
    monkeypatch.setattr(clock_tags, "MONTH_MEETINGS", 1)
    page = client.get(url("clock:clock"), {"year": 2026}).content.decode()
    context = selectors.clock_context(demo["nk"], 2026, {})
    svg = page.split("<svg", 1)[1].split("</svg>", 1)[0]
    dots = re.findall(r"<circle [^>]*><title>([^<]*)</title></circle>", svg)
    assert 0 < len(dots) < len(context["events"])  # a dot a ring's week, not an event
    assert sum(int(re.search(r": (\d+) ", dot).group(1)) for dot in dots) == len(context["events"])
    number, _name, items = max(
        context["months"], key=lambda m: sum(e.kind == "meeting" for e in m[2])
    )
    meetings = [e for e in items if e.kind == "meeting"]
    assert len(meetings) > 1
    section = page.split(f'id="m{number}"', 1)[1].split("</section>", 1)[0]
    link = f"?year=2026&amp;month={number}#m{number}"
    assert f'href="{link}"' in section
    assert f"{len(meetings) - 1} kokousta lisää" in section
    whole = client.get(url("clock:clock"), {"year": 2026, "month": number}).content.decode()
    section = whole.split(f'id="m{number}"', 1)[1].split("</section>", 1)[0]
    assert "lisää" not in section
    for meeting in meetings:  # a slot not yet a meeting has no page of its own
        assert (
            reverse(
                "meetings:meeting", kwargs={"area": "pohjois-karjala", "pk": meeting.meeting_id}
            )
            if meeting.meeting_id
            else html.escape(meeting.title)
        ) in section
