import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from yhdyspinta.bodies.models import RhythmRule
from yhdyspinta.testing.factories import AreaFactory, BodyFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_rhythm_describes_itself_in_finnish():
    body = BodyFactory()
    rule = RhythmRule.objects.create(body=body, meeting_kind="any", min_count=6, max_count=8)
    assert rule.describe() == "6–8 × kokous vuodessa"
    term = RhythmRule.objects.create(
        body=body, meeting_kind="negotiation", period="council_term", min_count=1
    )
    assert term.describe() == "vähintään 1 × lakisääteinen neuvottelu valtuustokaudessa"
    may = RhythmRule.objects.create(
        body=body, meeting_kind="follow_up", min_count=1, max_count=1, month=5
    )
    assert may.describe() == "1 × seurantatapaaminen vuodessa (kuukausi 5)"


def test_rhythm_range_is_checked():
    rule = RhythmRule(body=BodyFactory(), min_count=8, max_count=6)
    with pytest.raises(ValidationError):
        rule.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        rule.save()


def test_rhythm_month_is_a_month():
    with pytest.raises(IntegrityError), transaction.atomic():
        RhythmRule.objects.create(body=BodyFactory(), min_count=1, month=13)


def test_nominee_range_is_checked():
    body = BodyFactory.build(area=AreaFactory(), nominees_min=3, nominees_max=2)
    body.convener = OrganisationFactory(area=body.area)
    with pytest.raises(ValidationError) as excinfo:
        body.full_clean()
    assert "nominees_max" in excinfo.value.message_dict


def test_convener_and_parent_must_be_of_the_same_area():
    body = BodyFactory()
    body.convener = OrganisationFactory(area=AreaFactory())
    body.parent = BodyFactory()
    with pytest.raises(ValidationError) as excinfo:
        body.full_clean()
    assert {"convener", "parent"} <= set(excinfo.value.message_dict)


def test_required_party_kinds_must_be_known():
    body = BodyFactory(required_party_kinds=["municipality", "pirates"])
    with pytest.raises(ValidationError) as excinfo:
        body.full_clean()
    assert "required_party_kinds" in excinfo.value.message_dict
