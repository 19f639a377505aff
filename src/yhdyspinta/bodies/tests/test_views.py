import pytest
from django.urls import reverse

from yhdyspinta.bodies.models import Body, Level, Membership
from yhdyspinta.parties.models import Organisation, Person

pytestmark = [pytest.mark.django_db, pytest.mark.pages]


@pytest.fixture
def coordinators(demo):
    return Body.objects.get(area=demo["nk"], level=Level.COORDINATOR_NETWORK)


def add_member_url(body):
    return reverse("bodies:membership_create", kwargs={"area": body.area.slug, "body": body.pk})


def test_deputy_without_member_is_refused_in_finnish(client, login, coordinators):
    login("sihteeri")
    joensuu = Organisation.objects.get(area=coordinators.area, municipality_number="167")
    person = Person.objects.filter(organisation=joensuu).exclude(memberships__body=coordinators)[0]
    response = client.post(
        add_member_url(coordinators),
        {
            "person": person.pk,
            "organisation": joensuu.pk,
            "role": "deputy",
            "starts_on": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert "Varajäsenelle on valittava varsinainen jäsen." in response.content.decode()
    assert 'value="2025-01-01"' in response.content.decode()


def test_too_many_nominees_and_duplicates_are_refused(client, login, coordinators):
    login("paakayttaja")
    joensuu = Organisation.objects.get(area=coordinators.area, municipality_number="167")
    seated = Membership.objects.get(body=coordinators, organisation=joensuu).person
    duplicate = client.post(
        add_member_url(coordinators),
        {
            "person": seated.pk,
            "organisation": joensuu.pk,
            "role": "member",
            "starts_on": "2025-01-01",
        },
    )
    assert "on jo tämän toimielimen jäsen" in duplicate.content.decode()
    others = Person.objects.filter(organisation=joensuu).exclude(pk=seated.pk)
    first = client.post(
        add_member_url(coordinators),
        {
            "person": others[0].pk,
            "organisation": joensuu.pk,
            "role": "member",
            "starts_on": "2025-01-01",
        },
    )
    assert first.status_code == 302
    third = client.post(
        add_member_url(coordinators),
        {
            "person": others[1].pk,
            "organisation": joensuu.pk,
            "role": "member",
            "starts_on": "2025-01-01",
        },
    )
    assert "sääntö sallii enintään 2" in third.content.decode()


def test_ending_a_seat_through_the_page(client, login, coordinators):
    login("sihteeri")
    seat = coordinators.memberships.filter(ends_on__isnull=True, role="member").first()
    url = reverse("bodies:membership_end", kwargs={"area": coordinators.area.slug, "pk": seat.pk})
    bad = client.post(url, {"ends_on": "2020-01-01"})
    assert "Päättymispäivä on ennen alkamispäivää." in bad.content.decode()
    assert client.post(url, {"ends_on": "2025-12-31"}).status_code == 302
    seat.refresh_from_db()
    assert str(seat.ends_on) == "2025-12-31"
    page = client.get(coordinators.get_absolute_url()).content.decode()
    assert "Aiemmat jäsenet" in page


def rhythm_post(body, **extra):
    data = {
        "name": body.name,
        "level": body.level,
        "description": body.description,
        "convener": body.convener_id,
        "convener_role": body.convener_role,
        "legal_basis": body.legal_basis,
        "nominees_min": body.nominees_min,
        "nominees_max": body.nominees_max or "",
        "rhythm-TOTAL_FORMS": "2",
        "rhythm-INITIAL_FORMS": "1",
        "rhythm-MIN_NUM_FORMS": "0",
        "rhythm-MAX_NUM_FORMS": "1000",
    }
    rule = body.rhythm_rules.get()
    data.update(
        {
            "rhythm-0-id": rule.pk,
            "rhythm-0-body": body.pk,
            "rhythm-0-meeting_kind": "any",
            "rhythm-0-period": "year",
            "rhythm-0-min_count": "6",
            "rhythm-0-max_count": "8",
            "rhythm-1-body": body.pk,
        }
    )
    data.update(extra)
    return data


def test_body_and_its_rhythm_are_saved_together(client, login, coordinators):
    login("sihteeri")
    url = reverse(
        "bodies:body_edit", kwargs={"area": coordinators.area.slug, "pk": coordinators.pk}
    )
    bad = client.post(
        url,
        rhythm_post(
            coordinators,
            name="Uusi nimi",
            **{
                "rhythm-1-meeting_kind": "follow_up",
                "rhythm-1-period": "year",
                "rhythm-1-min_count": "3",
                "rhythm-1-max_count": "1",
            },
        ),
    )
    assert bad.status_code == 200
    assert "”Enintään” on pienempi kuin ”vähintään”." in bad.content.decode()
    coordinators.refresh_from_db()
    assert coordinators.name == "Hyte-koordinaattoriverkosto"
    good = client.post(
        url,
        rhythm_post(
            coordinators,
            name="Hyte-asiantuntijaverkosto",
            **{
                "rhythm-1-meeting_kind": "follow_up",
                "rhythm-1-period": "year",
                "rhythm-1-min_count": "1",
                "rhythm-1-max_count": "1",
                "rhythm-1-month": "5",
            },
        ),
    )
    assert good.status_code == 302
    coordinators.refresh_from_db()
    assert coordinators.name == "Hyte-asiantuntijaverkosto"
    assert coordinators.rhythm_rules.count() == 2


def test_composition_gap_is_shown(client, demo, login):
    body = Body.objects.filter(area=demo["nk"], level=Level.OPERATIVE).first()
    body.required_party_kinds = ["county", "municipality", "parish"]
    body.save()
    html = client.get(body.get_absolute_url()).content.decode()
    assert "näillä osapuolityypeillä ei ole nyt jäsentä: Seurakunta" in html


def test_organisation_contact_seats_only_its_own_people_as_members(client, login, coordinators):
    """Joensuu's contact cannot make its person a chair (the election does that), nor
    seat Joensuu in a body where it does not sit, nor seat another organisation's person."""
    login("joensuu")
    area = coordinators.area
    joensuu = Organisation.objects.get(area=area, municipality_number="167")
    own = Person.objects.filter(organisation=joensuu).exclude(memberships__body=coordinators)[0]
    other = Person.objects.exclude(organisation=joensuu).filter(area=area)[0]
    elsewhere = (
        Body.objects.filter(area=area)
        .exclude(memberships__organisation=joensuu)
        .exclude(convener=joensuu)
        .first()
    )
    before = Membership.objects.count()
    chair = {
        "person": own.pk,
        "organisation": joensuu.pk,
        "role": "chair",
        "starts_on": "2026-01-01",
    }
    response = client.post(add_member_url(coordinators), chair)
    assert response.status_code == 200
    assert "chair ei ole vaihtoehtojen joukossa" in response.content.decode()
    response = client.post(
        add_member_url(coordinators), {**chair, "person": other.pk, "role": "member"}
    )
    assert response.status_code == 200
    response = client.post(add_member_url(elsewhere), {**chair, "role": "member"})
    assert response.status_code == 200
    assert "The chair and vice-chair are elected" not in response.content.decode()
    assert "Puheenjohtaja ja varapuheenjohtaja valitaan" in response.content.decode()
    assert Membership.objects.count() == before
    # Its own person as a member where Joensuu already sits is fine.
    response = client.post(add_member_url(coordinators), {**chair, "role": "member"})
    assert response.status_code == 302
    assert Membership.objects.count() == before + 1


def test_seating_service_refuses_a_contact_without_a_form(demo):
    """The rule lives with the action: a command or the API cannot skip it."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied

    from yhdyspinta.accounts.permissions import Access
    from yhdyspinta.bodies.services import membership_save

    user = get_user_model().objects.get(username="joensuu")
    access = Access(user)
    seat = Membership.objects.filter(organisation__municipality_number="167").first()
    seat.pk = None
    seat.role = "chair"
    with pytest.raises(PermissionDenied):
        membership_save(access=access, membership=seat)


def test_the_body_page_shows_when_a_seat_ends(client, login, demo):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from yhdyspinta.bodies.models import Membership

    seat = Membership.objects.filter(
        body__area=demo["nk"], ends_on__isnull=True, role="member"
    ).first()
    seat.ends_on = timezone.localdate() + timedelta(days=40)
    seat.save()
    login("paakayttaja")
    html = client.get(
        reverse("bodies:body", kwargs={"area": "pohjois-karjala", "pk": seat.body_id})
    ).content.decode()
    assert f"–{seat.ends_on:%-d.%-m.%Y}" in html
    assert "päättyy" in html


def test_the_forms_say_how_a_bodys_end_and_a_seats_end_are_counted(client, login, coordinators):
    """A body's end day is its first day out of work (selectors.working); a seat's end
    day is its last day held (selectors.held): the forms say so, in Finnish."""
    login("paakayttaja")
    kwargs = {"area": coordinators.area.slug, "pk": coordinators.pk}
    body_form = client.get(reverse("bodies:body_edit", kwargs=kwargs)).content.decode()
    assert 'id="id_ended_on_helptext"' in body_form
    assert "Tästä päivästä alkaen toimielin ei enää toimi." in body_form
    seat_form = client.get(add_member_url(coordinators)).content.decode()
    assert 'id="id_ends_on_helptext"' in seat_form
    assert "Jäsenyyden viimeinen päivä." in seat_form
