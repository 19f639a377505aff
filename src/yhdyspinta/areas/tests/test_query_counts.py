"""List and detail pages make the same number of queries whatever the number of rows
(Decidim #17188: N+1 queries made pages take seconds)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yhdyspinta.bodies.models import Body, Level, Membership
from yhdyspinta.parties.models import NamedRole, Organisation
from yhdyspinta.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(area, body, organisation, n=12):
    """Add n organisations, people, seats, roles and history to the area."""
    for i in range(n):
        new_org = Organisation.objects.create(
            area=area, name=f"Lisäjärjestö {i}", kind="ngo", sub_region=area.sub_regions.first()
        )
        person = PersonFactory(area=area, organisation=new_org)
        Membership.objects.create(
            body=body, person=person, organisation=new_org, starts_on=date(2024, 1, 1)
        )
        colleague = PersonFactory(area=area, organisation=organisation)
        Membership.objects.create(
            body=Body.objects.filter(area=area).exclude(pk=body.pk)[i % 5],
            person=colleague,
            organisation=organisation,
            starts_on=date(2024, 1, 1),
        )
        NamedRole.objects.create(organisation=organisation, kind="communications", person=colleague)
        organisation.post_office = f"Joensuu {i}"
        organisation.save()
        body.description = f"Muutos {i}"
        body.save()


PAGES = [
    ("anonymous", "overview", lambda a, b, o: reverse("areas:overview", kwargs={"area": a.slug})),
    ("anonymous", "bodies", lambda a, b, o: reverse("bodies:bodies", kwargs={"area": a.slug})),
    ("admin", "body", lambda a, b, o: b.get_absolute_url()),
    ("anonymous", "body-public", lambda a, b, o: b.get_absolute_url()),
    (
        "anonymous",
        "organisations",
        lambda a, b, o: reverse("parties:organisations", kwargs={"area": a.slug}),
    ),
    ("admin", "organisation", lambda a, b, o: o.get_absolute_url()),
    ("admin", "people", lambda a, b, o: reverse("parties:people", kwargs={"area": a.slug})),
    ("admin", "person", lambda a, b, o: o.people.first().get_absolute_url()),
    (
        "paakayttaja",
        "counterparts",
        lambda a, b, o: reverse("parties:counterparts", kwargs={"area": a.slug}),
    ),
    (
        "paakayttaja",
        "body-history",
        lambda a, b, o: reverse("bodies:body_history", kwargs={"area": a.slug, "pk": b.pk}),
    ),
    (
        "paakayttaja",
        "organisation-history",
        lambda a, b, o: reverse(
            "parties:organisation_history", kwargs={"area": a.slug, "pk": o.pk}
        ),
    ),
]


@pytest.mark.usefixtures("no_public_cache")
@pytest.mark.parametrize(("user", "name", "build"), PAGES, ids=[p[1] for p in PAGES])
def test_query_count_does_not_grow_with_rows(client, small_world, user, name, build):
    area = small_world.area
    body = small_world.bodies[Level.AREA_PARTNERSHIP]
    organisation = small_world.municipalities[0]
    if user != "anonymous":
        client.force_login(small_world.admin)
    url = build(area, body, organisation)
    before = count_queries(client, url)
    grow(area, body, organisation)
    after = count_queries(client, url)
    assert after == before, f"{name}: {before} queries before, {after} after adding rows"
    assert before <= 20
