"""The personal calendar link: only its owner sees it; it shows the meetings of the
bodies where the person has a seat now; the owner renews it (the old links stop) or
turns it off; it expires; an account that is no longer active has no feed."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from yhdyspinta.accounts.models import AreaRole
from yhdyspinta.parties.feeds import person_feed_token
from yhdyspinta.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client):
    seat = factories.MembershipFactory(starts_on=date(2024, 1, 1))
    person = seat.person
    user = factories.UserFactory()
    person.user = user
    person.save()
    factories.AreaRoleFactory(user=user, area=person.area, role=AreaRole.Role.MEMBER)
    soon = timezone.now() + timedelta(days=10)
    factories.MeetingFactory(
        body=seat.body, title="Nykyinen ryhmä", starts_at=soon, status="planned"
    )
    # A body the person has left: its meetings are no longer theirs.
    left = factories.MembershipFactory(
        person=person,
        organisation=seat.organisation,
        body=factories.BodyFactory(area=person.area),
        starts_on=date(2023, 1, 1),
        ends_on=timezone.localdate() - timedelta(days=1),
    )
    factories.MeetingFactory(
        body=left.body, title="Entinen ryhmä", starts_at=soon, status="planned"
    )
    client.force_login(user)
    return person


def _feed(client, person) -> str:
    return reverse("person_feed", kwargs={"token": person_feed_token(person)})


def _shown(page: str) -> str:
    """The personal link a page shows (signed with the second it was made in, so not
    compared with one made again in the test)."""
    links = set(re.findall(r"/calendar/[^\"<\s]+\.ics", page))
    assert len(links) == 1, links
    return links.pop()


def test_the_feed_shows_only_the_seats_of_now(client, owner):
    text = client.get(_feed(client, owner)).content.decode()
    assert "Nykyinen ryhmä" in text
    assert "Entinen ryhmä" not in text


def test_the_owner_renews_the_link_and_turns_it_off(client, owner):
    page = reverse("parties:person", kwargs={"area": owner.area.slug, "pk": owner.pk})
    old = _shown(client.get(page).content.decode())
    assert client.get(old).status_code == 200
    action = reverse(
        "parties:person_calendar_link", kwargs={"area": owner.area.slug, "pk": owner.pk}
    )
    renewed = client.post(action, {"action": "renew"}, follow=True).content.decode()
    assert "linkit eivät enää toimi" in renewed
    new = _shown(renewed)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    off = client.post(action, {"action": "off"}, follow=True).content.decode()
    assert "Kalenterilinkkisi on pois päältä" in off
    assert client.get(new).status_code == 404
    # The history never holds the key.
    assert not hasattr(owner.history.model, "calendar_key")


def test_nobody_else_renews_or_sees_someone_elses_link(client, owner):
    other = factories.UserFactory()
    factories.AreaRoleFactory(user=other, area=owner.area, role=AreaRole.Role.ADMIN)
    client.force_login(other)
    page = reverse("parties:person", kwargs={"area": owner.area.slug, "pk": owner.pk})
    assert "/calendar/" not in client.get(page).content.decode()
    action = reverse(
        "parties:person_calendar_link", kwargs={"area": owner.area.slug, "pk": owner.pk}
    )
    assert client.post(action, {"action": "renew"}).status_code == 403


def test_the_link_expires_and_a_closed_account_has_none(client, owner, settings):
    url = _feed(client, owner)
    assert client.get(url).status_code == 200
    age = timedelta(days=settings.CALENDAR_LINK_DAYS)
    with time_machine.travel(timezone.now() + age - timedelta(minutes=1)):
        assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + age + timedelta(minutes=1)):
        assert client.get(url).status_code == 404
    owner.user.is_active = False
    owner.user.save()
    assert client.get(url).status_code == 404
