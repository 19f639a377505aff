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
    admin = AreaRoleFactory(area=area, role=AreaRole.Role.ADMIN).user

    tasks = [t for t in tasks_for(Access(admin), area) if "minutes" in t.url or "status=" in t.url]

    assert len(tasks) == SHOWN + 1
    oldest = tasks[0]
    assert oldest.late  # the oldest first: they are the most overdue
    more = tasks[-1]
    assert more.title.startswith("25 ")
    assert more.url.endswith("?status=minutes_drafted")
    listed = client.get(more.url)
    assert listed.status_code == 200
    assert listed.context["page_obj"].paginator.count == SHOWN + 25
    everything = client.get(reverse("meetings:meetings", kwargs={"area": area.slug}))
    assert everything.context["page_obj"].paginator.count == SHOWN + 25
    other = client.get(more.url.replace("minutes_drafted", "published"))
    assert other.context["page_obj"].paginator.count == 0
