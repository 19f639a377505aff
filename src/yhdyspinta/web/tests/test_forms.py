"""Nothing lost, no duplicates: a create form posted twice creates once; an edit saved
over another user's change is refused with what is saved now."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from yhdyspinta.areas.models import CouncilTerm, SubRegion, Theme
from yhdyspinta.parties.models import Organisation, Person

pytestmark = pytest.mark.django_db
AREA = {"area": "pohjois-karjala"}


def _field(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


CREATE_FORMS = {
    "areas:subregion_create": (SubRegion, {"name": "Uusi seutu", "order": 9}),
    "areas:theme_create": (Theme, {"name": "Uusi teema", "order": 9}),
    "areas:councilterm_create": (
        CouncilTerm,
        {"kind": "joint", "starts_on": "2033-06-01", "ends_on": "2037-05-31"},
    ),
    "parties:organisation_create": (Organisation, {"name": "Uusi yhdistys ry", "kind": "ngo"}),
    "parties:person_create": (
        Person,
        {"first_name": "Tuplaklikkaus", "last_name": "Testinen", "email": "tupla@example.org"},
    ),
}


@pytest.mark.parametrize("name", list(CREATE_FORMS))
def test_a_create_form_posted_twice_creates_once(client, login, demo, name):
    model, data = CREATE_FORMS[name]
    login("paakayttaja")
    url = reverse(name, kwargs=AREA)
    key = _field(client.get(url).content.decode(), "_form_key")
    before = model.objects.count()
    first = client.post(url, {**data, "_form_key": key})
    assert first.status_code == 302, first.content.decode()[:2000]
    second = client.post(url, {**data, "_form_key": key})
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert model.objects.count() == before + 1
    # A new form (a new key) creates again: only the repeat is stopped.
    fresh = _field(client.get(url).content.decode(), "_form_key")
    assert fresh != key


def test_two_people_editing_one_organisation_lose_nothing(demo):
    joensuu = Organisation.objects.get(area=demo["nk"], municipality_number="167")
    url = reverse("parties:organisation_edit", kwargs={**AREA, "pk": joensuu.pk})
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    first, second = Client(), Client()
    first.force_login(users.get(username="paakayttaja"))
    second.force_login(users.get(username="joensuu"))
    form_first = first.get(url).content.decode()
    form_second = second.get(url).content.decode()
    base = {
        "name": joensuu.name,
        "kind": joensuu.kind,
        "business_id": joensuu.business_id,
        "municipality_number": joensuu.municipality_number,
        "sub_region": joensuu.sub_region_id,
        "street_address": joensuu.street_address,
        "postal_code": joensuu.postal_code,
        "post_office": joensuu.post_office,
        "email": joensuu.email,
    }
    base = {k: v for k, v in base.items() if v not in (None, "")}
    saved = second.post(
        url,
        {
            **base,
            "email": "kirjaamo@joensuu.example.org",
            "_edited_from": _field(form_second, "_edited_from"),
        },
    )
    assert saved.status_code == 302
    refused = first.post(
        url,
        {
            **base,
            "email": "vanha@joensuu.example.org",
            "_edited_from": _field(form_first, "_edited_from"),
        },
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Joku muu tallensi" in html
    assert "kirjaamo@joensuu.example.org" in html  # what the other person saved
    assert 'value="vanha@joensuu.example.org"' in html  # what this user typed is kept
    joensuu.refresh_from_db()
    assert joensuu.email == "kirjaamo@joensuu.example.org"
    # Saving again after seeing the difference keeps this user's version, on purpose.
    again = first.post(
        url,
        {
            **base,
            "email": "vanha@joensuu.example.org",
            "_edited_from": _field(html, "_edited_from"),
        },
    )
    assert again.status_code == 302
    joensuu.refresh_from_db()
    assert joensuu.email == "vanha@joensuu.example.org"


def test_a_name_already_in_use_in_the_area_is_a_message_not_a_database_error(client, login, demo):
    """The area is not a field of the form, yet its constraints are checked with it."""
    login("paakayttaja")
    existing = Theme.objects.filter(area=demo["nk"]).first()
    response = client.post(
        reverse("areas:theme_create", kwargs=AREA), {"name": existing.name, "order": 1}
    )
    assert response.status_code == 200
    assert Theme.objects.filter(area=demo["nk"], name=existing.name).count() == 1
    assert 'class="error-summary"' in response.content.decode()
