"""The writes of an area's own settings: its sub-regions, themes, council terms and
deadlines, and the rows other apps keep as the area's settings (its recurring events,
its indicators' annex, the HYTE-kerroin's parameters)."""

from __future__ import annotations

from typing import Protocol

from django.db import transaction
from django.db.models import Model

from yhdyspinta.core.permission import require

from .models import Area


class MayEditAreaSettings(Protocol):
    """What a setting's save asks of the caller's access (accounts.permissions.Access,
    which sits above this app)."""

    def can_edit_area_settings(self, area: Area) -> bool: ...


@transaction.atomic
def setting_save[M: Model](*, access: MayEditAreaSettings, row: M) -> M:
    """A row of the area's settings (the area itself, or a row with an `area`), checked
    and saved as its form built it: the area's administrator."""
    area = row if isinstance(row, Area) else getattr(row, "area", None)
    require(isinstance(area, Area) and access.can_edit_area_settings(area))
    row.full_clean()
    row.save()
    return row
