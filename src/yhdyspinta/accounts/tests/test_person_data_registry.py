"""The data report of a person finds every row that holds the person's data: through
the relations to the person row, and through the registry where none leads (forum
registrations, subscriptions and consents kept by the e-mail address or its hash), the
changes of other rows that name the person, and who has viewed the person's data."""

import hashlib

import pytest
from django.urls import reverse

from yhdyspinta.accounts import person_data
from yhdyspinta.accounts.models import AreaRole
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
    assert any(line.endswith(": 2") for line in changes), changes
    viewers = sections["Ketkä ovat katsoneet henkilön tietoja (uusimmat 200)"]
    assert any(admin.username in line for line in viewers), viewers
    # Every registered holder says what is kept and why.
    assert all(holder.kept for holder in person_data.HOLDERS)
    assert len(person_data.HOLDERS) >= 3
