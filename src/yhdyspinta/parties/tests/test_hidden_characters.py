"""A name may not hide characters, and a field too long says so: a text-direction
override (which shows "gpj.exe" as "exe.jpg" or makes one organisation's name look like
another's) or a control character is refused with a Finnish message, on the page as
through a service, and what was typed
stays in the form."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yhdyspinta.accounts.models import AreaRole
from yhdyspinta.parties.models import Person
from yhdyspinta.testing import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["Matti\u202eNEN", "Liisa\u2066", "Kalle\x07", "Rivin\nvaihto", "Sarkain\there"]
)
def test_a_name_with_hidden_characters_is_refused(name):
    organisation = factories.OrganisationFactory()
    person = Person(
        area=organisation.area, organisation=organisation, first_name=name, last_name="X"
    )
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert refused.value.error_dict["first_name"][0].code == "hidden_characters"


def test_names_in_any_script_and_with_marks_are_fine():
    organisation = factories.OrganisationFactory()
    for name in ("Åsa-Öhman", "Nguyễn", "محمد\u200f", "Ярослава"):
        Person(
            area=organisation.area, organisation=organisation, first_name=name, last_name="X"
        ).full_clean()


@pytest.fixture
def organisation(client):
    """An organisation, and its area's administrator logged in."""
    organisation = factories.OrganisationFactory()
    admin = factories.UserFactory()
    factories.AreaRoleFactory(user=admin, area=organisation.area, role=AreaRole.Role.ADMIN)
    client.force_login(admin)
    return organisation


def _create_person(client, organisation, **fields) -> str:
    """The new-person page posted with these fields; the page it answers (200: shown
    again with the errors)."""
    url = reverse("parties:person_create", kwargs={"area": organisation.area.slug})
    answer = client.post(url, {**fields, "organisation": organisation.pk})
    assert answer.status_code == 200
    return answer.content.decode()


def test_the_page_says_it_in_finnish_and_keeps_what_was_typed(client, organisation):
    html = _create_person(
        client, organisation, first_name="Nimi\u202etxt.exe", last_name="Kirjoitettu Sukunimi"
    )
    assert "Poista kentästä ohjausmerkit" in html
    assert "Kirjoitettu Sukunimi" in html
    assert not Person.objects.filter(last_name="Kirjoitettu Sukunimi").exists()


def test_a_megabyte_in_a_field_is_a_finnish_message_and_nothing_typed_is_lost(client, organisation):
    html = _create_person(
        client,
        organisation,
        first_name="Äiti",
        last_name="Pitkä",
        title="ä" * 1_000_000,  # 6 MB form-encoded
        phone="040 123 4567",
    )
    assert "enintään 200 merkkiä" in html or "korkeintaan 200 merkkiä" in html
    assert 'value="040 123 4567"' in html
    assert not Person.objects.filter(last_name="Pitkä").exists()
