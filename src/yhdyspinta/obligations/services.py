"""Writes of the obligations context: how an area fulfils each obligation."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.bodies.models import Body

from .models import GroupVenue, Practice, Rule

__all__ = ["practice_save"]


@transaction.atomic
def practice_save(
    *,
    access: Access,
    practice: Practice,
    bodies: list[Body],
    venues: dict[str, list[Body]],
    mode: str | None = None,
) -> Practice:
    """Save the area's way of fulfilling one obligation (the area administrator's)."""
    area = practice.area
    if not access.can_edit_area_settings(area):
        raise PermissionDenied
    if any(b.area_id != area.pk for b in bodies) or any(
        b.area_id != area.pk for group in venues.values() for b in group
    ):
        raise PermissionDenied
    practice.save()
    practice.bodies.set(bodies)
    practice.venues.all().delete()
    GroupVenue.objects.bulk_create(
        GroupVenue(practice=practice, group=group, body=body)
        for group, chosen in venues.items()
        for body in chosen
    )
    if practice.rule == Rule.TERM_611_14 and mode and mode != area.negotiation_611_mode:
        area.negotiation_611_mode = mode
        area.save(update_fields=["negotiation_611_mode", "updated_at"])
    return practice
