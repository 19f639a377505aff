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
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.core.documents import docx_bytes, docx_document, docx_table
from yhdyspinta.core.permission import require
from yhdyspinta.parties.models import Person

from . import use_log
from .models import AreaRole, UseLogEntry
from .permissions import Access

__all__ = [
    "ERASED_ADDRESS",
    "HOLDERS",
    "Holder",
    "Report",
    "anonymise",
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


# What stands in an erased address's place (the .invalid domain reaches nobody).
ERASED_ADDRESS = "poistettu@poistettu.invalid"


def _messages(person: Person) -> list[str]:
    if not person.email:
        return []
    return [
        f"{timezone.localtime(m.created_at):%d.%m.%Y %H:%M} {m.subject} ({m.get_status_display()})"
        for m in OutgoingMessage.objects.filter(recipient__iexact=person.email)[:200]
    ]


def _erase_messages(person: Person) -> int:
    """The messages to the address keep their date, subject and status (the delivery
    report of a round or a meeting), not the address or the text."""
    if not person.email:
        return 0
    rows = OutgoingMessage.objects.filter(recipient__iexact=person.email)
    status = OutgoingMessage.Status
    # One still waiting is not sent: its address is gone.
    rows.filter(status__in=[status.QUEUED, status.SENDING]).update(
        status=status.FAILED, last_error=_("Not sent: the recipient's data was erased.")
    )
    return rows.update(recipient=ERASED_ADDRESS, body="", html_body="", reply_to="")


HOLDERS: list[Holder] = [
    Holder(
        title=gettext_lazy("Messages to the person's e-mail address (newest 200)"),
        lines=_messages,
        kept=gettext_lazy(
            "as the delivery record of each round and meeting; an erasure removes the "
            "address and the text and keeps the date, subject and status"
        ),
        erase=_erase_messages,
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


@transaction.atomic
def anonymise(*, access: Access, person: Person, request: HttpRequest | None = None) -> int:
    """Erasure on request (GDPR art. 17) as far as the law allows: the person's name,
    title, e-mail and phone are replaced in the person row and in every version of its
    history, every registered holder erases or anonymises its rows (forum registrations,
    subscriptions, messages to the address), and the user account is closed and loses
    its name. What the law requires to be kept stays, pointing at the anonymised person:
    the seats, attendances and minutes of public bodies (the Archives Act and the Local
    Government Act), consents as proof (by a hash of the address only) and the use log
    (its retention). Returns the number of rows changed; the erasure is in the use log."""
    require(access.is_admin(person.area))
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    changed = sum(holder.erase(person) for holder in HOLDERS if holder.erase is not None)
    anonymous = {
        "first_name": _("Removed"),
        "last_name": _("person %(number)s") % {"number": person.pk},
        "title": "",
        "email": "",
        "phone": "",
    }
    changed += Person.objects.filter(pk=person.pk).update(**anonymous, user=None)
    changed += person.history.model.objects.filter(id=person.pk).update(**anonymous)
    if person.user is not None:
        user = person.user
        user.username = f"poistettu-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        AreaRole.objects.filter(user=user).delete()
        changed += 1
    use_log.record(
        request,
        UseLogEntry.Action.ERASED,
        area=person.area,
        target=_("person %(number)s") % {"number": person.pk},
    )
    return changed


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
                lines.append(f"{str(model._meta.verbose_name_plural).capitalize()}: {count}")
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
