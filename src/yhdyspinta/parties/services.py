"""The writes of the register of parties: organisations, people, their named roles and
the counterpart pairs. Each checks the same rule as its page, on the row as it is stored
(a contact may not move a person or a pair out of their own organisation's reach by
editing it)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Protocol

from django.db import transaction

from yhdyspinta.core.permission import require

from .models import CounterpartPair, NamedRole, Organisation, Person

if TYPE_CHECKING:
    from yhdyspinta.areas.models import Area


class MayEditParties(Protocol):
    """What these saves ask of the caller's access (accounts.permissions.Access, which
    sits above this app)."""

    def is_admin(self, area: Area) -> bool: ...

    def contact_organisations(self, area: Area) -> set[int]: ...

    def can_edit_area_settings(self, area: Area) -> bool: ...

    def can_edit_organisation(self, organisation: Organisation) -> bool: ...

    def can_create_person(self, area: Area) -> bool: ...

    def can_edit_person(self, person: Person) -> bool: ...

    def can_edit_counterparts(self, area: Area) -> bool: ...


def _saved[M: Organisation | Person](row: M, allowed: bool) -> M:
    require(allowed)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def organisation_save(*, access: MayEditParties, organisation: Organisation) -> Organisation:
    """A new organisation (the area's administrator) or a change to one (its contact
    too)."""
    if organisation.pk is None:
        return _saved(organisation, access.can_edit_area_settings(organisation.area))
    stored = Organisation.objects.get(pk=organisation.pk)
    return _saved(organisation, access.can_edit_organisation(stored))


@transaction.atomic
def person_save(*, access: MayEditParties, person: Person) -> Person:
    """A new person (the administrator, or an organisation's contact) or a change to one
    (the administrator, or the contact of the person's organisation)."""
    if person.pk is None:
        return _saved(person, access.can_create_person(person.area))
    return _saved(person, access.can_edit_person(Person.objects.get(pk=person.pk)))


@transaction.atomic
def named_role_save(*, access: MayEditParties, role: NamedRole) -> NamedRole:
    """A named role of an organisation (its hyte person, its contact for letters...)."""
    require(access.can_edit_organisation(role.organisation))
    if role.pk is not None:
        stored = NamedRole.objects.select_related("organisation").get(pk=role.pk)
        require(access.can_edit_organisation(stored.organisation))
    role.full_clean()
    role.save()
    return role


@transaction.atomic
def counterpart_save(*, access: MayEditParties, pair: CounterpartPair) -> CounterpartPair:
    """A county person and a municipality person who are each other's counterparts: a
    new pair by the administrator or a municipality's contact; a change by the
    administrator, or the contact of the municipality person's organisation."""
    if pair.pk is None:
        require(access.can_edit_counterparts(pair.area))
    elif not access.is_admin(pair.area):
        stored = CounterpartPair.objects.select_related("municipality_person").get(pk=pair.pk)
        own = access.contact_organisations(pair.area)
        require(stored.municipality_person.organisation_id in own)
    pair.full_clean()
    pair.save()
    return pair


@transaction.atomic
def calendar_link_renew(*, user_id: int | None, person: Person) -> Person:
    """A new personal calendar link for its owner; the links given before stop working."""
    require(user_id is not None and person.user_id == user_id)
    person.calendar_key = secrets.token_urlsafe(16)
    person.save(update_fields=["calendar_key"])
    return person


@transaction.atomic
def calendar_link_off(*, user_id: int | None, person: Person) -> Person:
    """The owner turns the personal calendar link off: every link given stops working."""
    require(user_id is not None and person.user_id == user_id)
    person.calendar_key = Person.CALENDAR_OFF
    person.save(update_fields=["calendar_key"])
    return person
