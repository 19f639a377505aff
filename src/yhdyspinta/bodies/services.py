"""Writes of bodies and memberships. Each runs in a transaction and validates the model
before saving (HackSoft styleguide)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from yhdyspinta.core.inline import save_inline
from yhdyspinta.core.permission import require

from .models import Body, Membership, RhythmRule

if TYPE_CHECKING:
    from yhdyspinta.areas.models import Area, Theme


class MayEditBodies(Protocol):
    """What a body's or a seat's save asks of the caller's access (accounts.permissions.Access,
    which sits above this app)."""

    def can_edit_body(self, body: Body) -> bool: ...

    def can_edit_area_settings(self, area: Area) -> bool: ...

    def can_seat(self, membership: Membership) -> bool: ...

    def can_edit_membership(self, membership: Membership) -> bool: ...


__all__ = ["body_save", "membership_end", "membership_save"]


@transaction.atomic
def body_save(
    *,
    access: MayEditBodies,
    body: Body,
    themes: Iterable[Theme],
    rules: Iterable[RhythmRule] = (),
    removed_rules: Iterable[RhythmRule] = (),
) -> Body:
    """Save a body with its themes and rhythm rules as one change: a new body by the
    area's administrator, a change by them or the body's secretary."""
    allowed = access.can_edit_body(body) if body.pk else access.can_edit_area_settings(body.area)
    if not allowed:
        raise PermissionDenied
    body.full_clean()
    body.save()
    body.themes.set(themes)
    save_inline(body, "body", rules, removed_rules)
    return body


@transaction.atomic
def membership_save(*, access: MayEditBodies, membership: Membership) -> Membership:
    """Save a seat, if this user may (Access.can_seat)."""
    if not access.can_seat(membership):
        raise PermissionDenied(
            _(
                "An organisation contact can seat only its own organisation's people as "
                "members or deputies, in a body where the organisation already sits. "
                "The chair and vice-chair are elected."
            )
        )
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_end(*, access: MayEditBodies, membership: Membership, ends_on: date) -> Membership:
    """End a seat (and the seats of its deputies) on a day. Nothing is deleted."""
    require(access.can_edit_membership(membership))
    membership.ends_on = ends_on
    membership.full_clean()
    membership.save(update_fields=["ends_on", "updated_at"])
    for deputy in membership.deputies.filter(ends_on__isnull=True):
        deputy.ends_on = max(ends_on, deputy.starts_on)
        deputy.save(update_fields=["ends_on", "updated_at"])
    return membership
