import pytest
from django.apps import apps
from django.core.management import call_command

from yhdyspinta.bodies.models import Body, Level, Membership
from yhdyspinta.parties.models import Organisation
from yhdyspinta.parties.validators import validate_business_id

pytestmark = pytest.mark.django_db

SUB_REGIONS = {
    "Keskinen": {"Joensuu", "Kontiolahti", "Ilomantsi"},
    "Pohjoinen": {"Juuka", "Lieksa", "Nurmes"},
    "Läntinen": {"Heinävesi", "Liperi", "Outokumpu", "Polvijärvi"},
    "Eteläinen": {"Kitee", "Rääkkylä", "Tohmajärvi"},
}


def test_north_karelia_has_the_fifteen_parties_of_the_agreement(demo):
    parties = Organisation.objects.filter(area=demo["nk"], is_agreement_party=True)
    assert parties.count() == 15
    assert parties.filter(kind="municipality").count() == 13
    county = parties.get(kind="county")
    assert (county.name, county.business_id) == ("Pohjois-Karjalan hyvinvointialue", "3221317-4")
    assert county.address == "Tikkamäentie 16, 80210 Joensuu"
    council = parties.get(kind="regional_council")
    assert council.business_id == "0927140-5"
    assert parties.get(municipality_number="167").business_id == "0242746-2"
    assert parties.get(municipality_number="848").name == "Tohmajärven kunta"
    for party in parties:
        validate_business_id(party.business_id)


def test_north_karelia_sub_regions_hold_their_municipalities(demo):
    found = {
        sub.name: {o.post_office for o in sub.organisations.filter(kind="municipality")}
        for sub in demo["nk"].sub_regions.all()
    }
    assert found == SUB_REGIONS


def test_north_karelia_bodies_have_the_agreements_levels_conveners_and_rhythms(demo):
    bodies = Body.objects.filter(area=demo["nk"])
    assert bodies.filter(level=Level.STRATEGIC).count() == 1
    assert bodies.filter(level=Level.OPERATIVE).count() == 13
    assert bodies.filter(level=Level.REGIONAL_PARTNERSHIP).count() == 4
    coordinators = bodies.get(level=Level.COORDINATOR_NETWORK)
    rule = coordinators.rhythm_rules.get()
    assert (rule.min_count, rule.max_count, rule.period) == (6, 8, "year")
    area_group = bodies.get(level=Level.AREA_PARTNERSHIP)
    assert area_group.convener.kind == "regional_council"
    assert area_group.rhythm_rules.get().min_count == 4
    for group in bodies.filter(level=Level.REGIONAL_PARTNERSHIP):
        assert group.convener.kind == "county"
        assert group.legal_basis == "612_6_7"
        assert (group.nominees_min, group.nominees_max) == (1, 4)
        kinds = {(r.meeting_kind, r.min_count, r.max_count) for r in group.rhythm_rules.all()}
        assert kinds == {("negotiation", 1, 1), ("meeting", 1, 3)}
        assert group.parent == area_group
    strategic = bodies.get(level=Level.STRATEGIC)
    assert strategic.legal_basis == "611_14"
    assert strategic.rhythm_rules.filter(meeting_kind="follow_up", month=5).exists()
    for operative in bodies.filter(level=Level.OPERATIVE):
        assert operative.convener.kind == "municipality"
        assert operative.rhythm_rules.get().min_count == 2
    assert demo["nk"].themes.count() == 6
    assert demo["nk"].council_terms.count() == 3


def test_south_savo_is_configured_from_the_same_models(demo):
    area = demo["es"]
    assert area.negotiation_611_mode == "per_municipality"
    assert area.organisations.filter(kind="municipality").count() == 12
    working_group = Body.objects.get(area=area, name="Kunnallisasiain työryhmä")
    assert working_group.convener.kind == "regional_council"
    assert working_group.legal_basis == "612_6_7"
    assert Body.objects.filter(area=area, legal_basis="611_14").count() == 1


def test_demo_people_are_fictitious_and_memberships_valid(demo):
    memberships = Membership.objects.select_related("person", "body", "organisation")
    assert memberships.count() > 100
    for membership in memberships:
        assert membership.person.email.endswith("@example.org")
        membership.full_clean()


def test_loading_twice_changes_nothing(demo):
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"areas", "parties", "bodies", "accounts", "auth"}
    ]
    before = {m: m.objects.count() for m in models}
    call_command("load_demo", verbosity=0)
    after = {m: m.objects.count() for m in models}
    assert before == after  # includes the history tables: no change was even recorded


def test_if_empty_leaves_an_existing_database_alone(demo, capsys):
    Organisation.objects.filter(area=demo["nk"], municipality_number="167").update(name="Muutettu")
    call_command("load_demo", if_empty=True)
    assert "not loaded" in capsys.readouterr().out
    assert Organisation.objects.filter(name="Muutettu").exists()
