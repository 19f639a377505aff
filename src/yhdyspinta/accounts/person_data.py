"""A person's data report for an access request (GDPR art. 15): every row that names
the person, found through the model relations (so a new app's rows are included without
changing this module), the change history of the person row and of every row that names
the person, the user account with its roles and use log, who has viewed the person's
data, and what the registry of holders (HOLDERS) finds where no relation leads: rows kept
by the person's e-mail address or its hash (the forum's registrations, the letter's
subscriptions and consents, which the outreach app registers at start-up). Each holder
says what an erasure would do with its rows and why (kept)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdyspinta.communications import services as outbox
from yhdyspinta.core.documents import docx_bytes, docx_document, docx_table
from yhdyspinta.parties.models import Person

from .models import AreaRole, UseLogEntry

__all__ = [
    "HOLDERS",
    "Holder",
    "Report",
    "as_docx",
    "collect",
    "register",
]


@dataclass(frozen=True)
class Holder:
    """Rows that hold a person's data where no relation to the person row leads."""

    title: str | Promise  # lazily translated
    lines: Callable[[Person], list[str]]
    kept: str | Promise  # what an erasure does with the rows, and why
    # Erases (or anonymises) the person's rows; returns how many. None: kept, by law.
    erase: Callable[[Person], int] | None = None


HOLDERS: list[Holder] = [
    Holder(
        title=gettext_lazy("Messages to the person's e-mail address (newest 200)"),
        lines=outbox.messages_to,
        kept=gettext_lazy(
            "as the delivery record of each round and meeting; an erasure removes the "
            "address and the text and keeps the date, subject and status"
        ),
        erase=outbox.erase_address,
    )
]


def register(holder: Holder) -> None:
    """An app's holder of personal data, registered in its AppConfig.ready()."""
    if holder not in HOLDERS:
        HOLDERS.append(holder)


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
    report.sections.append((_("Changes of other rows that name the person"), _histories(person)))
    viewed = UseLogEntry.objects.filter(
        area=person.area, path__contains=f"/people/{person.pk}/"
    ).select_related("user")[:200]
    report.sections.append(
        (
            _("Who has viewed the person's data (newest 200)"),
            [
                f"{timezone.localtime(e.at):%d.%m.%Y %H:%M} {e.username or e.user} "
                f"{e.get_action_display()} {e.target}"
                for e in viewed
            ],
        )
    )
    for holder in HOLDERS:
        lines = holder.lines(person)
        if lines:
            report.sections.append(
                (str(holder.title), [*lines, _("Kept: %(why)s") % {"why": holder.kept}])
            )
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


def _histories(person: Person) -> list[str]:
    """How many history rows of each kind name the person (a membership's changes, a
    nominee's, ...): the rows themselves are on each row's history page."""
    lines = []
    for model in apps.get_models():
        if not model.__name__.startswith("Historical") or model is person.history.model:
            continue
        names = {f.name for f in model._meta.fields}
        if "person" in names:
            count = model.objects.filter(person_id=person.pk).count()
            if count:
                # The tracked model's own name ("Jäsenyydet"), not the history model's
                # ("historical …", English in every language).
                tracked = model.instance_type._meta.verbose_name_plural  # type: ignore[attr-defined]
                lines.append(f"{str(tracked).capitalize()}: {count}")
    return lines


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
