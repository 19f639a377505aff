"""The archive and the news feed cost the same number of queries whatever the number of
letters, forums and minutes the area has published (the national set's busiest area has
hundreds; each row's address used to read its area again)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yhdyspinta.testing.factories import (
    AreaFactory,
    BodyFactory,
    ForumFactory,
    LetterFactory,
    MeetingFactory,
    MinutesFactory,
)

pytestmark = pytest.mark.django_db


def publish(area, count: int) -> None:
    body = BodyFactory(area=area)
    now = timezone.now()
    for n in range(count):
        LetterFactory(area=area, status="sent", publish=True, sent_at=now - timedelta(days=n))
        ForumFactory(area=area, published=True)
        meeting = MeetingFactory(body=body, status="published")
        MinutesFactory(meeting=meeting, status="approved", published_at=now - timedelta(days=n))


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url)
    assert answer.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["outreach:letters", "outreach:feed"])
def test_the_archive_and_the_feed_do_not_grow_with_what_was_published(client, settings, page):
    settings.PUBLIC_CACHE_SECONDS = 0  # built every time, as the first visitor after a write
    few, many = AreaFactory(slug="vahan"), AreaFactory(slug="paljon")
    publish(few, 2)
    publish(many, 30)
    assert queries(client, reverse(page, kwargs={"area": "paljon"})) == queries(
        client, reverse(page, kwargs={"area": "vahan"})
    )
