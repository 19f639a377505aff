"""The constructed area the engine's tests share."""

from datetime import date

import pytest

from yhdyspinta.areas.models import Area, CouncilTerm
from yhdyspinta.testing.factories import (
    AreaFactory,
    BodyFactory,
    MunicipalityFactory,
    OrganisationFactory,
)


@pytest.fixture
def world():
    area = AreaFactory(negotiation_611_mode=Area.Negotiation611Mode.JOINT)
    CouncilTerm.objects.create(
        area=area, kind="county", starts_on=date(2022, 3, 1), ends_on=date(2025, 5, 31)
    )
    term = CouncilTerm.objects.create(
        area=area, kind="joint", starts_on=date(2025, 6, 1), ends_on=date(2029, 5, 31)
    )
    county = OrganisationFactory(area=area, kind="county", name="Hyvinvointialue")
    orgs = {
        "county": county,
        "joensuu": MunicipalityFactory(area=area, name="Joensuu"),
        "kitee": MunicipalityFactory(area=area, name="Kitee"),
        "council": OrganisationFactory(area=area, kind="regional_council", name="Liitto"),
        "ngo": OrganisationFactory(area=area, kind="ngo", name="Yhdistys ry"),
        "business": OrganisationFactory(area=area, kind="business", name="Yrittäjät ry"),
    }
    group = BodyFactory(area=area, convener=county, legal_basis="612_6_7", name="Kumppanuusryhmä")
    strategic = BodyFactory(area=area, convener=county, legal_basis="611_14", name="Strateginen")
    return {"area": area, "term": term, "group": group, "strategic": strategic, **orgs}
