"""Writes of the welfare reports: the coordinator's texts, saved in one transaction with
the permission check and the lost-update check of every shared edit form."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from yhdyspinta.areas.models import Area
from yhdyspinta.core import locking
from yhdyspinta.parties.models import Organisation

from .models import ReportText, Section

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from yhdyspinta.accounts.permissions import Access


def can_write(access: Access, area: Area, organisation: Organisation | None) -> bool:
    """The area administrator writes every report; a municipality's contact its own."""
    if access.can_edit_area_settings(area):
        return True
    return organisation is not None and organisation.pk in access.contact_organisations(area)


def lock_values(saved: dict[str, str], sections: Iterable[str]) -> dict[str, str]:
    """What the edit form was opened on, labelled as the page shows the sections."""
    return {str(Section(key).label): saved.get(key, "") for key in sections}


@transaction.atomic
def save_texts(
    *,
    access: Access,
    user: User,
    area: Area,
    organisation: Organisation | None,
    kind: str,
    year: int,
    texts: dict[str, str],
    token: str,
) -> int:
    """Save the sections' texts; refuse (locking.check) when someone else saved any of
    them since the form was opened. Returns the number of sections changed."""
    if not can_write(access, area, organisation):
        raise PermissionDenied
    rows = {
        t.section: t
        for t in ReportText.objects.select_for_update().filter(
            area=area, organisation=organisation, kind=kind, year=year
        )
    }
    locking.check(token, lock_values({k: r.text for k, r in rows.items()}, texts))
    changed = 0
    for section, text in texts.items():
        row = rows.get(section)
        if row is None:
            if text:
                try:
                    with transaction.atomic():
                        ReportText.objects.create(
                            area=area,
                            organisation=organisation,
                            kind=kind,
                            year=year,
                            section=section,
                            text=text,
                            updated_by=user,
                        )
                except IntegrityError as error:  # the other one wrote it first, just now
                    label = str(Section(section).label)
                    raise locking.conflict_error([label]) from error
                changed += 1
        elif row.text != text:
            row.text, row.updated_by = text, user
            row.approved_at = row.approved_by = None  # what was approved has changed
            row.save()
            changed += 1
    return changed


@transaction.atomic
def approve_texts(
    *,
    access: Access,
    user: User,
    area: Area,
    organisation: Organisation | None,
    kind: str,
    year: int,
) -> int:
    """Approve the report's written texts as they stand (each row in its history).
    Returns how many were approved now."""
    if not can_write(access, area, organisation):
        raise PermissionDenied
    rows = (
        ReportText.objects.select_for_update()
        .filter(area=area, organisation=organisation, kind=kind, year=year)
        .filter(approved_at__isnull=True)
        .exclude(text="")
    )
    now = timezone.now()
    approved = 0
    for row in rows:
        row.approved_at, row.approved_by = now, user
        row.save(update_fields=["approved_at", "approved_by", "updated_at"])
        approved += 1
    return approved
