"""Every list page is paged on the server: the same queries whatever the page and
however many rows the area has, and the page's filters kept in the pager's links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yhdyspinta.accounts.models import UseLogEntry
from yhdyspinta.parties.models import Organisation, OrganisationKind, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(demo):
    area = demo["nk"]
    Organisation.objects.bulk_create(
        [
            Organisation(area=area, name=f"Yhdistys {n:03}", kind=OrganisationKind.NGO)
            for n in range(130)
        ]
    )
    Person.objects.bulk_create(
        [Person(area=area, first_name="Testi", last_name=f"Henkilö {n:03}") for n in range(130)]
    )
    UseLogEntry.objects.bulk_create(
        [
            UseLogEntry(area=area, username="paakayttaja", action="view", target=f"Henkilö {n}")
            for n in range(250)
        ]
    )
    return area


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/pohjois-karjala/organisations/?kind=ngo",
        "/pohjois-karjala/people/?q=Testi",
        "/pohjois-karjala/meetings/",
        "/pohjois-karjala/use-log/",
    ],
)
def test_a_list_page_is_paged_with_its_filters(client, login, many, url):
    login("paakayttaja")
    first_count, first = _queries(client, url)
    second_count, _second = _queries(client, url + ("&" if "?" in url else "?") + "page=2")
    assert second_count == first_count
    if "?" in url:
        query = url.split("?", 1)[1]
        assert f'href="?{query}&amp;page=2"' in first  # the filter stays in the pager
    assert 'rel="next"' in first


def test_more_rows_do_not_mean_more_queries(client, login, demo):
    login("paakayttaja")
    before, _page = _queries(client, "/pohjois-karjala/organisations/")
    area = demo["nk"]
    Organisation.objects.bulk_create(
        [
            Organisation(area=area, name=f"Lisä {n:03}", kind=OrganisationKind.NGO)
            for n in range(300)
        ]
    )
    after, page = _queries(client, "/pohjois-karjala/organisations/")
    assert after == before
    assert page.count('<tr>\n    <th scope="row">') <= 50
