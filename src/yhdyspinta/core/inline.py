"""One way a service saves a row with the rows a form set edits under it (a body's
rhythm rules, a structure's rhythm, a theme-work group's ideas, a draft's sections)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Model


def save_inline(
    parent: Model, field: str, rows: Iterable[Model], removed: Iterable[Model] = ()
) -> None:
    """The parent's rows as its form set left them: the removed ones deleted (only the
    parent's own: a row of another is refused), the others checked and saved under it."""
    for row in removed:
        if getattr(row, f"{field}_id") != parent.pk:
            raise PermissionDenied
        row.delete()
    for row in rows:
        setattr(row, field, parent)
        row.full_clean()
        row.save()
