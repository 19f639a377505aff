"""My tasks on factory-made rows: a backlog of years is one line with its count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yhdyspinta.accounts.models import AreaRole
from yhdyspinta.accounts.permissions import Access
from yhdyspinta.overview.my_work import SHOWN, tasks_for
from yhdyspinta.testing.factories import (
    AreaRoleFactory,
    BodyFactory,
    MeetingFactory,
    MinutesFactory,
)

pytestmark = pytest.mark.django_db


def test_a_backlog_of_minutes_is_the_oldest_few_and_a_count_linking_to_the_rest(client):
    body = BodyFactory()
    area = body.area
    start = timezone.now() - timedelta(days=800)
    for n in range(SHOWN + 25):
        meeting = MeetingFactory(
            body=body,
            status="minutes_drafted",
            starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=2),
        )
        MinutesFactory(meeting=meeting)
    # A correction of published minutes is listed whatever its age; another body's
    # meeting is not the secretary's.
    early, late = start - timedelta(days=5), start - timedelta(days=5, hours=-2)
    published = MeetingFactory(body=body, status="published", starts_at=early, ends_at=late)
    correction = MinutesFactory(meeting=published, version=2)
    other_body = BodyFactory(area=area)
    MinutesFactory(
        meeting=MeetingFactory(
            body=other_body, status="minutes_drafted", starts_at=early, ends_at=late
        )
    )
    admin = AreaRoleFactory(area=area, role=AreaRole.Role.ADMIN).user
    client.force_login(admin)
    secretary = AreaRoleFactory(area=area, role=AreaRole.Role.BODY_SECRETARY, body=body).user

    tasks = [t for t in tasks_for(Access(secretary), area) if "minutes" in t.url]

    assert len(tasks) == 1 + SHOWN + 1
    assert f"/minutes/{correction.pk}/" in tasks[0].url
    oldest = tasks[1]
    assert oldest.late  # the oldest first: they are the most overdue
    more = tasks[-1]
    assert more.title.startswith("25 ")
    assert more.url.endswith(f"?status=minutes_drafted&body={body.pk}")
    listed = client.get(more.url)
    assert listed.status_code == 200
    # The list the line links to holds exactly the ten listed and the 25 it counts.
    assert listed.context["page_obj"].paginator.count == SHOWN + 25
    # The administrator's line counts every body's, and links to every body's.
    [line] = [t for t in tasks_for(Access(admin), area) if "status=" in t.url]
    assert line.url.endswith("?status=minutes_drafted")
    everything = client.get(line.url)
    assert everything.context["page_obj"].paginator.count == SHOWN + 25 + 1
    assert line.title.startswith("26 ")
    # The heading counts what waits: the ten listed, the correction and the 26 behind the
    # line (not the twelve lines).
    page = client.get(reverse("areas:my_tasks", kwargs={"area": area.slug}))
    assert page.context["groups"]["Kokoukset"].waiting >= SHOWN + 1 + 26
    assert f'Kokoukset <span class="muted">({page.context["groups"]["Kokoukset"].waiting})' in (
        page.content.decode()
    )


def test_a_months_invitations_are_the_nearest_few_and_a_count(client):
    """A busy area plans a hundred meetings a month: the invitations to send are the
    SHOWN nearest and one line counting the rest, linking to the planned meetings."""
    body = BodyFactory()
    area = body.area
    start = timezone.now() + timedelta(days=2)
    for n in range(SHOWN + 7):
        MeetingFactory(
            body=body,
            status="planned",
            starts_at=start + timedelta(hours=3 * n),
            ends_at=start + timedelta(hours=3 * n + 1),
        )
    admin = AreaRoleFactory(area=area, role=AreaRole.Role.ADMIN).user
    tasks = [t for t in tasks_for(Access(admin), area) if "/meetings/" in t.url]
    invitations = [t for t in tasks if "status=" not in t.url]
    assert len(invitations) == SHOWN
    assert [t.due for t in invitations] == sorted(t.due for t in invitations)
    [more] = [t for t in tasks if "status=planned" in t.url]
    assert more.title.startswith("7 ")
    client.force_login(admin)
    listed = client.get(more.url)
    # The planned meetings ahead: the ten listed, the seven counted.
    assert listed.context["upcoming_pager"]["page_obj"].paginator.count == SHOWN + 7


def test_attendance_to_record_counts_what_no_one_status_names():
    """Meetings past whose attendance is not recorded are held, or still planned or
    invited: the line counting the rest says what it counts and links to the list
    unfiltered by status (a status would leave some of them out)."""
    body = BodyFactory()
    area = body.area
    start = timezone.now() - timedelta(days=60)
    for n in range(SHOWN + 4):
        MeetingFactory(
            body=body,
            status="held" if n % 2 else "invited",
            starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=2),
        )
    admin = AreaRoleFactory(area=area, role=AreaRole.Role.ADMIN).user
    tasks = [t for t in tasks_for(Access(admin), area) if "/attendance/" in t.url]
    assert len(tasks) == SHOWN
    [more] = [t for t in tasks_for(Access(admin), area) if t.count == 4]
    assert "status=" not in more.url
    assert more.title.startswith("4 ")
