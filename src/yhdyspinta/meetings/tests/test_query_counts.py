from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yhdyspinta.bodies.models import Membership
from yhdyspinta.meetings.models import Attendance, Meeting
from yhdyspinta.testing.factories import MeetingFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def grow(meeting: Meeting, n: int = 10) -> None:
    """More members, attendees, agenda items and meetings (minutes still a draft: the
    approved ones are frozen, in the database too)."""
    for i in range(n):
        organisation = OrganisationFactory(area=meeting.body.area, kind="ngo")
        person = PersonFactory(area=meeting.body.area, organisation=organisation)
        Membership.objects.create(
            body=meeting.body, person=person, organisation=organisation, starts_on=date(2020, 1, 1)
        )
        Attendance.objects.create(meeting=meeting, person=person, organisation=organisation)
        meeting.agenda_items.create(order=10 + i, title=f"Lisäasia {i}")
        MeetingFactory(body=meeting.body)


@pytest.mark.parametrize("page", ["meeting", "minutes", "meetings", "obligations", "attendance"])
def test_meeting_pages_do_not_grow_with_rows(client, login, demo, page):
    login("paakayttaja")
    meeting = Meeting.objects.get(title="Eteläinen: lakisääteinen hyte-neuvottelu 2025")
    area = {"area": "pohjois-karjala"}
    urls = {
        "meeting": reverse("meetings:meeting", kwargs={**area, "pk": meeting.pk}),
        "minutes": reverse("meetings:minutes", kwargs={**area, "pk": meeting.minutes.get().pk}),
        "meetings": reverse("meetings:meetings", kwargs=area),
        "obligations": reverse("obligations:dashboard", kwargs=area) + "?year=2025",
        "attendance": reverse("meetings:attendance", kwargs={**area, "pk": meeting.pk}),
    }
    client.get(urls[page])  # process-wide caches (content types) warm up once
    before = queries(client, urls[page])
    grow(meeting)
    assert queries(client, urls[page]) == before


def test_an_areas_meetings_are_read_by_its_bodies_ids_as_one_parameter(demo):
    """`area_meetings` is every meeting of the area's bodies, ended ones' too, and no
    other area's; on PostgreSQL the ids are one array parameter, whatever their number
    (psycopg parses a query of over 50 parameters anew each time)."""
    from yhdyspinta.meetings.selectors import area_meetings
    from yhdyspinta.testing.factories import AreaFactory, BodyFactory

    area = demo["nk"]
    convener = area.organisations.order_by("pk").first()
    BodyFactory.create_batch(60, area=area, convener=convener)
    ours = set(area_meetings(area).values_list("pk", flat=True))
    assert ours == set(Meeting.objects.filter(body__area=area).values_list("pk", flat=True))
    assert ours
    assert not ours & set(Meeting.objects.exclude(body__area=area).values_list("pk", flat=True))
    assert not area_meetings(AreaFactory()).exists()  # no bodies: nothing, no error
    with CaptureQueriesContext(connection) as captured:
        list(area_meetings(area).filter(title__startswith="x"))
    sql = captured.captured_queries[-1]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql.replace("ANY (", "ANY(")
        assert " IN (" not in sql
    else:
        assert sql.count(", ") >= 60  # Django's IN list elsewhere
