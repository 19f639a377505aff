"""The register's writes check their page's rule themselves, on the row as stored."""

import pytest
from django.core.exceptions import PermissionDenied

from yhdyspinta.accounts.models import AreaRole
from yhdyspinta.accounts.permissions import Access
from yhdyspinta.parties import services
from yhdyspinta.parties.models import Organisation, Person
from yhdyspinta.testing.factories import (
    AreaFactory,
    AreaRoleFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def test_a_contact_edits_its_own_organisation_and_people_and_no_one_elses():
    area = AreaFactory()
    own, other = OrganisationFactory(area=area), OrganisationFactory(area=area)
    contact = AreaRoleFactory(
        area=area, role=AreaRole.Role.ORGANISATION_CONTACT, organisation=own
    ).user
    access = Access(contact)
    mine, theirs = (
        PersonFactory(area=area, organisation=own),
        PersonFactory(area=area, organisation=other),
    )

    own.name = "Uusi nimi"
    services.organisation_save(access=access, organisation=own)
    mine.first_name = "Maija"
    services.person_save(access=access, person=mine)
    assert Person.objects.get(pk=mine.pk).first_name == "Maija"

    other.name = "Ei minun"
    with pytest.raises(PermissionDenied):
        services.organisation_save(access=access, organisation=other)
    # Moving another organisation's person into one's own is judged on the stored row.
    theirs.organisation = own
    with pytest.raises(PermissionDenied):
        services.person_save(access=access, person=theirs)
    with pytest.raises(PermissionDenied):  # a new organisation is the administrator's
        services.organisation_save(
            access=access, organisation=Organisation(area=area, name="Uusi", kind="ngo")
        )
    assert Person.objects.get(pk=theirs.pk).organisation == other
    assert Organisation.objects.get(pk=other.pk).name != "Ei minun"
