import pytest
from django.urls import reverse

from yhdyspinta.parties.models import Organisation, Person

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


def org_url(name, organisation, **kwargs):
    return reverse(name, kwargs={"area": organisation.area.slug, "pk": organisation.pk, **kwargs})


def form_data(organisation, **changes):
    data = {
        "name": organisation.name,
        "kind": organisation.kind,
        "business_id": organisation.business_id,
        "municipality_number": organisation.municipality_number,
        "sub_region": organisation.sub_region_id or "",
        "street_address": organisation.street_address,
        "postal_code": organisation.postal_code,
        "post_office": organisation.post_office,
        "email": organisation.email,
        "website": organisation.website,
        "is_agreement_party": "on" if organisation.is_agreement_party else "",
        "ended_on": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def joensuu(demo):
    return Organisation.objects.get(area=demo["nk"], municipality_number="167")


def test_bad_business_id_is_explained_in_finnish_and_nothing_typed_is_lost(client, login, joensuu):
    login("paakayttaja")
    response = client.post(
        org_url("parties:organisation_edit", joensuu),
        form_data(joensuu, business_id="0242746-3", street_address="Uusi katu 5"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Y-tunnuksen 0242746-3 tarkistusnumero on väärä" in html
    assert "Lomakkeessa on virheitä" in html
    assert 'value="Uusi katu 5"' in html
    assert 'value="0242746-3"' in html
    joensuu.refresh_from_db()
    assert joensuu.street_address == "Rantakatu 20"


def test_saving_records_who_changed_what(client, login, joensuu):
    login("joensuu")
    response = client.post(
        org_url("parties:organisation_edit", joensuu), form_data(joensuu, post_office="JOENSUU")
    )
    assert response.status_code == 302
    joensuu.refresh_from_db()
    assert joensuu.post_office == "JOENSUU"
    record = joensuu.history.first()
    assert record.history_user.username == "joensuu"
    history = client.get(org_url("parties:organisation_history", joensuu)).content.decode()
    assert "joensuu" in history
    assert "Joensuu" in history
    assert "JOENSUU" in history
    assert "postitoimipaikka" in history


def test_municipality_without_number_and_duplicate_name_are_refused(client, login, joensuu):
    login("paakayttaja")
    response = client.post(
        reverse("parties:organisation_create", kwargs={"area": joensuu.area.slug}),
        form_data(joensuu, business_id="", municipality_number=""),
    )
    html = response.content.decode()
    assert "Tämä nimi on jo käytössä tällä alueella." in html
    assert "Kunnalle on annettava kuntanumero." in html
    assert Organisation.objects.filter(name=joensuu.name).count() == 1


def test_duplicate_business_id_names_the_holder(client, login, joensuu):
    login("paakayttaja")
    response = client.post(
        reverse("parties:organisation_create", kwargs={"area": joensuu.area.slug}),
        form_data(joensuu, name="Uusi kunta", municipality_number="999"),
    )
    assert "Organisaatiolla Joensuun kaupunki on jo tämä y-tunnus." in response.content.decode()


def test_organisation_contact_adds_people_only_to_own_organisation(client, login, joensuu):
    login("joensuu")
    url = reverse("parties:person_create", kwargs={"area": joensuu.area.slug})
    form = client.get(url).context["form"]
    assert list(form.fields["organisation"].queryset) == [joensuu]
    kitee = Organisation.objects.get(area=joensuu.area, municipality_number="260")
    response = client.post(
        url, {"first_name": "Testi", "last_name": "Henkilö", "organisation": kitee.pk}
    )
    assert response.status_code == 200
    assert not Person.objects.filter(last_name="Henkilö").exists()
    response = client.post(
        url, {"first_name": "Testi", "last_name": "Henkilö", "organisation": joensuu.pk}
    )
    assert response.status_code == 302
    assert Person.objects.get(last_name="Henkilö").organisation == joensuu


def test_filter_returns_only_the_table_to_htmx(client, demo):
    url = reverse("parties:organisations", kwargs={"area": demo["nk"].slug})
    response = client.get(url, {"kind": "municipality"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert html.count("<tr>") == 14  # header + 13 municipalities
    assert "13 organisaatiota" in html
    full = client.get(url, {"kind": "parish"}).content.decode()
    assert "<html" in full
    assert "Joensuun kaupunki" not in full


def test_language_switch(client, demo):
    url = reverse("areas:overview", kwargs={"area": demo["nk"].slug})
    assert "Yhteistyörakenne" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "sv", "next": url})
    assert "Samarbetsstruktur" in client.get(url).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert "Cooperation structure" in client.get(url).content.decode()


def test_finnish_even_when_the_browser_asks_for_english(client, demo):
    url = reverse("areas:overview", kwargs={"area": demo["nk"].slug})
    html = client.get(url, headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="fi">' in html
    assert "Yhteistyörakenne" in html
