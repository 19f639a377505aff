"""Who changed what and when: an object's django-simple-history records as readable
entries, many-to-many changes included."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_m2m_reverse_field_name

__all__ = ["HistoryEntry", "history_entries", "history_records"]


@dataclass
class HistoryEntry:
    when: object
    who: str
    kind: str
    changes: list[tuple[str, str, str]]
    reason: str = ""


# simple-history ships no Finnish or Swedish labels for its record types.
HISTORY_KINDS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def history_records(obj: Model):
    """The object's history records, newest first (what the history page pages)."""
    return obj.history.order_by("-history_date", "-pk")


def history_entries(obj: Model, limit: int = 200, start: int = 0) -> list[HistoryEntry]:
    """`limit` entries of the object's change history from `start`, newest first, each
    with its field changes (one record more is read, the one each page's last entry is
    compared with). Foreign keys are shown by name, fetched in one query per related
    model."""
    records = list(history_records(obj).select_related("history_user")[start : start + limit + 1])
    m2m_fields = list(getattr(obj.history.model, "_history_m2m_fields", []))
    m2m_values = _m2m_values(records, m2m_fields)
    raw: list[list[tuple]] = []
    wanted: dict[type, set] = {}
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            for m2m_field in m2m_fields:
                old = m2m_values[m2m_field.name].get(previous.pk, set())
                new = m2m_values[m2m_field.name].get(record.pk, set())
                if old != new:
                    wanted.setdefault(m2m_field.related_model, set()).update(old | new)
                    changes.append((m2m_field, _M2MChange(m2m_field.name, old, new)))
            excluded = [f.name for f in m2m_fields]
            diff = record.diff_against(
                previous, foreign_keys_are_objs=False, excluded_fields=excluded
            )
            for change in diff.changes:
                model_field = _model_field(obj, change.field)
                if model_field is not None and model_field.many_to_one:
                    wanted.setdefault(model_field.related_model, set()).update(
                        v for v in (change.old, change.new) if v is not None
                    )
                changes.append((model_field, change))
        raw.append(changes)
    names = {
        model: {o.pk: str(o) for o in model._default_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
    }
    entries = []
    for record, changes in zip(records[:limit], raw, strict=True):
        shown = []
        for model_field, change in changes:
            label = str(model_field.verbose_name) if model_field is not None else change.field
            if model_field is not None and model_field.many_to_one:
                lookup = names[model_field.related_model]
                old, new = lookup.get(change.old, change.old), lookup.get(change.new, change.new)
            elif isinstance(change, _M2MChange):
                lookup = names[model_field.related_model]
                old = sorted(lookup.get(pk, str(pk)) for pk in change.old)
                new = sorted(lookup.get(pk, str(pk)) for pk in change.new)
            else:
                old, new = change.old, change.new
            shown.append((label, _show(old), _show(new)))
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else "—",
                kind=str(HISTORY_KINDS.get(record.history_type, record.history_type)),
                changes=shown,
                reason=record.history_change_reason or "",
            )
        )
    return entries


@dataclass
class _M2MChange:
    field: str
    old: set
    new: set


def _m2m_values(records: list, m2m_fields: list) -> dict[str, dict[int, set]]:
    """For each many-to-many field, the related ids of every history record: one query
    per field instead of two per record."""
    values: dict[str, dict[int, set]] = {}
    for m2m_field in m2m_fields:
        values[m2m_field.name] = {}
        if not records:
            continue
        through = getattr(records[0], m2m_field.name).model
        target = get_m2m_reverse_field_name(m2m_field)
        rows = through.objects.filter(history__in=[r.pk for r in records]).values_list(
            "history_id", target
        )
        for history_id, related_id in rows:
            values[m2m_field.name].setdefault(history_id, set()).add(related_id)
    return values


def _model_field(obj: Model, name: str):
    try:
        return obj._meta.get_field(name)
    except Exception:  # a name only the history model has
        return None


def _show(value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v.get("theme", v)) if isinstance(v, dict) else str(v) for v in value)
    return str(value)
