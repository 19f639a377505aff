"""The data report of a person finds every row that holds the person's data: through
the relations to the person row, and through the registry where none leads (forum
registrations, subscriptions and consents kept by the e-mail address or its hash), the
changes of other rows that name the person, and who has viewed the person's data."""

import hashlib

import pytest
from django.urls import reverse

from yhdyspinta.accounts import person_data
from yhdyspinta.accounts.models import AreaRole
from yhdyspinta.communications.services import ERASED_ADDRESS
from yhdyspinta.outreach.models import ConsentRecord, Registration, Subscriber
from yhdyspinta.testing import factories

pytestmark = pytest.mark.django_db


def test_every_holder_of_the_persons_data_is_in_the_report(client):
    seat = factories.MembershipFactory()
    person = seat.person
    person.email = "Tiina.Tutkija@example.org"
    person.save()
    seat.ends_on = seat.starts_on.replace(year=seat.starts_on.year + 1)
    seat.save()  # a second history row of the membership
    forum = factories.ForumFactory(area=person.area, title="Syysfoorumi")
    Registration.objects.create(
        forum=forum, name="Tiina T.", email="tiina.tutkija@example.org", diet="gluteeniton"
    )
    Subscriber.objects.create(area=person.area, email="tiina.tutkija@example.org", name="Tiina")
    ConsentRecord.objects.create(
        area=person.area,
        email_sha256=hashlib.sha256(b"tiina.tutkija@example.org").hexdigest(),
        action=ConsentRecord.Action.values[0],
        wording="Haluan hyte-kirjeen",
        via="lomake",
    )
    admin = factories.UserFactory()
    factories.AreaRoleFactory(user=admin, area=person.area, role=AreaRole.Role.ADMIN)
    client.force_login(admin)
    page = reverse("parties:person", kwargs={"area": person.area.slug, "pk": person.pk})
    assert client.get(page).status_code == 200  # a view of the person's data, logged

    report = person_data.collect(person)
    sections = dict(report.sections)
    by_title = {title: "\n".join(lines) for title, lines in report.sections}
    text = "\n".join(by_title.values())
    assert "Syysfoorumi" in text
    assert "gluteeniton" in text
    assert "Haluan hyte-kirjeen" in text
    assert any("Tiina" in line for line in sections[next(t for t in sections if "tilau" in t)])
    # The changes of the membership that names the person.
    changes = sections["Muiden henkilöä koskevien rivien muutokset"]
    assert "Jäsenyydet: 2" in changes, changes  # the model's Finnish name, no "historical"
    viewers = sections["Ketkä ovat katsoneet henkilön tietoja (uusimmat 200)"]
    assert any(admin.username in line for line in viewers), viewers
    # Every registered holder says what is kept and why.
    assert all(holder.kept for holder in person_data.HOLDERS)
    assert len(person_data.HOLDERS) >= 3


def test_erasure_takes_what_the_law_allows_and_keeps_what_it_requires(client):
    from yhdyspinta.accounts.models import UseLogEntry
    from yhdyspinta.bodies.models import Membership
    from yhdyspinta.communications.models import OutgoingMessage

    seat = factories.MembershipFactory()
    person = seat.person
    person.email = "poistettava@example.org"
    person.phone = "040 765 4321"
    person.save()
    user = factories.UserFactory(username="poistettava")
    person.user = user
    person.save()
    factories.AreaRoleFactory(user=user, area=person.area, role=AreaRole.Role.MEMBER)
    forum = factories.ForumFactory(area=person.area)
    Registration.objects.create(
        forum=forum, name="Poistettava P.", email="poistettava@example.org", diet="vegaani"
    )
    Subscriber.objects.create(area=person.area, email="poistettava@example.org", name="P")
    OutgoingMessage.objects.create(
        area=person.area,
        kind=OutgoingMessage.Kind.ROUND_REQUEST,
        about=person.area,
        recipient="poistettava@example.org",
        subject="Pyyntö",
        body="Hei Poistettava",
    )
    name = person.last_name
    member = factories.UserFactory()
    factories.AreaRoleFactory(user=member, area=person.area, role=AreaRole.Role.MEMBER)
    client.force_login(member)
    url = reverse("accounts:person_erase", kwargs={"area": person.area.slug, "pk": person.pk})
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    admin = factories.UserFactory()
    factories.AreaRoleFactory(user=admin, area=person.area, role=AreaRole.Role.ADMIN)
    client.force_login(admin)
    report = reverse("accounts:person_data", kwargs={"area": person.area.slug, "pk": person.pk})
    assert client.get(report).status_code == 200  # a view of the person's data, logged
    assert UseLogEntry.objects.filter(target__contains=name).exists()
    # A namesake in the same area, whose page was read too, is not the one erased.
    namesake = factories.PersonFactory(
        area=person.area, first_name=person.first_name, last_name=person.last_name
    )
    namesake_page = reverse("parties:person", kwargs={"area": person.area.slug, "pk": namesake.pk})
    assert client.get(namesake_page).status_code == 200
    asked = client.post(url)
    assert "Tätä ei voi perua" in asked.content.decode()  # asks first
    assert client.post(url, {"confirm": "yes"}).status_code == 302

    person.refresh_from_db()
    assert name not in str(person)
    assert (person.email, person.phone, person.user) == ("", "", None)
    assert not person.history.filter(last_name=name).exists()
    assert not person.history.exclude(email="").exists()
    registration = Registration.objects.get(forum=forum)
    assert (registration.email, registration.diet) == ("", "")
    assert not Subscriber.objects.filter(email="poistettava@example.org").exists()
    assert ConsentRecord.objects.filter(action="removed").exists()
    message = OutgoingMessage.objects.get(subject="Pyyntö")
    assert (message.recipient, message.body) == (ERASED_ADDRESS, "")
    assert message.status == OutgoingMessage.Status.FAILED  # it was still queued: not sent
    user.refresh_from_db()
    assert not user.is_active
    assert user.username != "poistettava"
    assert not AreaRole.objects.filter(user=user).exists()
    # Kept by law: the seat, pointing at the anonymised person; the use log.
    assert Membership.objects.filter(pk=seat.pk, person=person).exists()
    assert UseLogEntry.objects.filter(action="erased", area=person.area).exists()
    # The use log stays, but no longer names the person; the namesake's entry stays.
    named = UseLogEntry.objects.filter(target__contains=name)
    assert list(named.values_list("path", flat=True)) == [namesake_page]
