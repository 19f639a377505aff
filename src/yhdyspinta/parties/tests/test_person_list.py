from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yhdyspinta.testing.factories import BodyFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_people_list_names_each_persons_seats_of_today_by_the_bodys_name(
    client, django_user_model
):
    """The seats held today, by the body's name; an ended seat is not named."""
    person = PersonFactory()
    area = person.area
    today = timezone.localdate()
    for name in ("Öljyvaltuusto", "Aluetyöryhmä"):
        MembershipFactory(
            body=BodyFactory(area=area, name=name), organisation=person.organisation, person=person
        )
    MembershipFactory(
        body=BodyFactory(area=area, name="Entinen ryhmä"),
        organisation=person.organisation,
        person=person,
        ends_on=today - timedelta(days=1),
    )
    client.force_login(django_user_model.objects.create_superuser("root", "", "x"))
    page = client.get(reverse("parties:people", kwargs={"area": area.slug})).content.decode()
    assert "Aluetyöryhmä; Öljyvaltuusto" in page
    assert "Entinen ryhmä" not in page
