"""The public cache (web.public_cache): a visitor who is not logged in gets the kept copy
of a public page or API answer between writes, a new one as soon as a write is
committed however it was made, and always their own CSRF token."""

import re
import threading

import pytest
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yhdyspinta.parties.models import Organisation
from yhdyspinta.testing import factories
from yhdyspinta.web import public_cache

# These commit, as the app does: on SQLite, the flush after a committing test cannot
# empty the demo's approved minutes (the freeze triggers refuse), so, like the other
# committing tests, they run on PostgreSQL.
committing = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="committing tests run on PostgreSQL"
)
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.mark.parametrize(
    ("sql", "changes"),
    [
        ('INSERT INTO "parties_organisation" ("name") VALUES (%s)', True),
        ('UPDATE "meetings_meeting" SET "title" = %s', True),
        ('DELETE FROM "bodies_membership" WHERE "id" = %s', True),
        ("TRUNCATE parties_organisation, bodies_body", True),
        ("WITH moved AS (SELECT 1) UPDATE clock_clockevent SET day = 2", True),
        ('SELECT "parties_organisation"."id" FROM "parties_organisation"', False),
        ('SELECT 1 FROM "meetings_meeting" FOR UPDATE', False),
        ('SAVEPOINT "s1"', False),
        ('UPDATE "yhdyspinta_cache" SET "value" = %s', False),
        ('DELETE FROM "django_session" WHERE "session_key" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('UPDATE "django_tasks_database_dbtaskresult" SET "status" = %s', False),
        ('UPDATE "accounts_apitoken" SET "last_used_at" = %s', False),
        ('UPDATE "auth_user" SET "last_login" = %s', False),
    ],
)
def test_which_statements_change_the_data(sql, changes):
    assert public_cache._changes_data(sql) is changes


@pytest.fixture
def area(transactional_db):
    area = factories.AreaFactory()
    factories.OrganisationFactory(area=area, name="Ensimmäinen yhdistys")
    return area


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@committing
def test_the_public_gets_the_kept_page_until_a_write_is_committed(area):
    url = reverse("parties:organisations", kwargs={"area": area.slug})
    visitor = Client()
    with CaptureQueriesContext(connection) as built:
        assert "Ensimmäinen yhdistys" in _page(visitor, url)
    with CaptureQueriesContext(connection) as kept:
        _page(visitor, url)
    assert len(kept) < len(built)
    assert len(kept) <= 4  # the area, the version, the page

    # A change the wrapper does not see (as if made in another database) is not shown:
    # the page comes from the copy.
    connection.execute_wrappers.remove(public_cache._track)
    try:
        Organisation.objects.filter(area=area).update(name="Ohi mennyt nimi")
    finally:
        connection.execute_wrappers.append(public_cache._track)
    assert "Ohi mennyt nimi" not in _page(visitor, url)

    # A bulk update outside a transaction (no save(), no signal) is seen at once.
    Organisation.objects.filter(area=area).update(name="Toinen nimi")
    assert "Toinen nimi" in _page(visitor, url)

    # An update that matches no row, or a write rolled back, changes nothing; a
    # committed write is seen by the next visitor.
    version = public_cache.version()
    Organisation.objects.filter(area=area, name="Ei ketään").update(name="Ei muutu")
    assert public_cache.version() == version
    with transaction.atomic():
        factories.OrganisationFactory(area=area, name="Peruttu yhdistys")
        transaction.set_rollback(True)
    assert public_cache.version() == version
    with transaction.atomic():
        factories.OrganisationFactory(area=area, name="Uusi yhdistys")
        assert public_cache.version() is None  # written, not committed: no copy used
    assert public_cache.version() != version
    assert "Uusi yhdistys" in _page(Client(), url)

    # Raw SQL too.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE parties_organisation SET name = %s WHERE name = %s",
            ["Raaka nimi", "Uusi yhdistys"],
        )
    assert "Raaka nimi" in _page(visitor, url)


@committing
def test_each_visitor_gets_their_own_csrf_token_on_a_kept_page(area):
    url = reverse("parties:organisations", kwargs={"area": area.slug})
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(url)
    second_page = second.get(url)  # from the copy
    assert public_cache.CSRF_PLACEHOLDER.encode() not in second_page.content
    tokens = {TOKEN.search(page.content).group(1) for page in (first_page, second_page)}
    assert len(tokens) == 2
    switched = second.post(
        reverse("set_language"),
        {
            "language": "sv",
            "next": url,
            "csrfmiddlewaretoken": TOKEN.search(second_page.content).group(1).decode(),
        },
    )
    assert switched.status_code == 302
    assert '<html lang="sv">' in _page(second, url)  # a language has a copy of its own
    assert '<html lang="fi">' in _page(first, url)


@committing
def test_a_logged_in_user_never_gets_the_public_copy(area):
    url = reverse("parties:organisations", kwargs={"area": area.slug})
    _page(Client(), url)
    user = factories.UserFactory()
    member = Client()
    member.force_login(user)
    logout = f'action="{reverse("logout")}"'
    assert logout in _page(member, url)
    assert logout not in _page(Client(), url)


@committing
def test_the_api_keeps_the_public_answer_between_writes(area):
    url = f"/api/v1/areas/{area.slug}/organisations"
    assert Client().get(url).json()["count"] == 1
    connection.execute_wrappers.remove(public_cache._track)
    try:
        factories.OrganisationFactory(area=area, name="Näkymätön")
    finally:
        connection.execute_wrappers.append(public_cache._track)
    assert Client().get(url).json()["count"] == 1  # the kept answer
    factories.OrganisationFactory(area=area, name="Näkyvä")
    assert Client().get(url).json()["count"] == 3


def _in_another_connection(write) -> None:
    """A write from another connection, as another server or the worker would make it,
    which then says nothing more (no next statement, no request end)."""

    def run():
        try:
            write()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


@committing
def test_a_page_built_while_another_commits_is_not_kept_past_the_commit(area):
    """Two people at once: a visitor's page is built from the old rows while an
    administrator's change commits. That copy is kept under the version it began with,
    which the commit has replaced, so the next visitor gets the change."""
    url = reverse("parties:organisations", kwargs={"area": area.slug})

    def built_while_another_commits():
        stale = HttpResponse(", ".join(Organisation.objects.values_list("name", flat=True)))
        _in_another_connection(
            lambda: Organisation.objects.filter(area=area).update(name="Samaan aikaan")
        )
        return stale

    request = RequestFactory().get(url)
    stale = public_cache.page(request, built_while_another_commits)
    assert "Samaan aikaan" not in stale.content.decode()
    assert "Samaan aikaan" in _page(Client(), url)


@committing
def test_a_write_in_one_area_leaves_the_other_areas_kept_pages(area, client):
    """A change made through one area's pages renews that area's public pages and those
    of no one area (the home page lists the areas); another area's kept pages stay, so
    that its visitors do not pay for a write they do not see. A write made outside any
    area's pages (the worker, a command) renews every page."""
    other = factories.AreaFactory(name="Toinen alue")
    factories.OrganisationFactory(area=other, name="Toisen alueen yhdistys")
    ours = reverse("parties:organisations", kwargs={"area": area.slug})
    theirs = reverse("parties:organisations", kwargs={"area": other.slug})
    client.force_login(factories.UserFactory(is_superuser=True))  # a login is no change
    visitor = Client()
    _page(visitor, ours), _page(visitor, theirs), _page(visitor, "/")
    kept = {url: public_cache.key(_resolved(url), "page") for url in (ours, theirs, "/")}
    client.force_login(factories.UserFactory(is_superuser=True))
    assert public_cache.key(_resolved(ours), "page") == kept[ours]

    create = reverse("areas:theme_create", kwargs={"area": area.slug})
    response = client.post(create, {"name": "Uusi teema", "description": "", "order": 0})
    assert response.status_code == 302, response.content.decode()[:2000]

    now = {url: public_cache.key(_resolved(url), "page") for url in (ours, theirs, "/")}
    assert now[theirs] == kept[theirs]
    assert now[ours] != kept[ours]
    assert now["/"] != kept["/"]

    Organisation.objects.filter(area=other).update(name="Komennon nimi")  # no area's page
    assert "Komennon nimi" in _page(visitor, theirs)


def _resolved(url: str):
    from django.urls import resolve

    request = RequestFactory().get(url)
    request.resolver_match = resolve(url)
    return request


def test_an_address_that_names_no_area_keeps_no_version_for_ever(client, db, settings):
    """An API address may name anything as its area: what could not be a slug gets no
    area version at all (the key would not be valid), and a slug that names no area gets
    one that expires, so that such requests cannot fill the cache for good."""
    from datetime import UTC, timedelta

    from django.utils import timezone

    settings.PUBLIC_CACHE_SECONDS = 300
    assert client.get("/api/v1/areas/%C3%8D%03x").status_code == 404
    assert client.get("/api/v1/areas/ei-ole-aluetta").status_code == 404
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cache_key, expires FROM yhdyspinta_cache WHERE cache_key LIKE %s",
            ["%version:area:%"],
        )
        rows = cursor.fetchall()
    assert [key.rsplit(":", 1)[1] for key, _expires in rows] == ["ei-ole-aluetta"]
    expires = rows[0][1]
    if timezone.is_naive(expires):
        expires = expires.replace(tzinfo=UTC)
    assert expires < timezone.now() + timedelta(days=2)
