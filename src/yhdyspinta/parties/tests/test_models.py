import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from yhdyspinta.areas import national
from yhdyspinta.parties.models import CounterpartPair, NamedRole, NamedRoleKind, Organisation
from yhdyspinta.testing.factories import (
    AreaFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    SubRegionFactory,
)

pytestmark = pytest.mark.django_db


def test_municipality_needs_a_municipality_number():
    municipality = MunicipalityFactory.build(area=AreaFactory(), municipality_number="")
    with pytest.raises(ValidationError) as excinfo:
        municipality.full_clean()
    assert "municipality_number" in excinfo.value.message_dict


def test_only_municipalities_have_a_municipality_number():
    ngo = OrganisationFactory.build(area=AreaFactory(), municipality_number="167")
    with pytest.raises(ValidationError) as excinfo:
        ngo.full_clean()
    assert "municipality_number" in excinfo.value.message_dict
    # The database refuses it too, whatever path the row takes.
    with pytest.raises(IntegrityError), transaction.atomic():
        ngo.save()


def test_municipality_number_has_three_digits():
    municipality = MunicipalityFactory.build(area=AreaFactory(), municipality_number="16")
    with pytest.raises(ValidationError):
        municipality.full_clean()


def test_business_id_is_unique_within_an_area_but_not_across_areas():
    first = OrganisationFactory(business_id="3221317-4")
    same_area = OrganisationFactory.build(area=first.area, business_id="3221317-4")
    with pytest.raises(ValidationError):
        same_area.full_clean()
    other = OrganisationFactory(area=AreaFactory(), business_id="3221317-4")  # fine
    ids = Organisation.objects.filter(area__in=[first.area, other.area], business_id="3221317-4")
    assert ids.count() == 2


def test_many_organisations_may_lack_a_business_id():
    area = AreaFactory()
    OrganisationFactory(area=area, business_id="")
    OrganisationFactory(area=area, business_id="")
    assert Organisation.objects.filter(area=area, business_id="").count() == 2


def test_sub_region_must_be_of_the_same_area():
    organisation = OrganisationFactory.build(area=AreaFactory(), sub_region=SubRegionFactory())
    with pytest.raises(ValidationError) as excinfo:
        organisation.full_clean()
    assert "sub_region" in excinfo.value.message_dict


def test_named_role_needs_a_holder():
    organisation = OrganisationFactory()
    role = NamedRole(organisation=organisation, kind=NamedRoleKind.PREPAREDNESS_OFFICER)
    with pytest.raises(ValidationError):
        role.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        role.save()


def test_named_role_person_must_work_in_the_organisation():
    organisation = OrganisationFactory()
    outsider = PersonFactory(organisation=OrganisationFactory(area=organisation.area))
    role = NamedRole(
        organisation=organisation, kind=NamedRoleKind.HYTE_RESPONSIBLE_PERSON, person=outsider
    )
    with pytest.raises(ValidationError) as excinfo:
        role.full_clean()
    assert "person" in excinfo.value.message_dict


def test_counterpart_pair_joins_county_and_municipality_people():
    area = AreaFactory()
    county = OrganisationFactory(area=area, kind="county")
    municipality = MunicipalityFactory(area=area)
    county_person = PersonFactory(organisation=county)
    municipal_person = PersonFactory(organisation=municipality)
    pair = CounterpartPair(
        area=area,
        topic=NamedRoleKind.HYTE_RESPONSIBLE_PERSON,
        county_person=county_person,
        municipality_person=municipal_person,
    )
    pair.full_clean()
    swapped = CounterpartPair(
        area=area,
        topic=NamedRoleKind.HYTE_RESPONSIBLE_PERSON,
        county_person=municipal_person,
        municipality_person=county_person,
    )
    with pytest.raises(ValidationError) as excinfo:
        swapped.full_clean()
    assert set(excinfo.value.message_dict) == {"county_person", "municipality_person"}


def test_municipality_number_is_one_of_the_national_list():
    """A well-formed number no municipality has is refused; a merged municipality's number
    stays valid for the records of its years (Pertunmaa, merged into Mäntyharju 1.1.2026)."""
    area = AreaFactory()
    with pytest.raises(ValidationError) as raised:
        MunicipalityFactory.build(area=area, municipality_number="999").full_clean()
    assert raised.value.message_dict["municipality_number"] == [
        "999 ei ole minkään kunnan numero Tilastokeskuksen kuntaluettelossa."
    ]
    MunicipalityFactory.build(area=area, municipality_number="588").full_clean()


def test_the_national_list_has_the_22_areas_and_todays_municipalities():
    assert len(national.areas()) == 22
    assert len(national.municipalities()) == 308
    north_karelia = national.area("14")
    assert north_karelia is not None
    assert north_karelia.name_fi == "Pohjois-Karjalan hyvinvointialue"
    assert [m.name_fi for m in north_karelia.municipalities()][:3] == [
        "Heinävesi",
        "Ilomantsi",
        "Joensuu",
    ]
    assert len(north_karelia.municipalities()) == 13
    pertunmaa = national.municipality("588")
    assert pertunmaa is not None
    assert not pertunmaa.current
    assert "588" not in {m.number for m in national.municipalities()}
    # Every municipality belongs to one of the areas (or to Åland).
    codes = {a.code for a in national.areas(with_aland=True)}
    assert {m.area_code for m in national.municipalities(current=False)} <= codes
