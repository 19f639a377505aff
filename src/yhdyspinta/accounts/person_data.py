"""A person's data report for an access request (GDPR art. 15): every row that names
the person, found through the model relations (so a new app's rows are included without
changing this module), the change history of the person row, and the user account with
its roles and use log."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.core.documents import docx_bytes, docx_document, docx_table
from yhdyspinta.parties.models import Person

from .models import AreaRole, UseLogEntry

__all__ = ["Report", "as_docx", "collect"]


@dataclass
class Report:
    person: Person
    facts: list[tuple[str, str]]
    sections: list[tuple[str, list[str]]] = field(default_factory=list)


def _value(person: Person, model_field: models.Field) -> str:
    value = getattr(person, model_field.name)
    if value in (None, ""):
        return "—"
    if model_field.choices:
        return str(getattr(person, f"get_{model_field.name}_display")())
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    return str(value)


def collect(person: Person) -> Report:
    facts = [
        (str(f.verbose_name), _value(person, f))
        for f in Person._meta.concrete_fields
        # The calendar link's key is a secret, not data about the person.
        if f.name not in ("id", "calendar_key")
    ]
    report = Report(person=person, facts=facts)
    for relation in Person._meta.related_objects:
        model = relation.related_model
        if model.__name__.startswith("Historical"):
            continue
        accessor = relation.get_accessor_name()
        if relation.one_to_one:
            rows = [str(getattr(person, accessor))] if hasattr(person, accessor) else []
        else:
            rows = [str(row) for row in getattr(person, accessor).all()]
        if rows:
            report.sections.append((str(model._meta.verbose_name_plural).capitalize(), rows))
    history = [
        f"{timezone.localtime(h.history_date):%d.%m.%Y %H:%M} {h.get_history_type_display()}"
        f" ({h.history_user or '—'})"
        for h in person.history.select_related("history_user")
    ]
    report.sections.append((_("Change history of the person"), history))
    if person.user_id:
        user = person.user
        report.sections.append(
            (
                _("User account"),
                [
                    _("User name: %(name)s") % {"name": user.get_username()},
                    _("Account created: %(when)s")
                    % {"when": timezone.localtime(user.date_joined).strftime("%d.%m.%Y")},
                ]
                + [str(role) for role in AreaRole.objects.filter(user=user)],
            )
        )
        report.sections.append(
            (
                _("Use log of the account (newest 200)"),
                [
                    f"{timezone.localtime(e.at):%d.%m.%Y %H:%M} {e.get_action_display()} {e.target}"
                    for e in UseLogEntry.objects.filter(user=user)[:200]
                ],
            )
        )
    return report


def as_docx(report: Report) -> bytes:
    document = docx_document(
        organisation=report.person.area.name,
        kind=_("Data report"),
        title=_("Data about %(person)s") % {"person": report.person},
    )
    docx_table(document, [_("Field"), _("Value")], [list(f) for f in report.facts])
    for title, rows in report.sections:
        document.add_heading(title, level=2)
        for row in rows or ["—"]:
            document.add_paragraph(row, style="List Bullet")
    return docx_bytes(document)
