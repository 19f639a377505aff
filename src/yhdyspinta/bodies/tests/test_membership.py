from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.bodies.models import Membership, MembershipRole
from yhdyspinta.bodies.services import membership_end
from yhdyspinta.testing.factories import (
    AreaFactory,
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def seat(body, organisation, role=MembershipRole.MEMBER, **kwargs):
    person = kwargs.pop("person", None) or PersonFactory(organisation=organisation)
    return Membership(
        body=body,
        organisation=organisation,
        person=person,
        role=role,
        starts_on=kwargs.pop("starts_on", date(2024, 1, 1)),
        **kwargs,
    )


def errors_of(membership) -> dict:
    with pytest.raises(ValidationError) as excinfo:
        membership.full_clean()
    return excinfo.value.message_dict


def test_end_before_start_is_refused_by_form_validation_and_database():
    membership = MembershipFactory.build(
        body=BodyFactory(), starts_on=date(2024, 5, 1), ends_on=date(2024, 4, 30)
    )
    membership.organisation = OrganisationFactory(area=membership.body.area)
    membership.person = PersonFactory(organisation=membership.organisation)
    assert "ends_on" in errors_of(membership)
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_a_deputy_needs_a_member_to_stand_in_for():
    body = BodyFactory()
    organisation = OrganisationFactory(area=body.area)
    deputy = seat(body, organisation, MembershipRole.DEPUTY)
    assert "deputy_for" in errors_of(deputy)
    with pytest.raises(IntegrityError), transaction.atomic():
        deputy.save()


def test_a_deputy_stands_in_for_a_full_member_of_the_same_organisation():
    body = BodyFactory()
    organisation = OrganisationFactory(area=body.area)
    member = seat(body, organisation)
    member.save()
    deputy = seat(body, organisation, MembershipRole.DEPUTY, deputy_for=member)
    deputy.full_clean()
    deputy.save()
    other_org = seat(
        body, OrganisationFactory(area=body.area), MembershipRole.DEPUTY, deputy_for=member
    )
    assert "deputy_for" in errors_of(other_org)
    deputy_of_deputy = seat(body, organisation, MembershipRole.DEPUTY, deputy_for=deputy)
    assert "deputy_for" in errors_of(deputy_of_deputy)
    other_body = seat(
        BodyFactory(area=body.area), organisation, MembershipRole.DEPUTY, deputy_for=member
    )
    assert "deputy_for" in errors_of(other_body)


def test_only_deputies_stand_in_for_someone():
    body = BodyFactory()
    organisation = OrganisationFactory(area=body.area)
    member = seat(body, organisation)
    member.save()
    assert "deputy_for" in errors_of(seat(body, organisation, deputy_for=member))


def test_the_same_person_cannot_hold_two_overlapping_seats_in_a_body():
    membership = MembershipFactory()
    duplicate = seat(membership.body, membership.organisation, person=membership.person)
    assert "person" in errors_of(duplicate)
    # After the first seat has ended, the person may be seated again.
    membership_end(access=Access.installation(), membership=membership, ends_on=date(2024, 12, 31))
    again = seat(
        membership.body,
        membership.organisation,
        person=membership.person,
        starts_on=date(2025, 1, 1),
    )
    again.full_clean()


def test_more_members_than_the_rule_allows_is_refused_with_the_numbers():
    body = BodyFactory(nominees_max=2)
    organisation = OrganisationFactory(
        area=body.area, name="Liperin kunta", kind="municipality", municipality_number="426"
    )
    seat(body, organisation).save()
    seat(body, organisation, MembershipRole.CHAIR).save()
    third = seat(body, organisation)
    message = errors_of(third)["organisation"][0]
    assert "Liperin kunta" in message
    assert "2" in message
    # Deputies and the secretary do not count towards the limit.
    seat(body, organisation, MembershipRole.SECRETARY).full_clean()


def test_a_seat_is_in_the_bodys_area():
    body = BodyFactory()
    stranger = OrganisationFactory(area=AreaFactory())
    errors = errors_of(seat(body, stranger))
    assert "organisation" in errors
    assert "person" in errors


def test_ending_a_seat_ends_its_deputies_and_keeps_history():
    body = BodyFactory()
    organisation = OrganisationFactory(area=body.area)
    member = seat(body, organisation)
    member.save()
    deputy = seat(body, organisation, MembershipRole.DEPUTY, deputy_for=member)
    deputy.save()
    membership_end(access=Access.installation(), membership=member, ends_on=date(2025, 5, 31))
    member.refresh_from_db()
    deputy.refresh_from_db()
    assert member.ends_on == date(2025, 5, 31)
    assert deputy.ends_on == date(2025, 5, 31)
    assert Membership.objects.filter(body=body).count() == 2  # nothing deleted
    assert member.history.count() == 2
    assert member.history.first().ends_on == date(2025, 5, 31)
    assert member.history.last().ends_on is None


def test_ending_before_the_start_is_refused():
    membership = MembershipFactory(starts_on=date(2024, 1, 1))
    with pytest.raises(ValidationError):
        membership_end(
            access=Access.installation(), membership=membership, ends_on=date(2023, 12, 31)
        )
    membership.refresh_from_db()
    assert membership.ends_on is None


def test_the_body_list_counts_the_seats_held_today_and_their_organisations():
    """Three seats held today by two organisations, one ended and one not yet begun: 3
    members of 2 organisations; a body without seats has 0 of each."""
    from datetime import timedelta

    from django.utils import timezone

    from yhdyspinta.bodies.selectors import body_list

    today = timezone.localdate()
    body = BodyFactory()
    empty = BodyFactory(area=body.area)
    one, other = (OrganisationFactory(area=body.area) for _ in range(2))
    MembershipFactory(body=body, organisation=one)
    MembershipFactory(body=body, organisation=one)
    MembershipFactory(body=body, organisation=other, ends_on=today)  # its last day counts
    MembershipFactory(body=body, organisation=other, ends_on=today - timedelta(days=1))
    MembershipFactory(
        body=body,
        organisation=OrganisationFactory(area=body.area),
        starts_on=today + timedelta(days=1),
    )
    counts = {b.pk: (b.member_count, b.organisation_count) for b in body_list(area=body.area)}
    assert counts == {body.pk: (3, 2), empty.pk: (0, 0)}
