"""Writes of bodies and memberships. Each runs in a transaction and validates the model
before saving (HackSoft styleguide)."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Body, Membership

__all__ = ["body_save", "membership_end", "membership_save"]


@transaction.atomic
def body_save(*, form, rhythm_formset) -> Body:
    """Save a body with its rhythm rules as one change."""
    body = form.save()
    rhythm_formset.instance = body
    rhythm_formset.save()
    return body


@transaction.atomic
def membership_save(*, access, membership: Membership) -> Membership:
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
def membership_end(*, membership: Membership, ends_on: date) -> Membership:
    """End a seat (and the seats of its deputies) on a day. Nothing is deleted."""
    membership.ends_on = ends_on
    membership.full_clean()
    membership.save(update_fields=["ends_on", "updated_at"])
    for deputy in membership.deputies.filter(ends_on__isnull=True):
        deputy.ends_on = max(ends_on, deputy.starts_on)
        deputy.save(update_fields=["ends_on", "updated_at"])
    return membership
