"""Optimistic locking for every edit form of a record people share.

A form carries, in a hidden field, a signed fingerprint of what it was opened on: one
short digest per labelled value (a field, a row of a sheet). When it comes back, the
values are read again inside the saving transaction, under a row lock on the record;
if any differ, nothing is saved and the user is told which values someone else changed
and what they are now. The user's own input is kept on the page, with a fresh
fingerprint, so a second save deliberately keeps their version."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from django.core import signing
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils.text import Truncator
from django.utils.translation import gettext as _

FIELD = "_edited_from"
# The salt keeps the name the module had when it lived in web: form keys already handed out
# stay valid across the upgrade.
_SALT = "yhdyspinta.web.locking"


def _digest(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:16]


def fingerprint(values: Mapping[str, object]) -> str:
    """The hidden field's value for a form opened on these labelled values."""
    return signing.dumps({label: _digest(v) for label, v in values.items()}, salt=_SALT)


def changes_since(token: str, values: Mapping[str, object]) -> list[str]:
    """The labelled values that differ from the fingerprint, as "label: value now".
    An empty list: nobody else saved. A missing or forged token counts as unchanged
    (the form then behaves as it did before locking: a reload gives a fresh token)."""
    try:
        opened = signing.loads(token, salt=_SALT) if token else None
    except signing.BadSignature:
        opened = None
    if not isinstance(opened, dict):
        return []
    changed = []
    for label, value in values.items():
        if opened.get(label) != _digest(value):
            shown = Truncator(_shown(value)).chars(120)
            changed.append(f"{label}: {shown}")
    changed.extend(f"{label}: —" for label in opened if label not in values)
    return changed


def _shown(value: object) -> str:
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value) or "—"
    return str(value) if value not in (None, "") else "—"


def conflict_error(changes: list[str]) -> ValidationError:
    return ValidationError(
        _(
            "Someone else saved this in the meantime. Nothing of yours was saved and "
            "nothing of theirs was overwritten. Saved now: %(changes)s. Check the fields "
            "and save again to keep your version."
        )
        % {"changes": "; ".join(changes) or _("no visible difference")}
    )


def check(token: str, values: Mapping[str, object]) -> None:
    """Raise the Finnish conflict message when the values changed since the form was
    opened. Call it inside the saving transaction, after locking the record's row."""
    if changes := changes_since(token, values):
        raise conflict_error(changes)


def row_values(*objects) -> dict[str, object]:
    """The labelled values of whole rows (every concrete and many-to-many field,
    labelled by the row and the field's name), for forms that edit several rows."""
    values: dict[str, object] = {}
    for obj in objects:
        for field in obj._meta.concrete_fields:
            if field.name in {"updated_at", "created_at"}:
                continue
            # A loaded related row reads as its name; otherwise its key (no query).
            shown = field.name if field.is_relation and field.is_cached(obj) else field.attname
            values[f"{obj} / {field.verbose_name}"] = getattr(obj, shown)
        for field in obj._meta.many_to_many:
            related = getattr(obj, field.name).all() if obj.pk else []
            values[f"{obj} / {field.verbose_name}"] = sorted(str(r) for r in related)
    return values


def form_values(obj, form) -> dict[str, object]:
    """The saved values behind a model form's fields, labelled as the form shows them."""
    names = [name for name in form.fields if name in _model_field_names(obj)]
    data = model_to_dict(obj, fields=names)
    return {str(form.fields[name].label or name): data[name] for name in names if name in data}


def _model_field_names(obj) -> set[str]:
    return {f.name for f in obj._meta.get_fields()}
