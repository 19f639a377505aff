"""Every list page is paged and filtered in the database: bodies, meetings (and their
public minutes) and an object's change history. A page's queries do not grow with the
rows, and the filters really narrow the rows."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yhdyspinta.bodies.models import Body
from yhdyspinta.core import paging
from yhdyspinta.meetings.models import Meeting
from yhdyspinta.testing.factories import BodyFactory, MeetingFactory

pytestmark = [pytest.mark.django_db, pytest.mark.pages]
AREA = {"area": "pohjois-karjala"}


def get(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_bodies_are_paged_and_filtered(client, login, demo):
    login("paakayttaja")
    url = reverse("bodies:bodies", kwargs=AREA)
    get(client, url)  # process-wide caches warm up once
    _html, before = get(client, url)
    for number in range(paging.PER_PAGE + 5):
        BodyFactory(area=demo["nk"], name=f"Kokeiluryhmä {number:03}", level="working_group")
    html, after = get(client, url)
    assert after == before
    total = Body.objects.filter(area=demo["nk"]).count()
    assert f"Sivu 1 / 2 (yhteensä {total})" in html
    assert html.count('<th scope="row">') == paging.PER_PAGE
    second, _queries = get(client, url, page=2)
    assert second.count('<th scope="row">') == total - paging.PER_PAGE

    found, _queries = get(client, url, q="Kokeiluryhmä 007")
    assert found.count('<th scope="row">') == 1
    assert "Kokeiluryhmä 007" in found
    only_level, _queries = get(client, url, level="working_group", q="Kokeiluryhmä")
    assert "Kokeiluryhmä 000" in only_level
    none, _queries = get(client, url, level="strategic", q="Kokeiluryhmä")
    assert "Kokeiluryhmä 0" not in none
    assert "Rajausta vastaavia toimielimiä ei löytynyt." in none


def test_ended_bodies_filter(client, login, demo):
    login("paakayttaja")
    url = reverse("bodies:bodies", kwargs=AREA)
    BodyFactory(area=demo["nk"], name="Lakannut ryhmä", ended_on=timezone.localdate())
    ended, _queries = get(client, url, state="ended")
    assert "Lakannut ryhmä" in ended
    working, _queries = get(client, url, state="current")
    assert "Lakannut ryhmä" not in working


def test_htmx_gets_only_the_body_table(client, demo):
    url = reverse("bodies:bodies", kwargs=AREA)
    html = client.get(url, {"q": "hyte"}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html
    assert 'class="data"' in html


def test_meetings_filtered_by_search_year_and_public_minutes(client, demo):
    url = reverse("meetings:meetings", kwargs=AREA)
    body = Body.objects.filter(area=demo["nk"]).first()
    long_ago = timezone.now() - timedelta(days=3 * 365)
    MeetingFactory(body=body, title="Vanha kokous kirjastossa", starts_at=long_ago)
    html, _queries = get(client, url, q="kirjastossa")
    assert "Vanha kokous kirjastossa" in html
    year, _queries = get(client, url, year=long_ago.year, q="Vanha kokous")
    assert "Vanha kokous kirjastossa" in year
    other, _queries = get(client, url, year=long_ago.year - 1, q="Vanha kokous")
    assert "Vanha kokous kirjastossa" not in other
    public, _queries = get(client, url, published="on")
    assert "Vanha kokous kirjastossa" not in public
    with_minutes = Meeting.objects.filter(
        body__area=demo["nk"], status="published", minutes__status="approved"
    )
    assert with_minutes.exists()
    assert f"(yhteensä {with_minutes.distinct().count()})" in public
    # A malformed filter is left out; the others still apply.
    bad, _queries = get(client, url, year="viime vuonna", q="kirjastossa")
    assert "Vanha kokous kirjastossa" in bad


def test_history_is_paged_with_constant_queries(client, login, demo):
    login("paakayttaja")
    # A history of one kind of change: how many names a page looks up depends on which
    # kinds of fields changed (one query per related model), not on how many records.
    body = BodyFactory(area=demo["nk"], name="Historiaryhmä")
    url = reverse("bodies:body_history", kwargs={**AREA, "pk": body.pk})
    body.description = "Kuvaus 0"
    body.save()
    get(client, url)
    _html, before = get(client, url)
    for number in range(1, paging.PER_PAGE + 3):
        body.description = f"Kuvaus {number}"
        body.save()
    html, after = get(client, url)
    assert after == before
    assert html.count("<tr>") == paging.PER_PAGE + 1  # the header and one page
    # The newest first; each entry shows what changed against the record before it,
    # the last of the page too (compared with the first of the next page).
    assert f"Kuvaus {paging.PER_PAGE + 2}" in html
    last, _queries = get(client, url, page=2)
    assert "Kuvaus 0" in last
    assert "Kuvaus 2" in last


def test_upcoming_meetings_are_paged_apart_from_the_past(client, demo):
    url = reverse("meetings:meetings", kwargs=AREA)
    body = Body.objects.filter(area=demo["nk"]).first()
    soon = timezone.now() + timedelta(days=30)
    # One upcoming meeting whatever the day (the demo's own are fixed dates that pass).
    MeetingFactory(body=body, title="Tuleva", starts_at=soon - timedelta(days=1))
    get(client, url)
    _html, before = get(client, url)
    for number in range(paging.PER_PAGE + 2):
        MeetingFactory(
            body=body, title=f"Tuleva {number:03}", starts_at=soon + timedelta(hours=number)
        )
    html, after = get(client, url)
    assert after == before
    assert "Tuleva 000" in html
    last = f"Tuleva {paging.PER_PAGE + 1:03}"
    assert last not in html
    assert 'aria-label="Tulevien kokousten sivut"' in html
    later, _queries = get(client, url, ahead=2, page=1)
    assert last in later
    assert "ahead=2" in later  # the past list's pager keeps the other list's page
