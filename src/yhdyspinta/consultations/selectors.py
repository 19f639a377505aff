"""Reads shared by every kind of round: what the outbox did with each request."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yhdyspinta.accounts.models import AreaRole
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.parties.models import Organisation

from .models import Request, Round

M = OutgoingMessage.Status
REQUEST_KINDS = (OutgoingMessage.Kind.ROUND_REQUEST, OutgoingMessage.Kind.FOLLOW_UP)


def _state(statuses: list[tuple[str, datetime | None, str]]) -> tuple[str, datetime | None, str]:
    """One send's state over its messages (one per address): sent if any went out, else
    failed, else still in the outbox, else nobody had an address."""
    sent = [at for status, at, _e in statuses if status == M.SENT and at]
    if sent:
        return M.SENT, max(sent), ""
    failed = [error for status, _at, error in statuses if status == M.FAILED]
    if failed:
        return M.FAILED, None, failed[-1]
    if any(status in (M.QUEUED, M.SENDING) for status, _at, _e in statuses):
        return M.QUEUED, None, ""
    return M.NO_ADDRESS, None, ""


@dataclass(frozen=True)
class Delivery:
    """What really happened to a request's e-mail and its last reminder."""

    state: str  # an OutgoingMessage.Status, or "" when nothing was queued
    sent_at: datetime | None = None
    error: str = ""
    reminders: int = 0
    reminder_state: str = ""
    recorded_at: datetime | None = None  # the request's own "sent", e.g. from before the outbox

    def text(self) -> str:
        """One line for a status board, in the active language."""
        words: dict[str, str] = {
            "": _("not sent yet"),
            M.QUEUED: _("in the outbox, not yet sent"),
            M.SENDING: _("in the outbox, not yet sent"),
            M.NO_ADDRESS: _("not sent: no e-mail address"),
            M.FAILED: _("sending failed: %(error)s") % {"error": self.error},
        }
        if self.state == M.SENT and self.sent_at:
            day = date_format(timezone.localtime(self.sent_at), "j.n.Y")
            line = _("sent %(day)s") % {"day": day}
        elif not self.state and self.recorded_at:
            day = date_format(timezone.localtime(self.recorded_at), "j.n.Y")
            line = _("recorded as sent %(day)s, not through the app's e-mail") % {"day": day}
        else:
            line = words.get(self.state, words[""])
        if self.reminders:
            count = ngettext("%(n)s reminder", "%(n)s reminders", self.reminders) % {
                "n": self.reminders
            }
            if self.reminder_state and self.reminder_state != M.SENT:
                lasts: dict[str, str] = {
                    M.NO_ADDRESS: _("the last not sent: no e-mail address"),
                    M.FAILED: _("the last failed"),
                }
                last = lasts.get(self.reminder_state, _("the last still in the outbox"))
                count = f"{count} ({last})"
            line = f"{line}, {count}"
        return line


def of_requests(round: Round, requests: Iterable[Request]) -> dict[int, Delivery]:
    """The deliveries of a round's requests, by organisation id."""
    requests = list(requests)
    return deliveries(
        round,
        {r.organisation_id: r.reminder_count for r in requests},
        {r.organisation_id: r.sent_at for r in requests if r.sent_at},
    )


def deliveries(
    round: Round, reminded: dict[int, int], recorded: dict[int, datetime] | None = None
) -> dict[int, Delivery]:
    """Each organisation's delivery of a round's request and reminders, read from the
    outbox in one query. `reminded`: organisation id → how many reminders were made;
    `recorded`: organisation id → when its request was marked sent."""
    recorded = recorded or {}
    kind = ContentType.objects.get_for_model(round)
    requests: dict[int, dict[datetime, list]] = {}
    reminders: dict[int, dict[datetime, list]] = {}
    for organisation_id, message_kind, status, sent_at, error, created_at in (
        OutgoingMessage.objects.filter(about_type=kind, about_id=round.pk)
        .filter(kind__in=(*REQUEST_KINDS, OutgoingMessage.Kind.REMINDER))
        .order_by("created_at", "pk")
        .values_list("organisation_id", "kind", "status", "sent_at", "last_error", "created_at")
    ):
        into = reminders if message_kind == OutgoingMessage.Kind.REMINDER else requests
        # One send's messages are queued together: their moment, to the second, is the send.
        batch = created_at.replace(microsecond=0)
        into.setdefault(organisation_id, {}).setdefault(batch, []).append((status, sent_at, error))
    result = {}
    for organisation_id in set(requests) | set(reminders) | set(reminded) | set(recorded):
        state, at, error = ("", None, "")
        sends = requests.get(organisation_id)
        if sends:
            state, at, error = _state(sends[max(sends)])
        reminder_state = ""
        later = reminders.get(organisation_id)
        if later:
            reminder_state = _state(later[max(later)])[0]
        result[organisation_id] = Delivery(
            state,
            at,
            error,
            reminded.get(organisation_id, 0),
            reminder_state,
            recorded.get(organisation_id),
        )
    return result


@dataclass(frozen=True)
class Reach:
    """How many of a round's organisations an e-mail reaches, and those it cannot."""

    reached: int
    total: int
    unreachable: list  # (request, organisation) without any address


def unreachable_ids(organisations: Iterable[Organisation]) -> set[int]:
    """The organisations a round's e-mail cannot reach: no contact in the app with an
    address and no general address (consultations.services.contact_addresses), read
    in one query."""
    organisations = list(organisations)
    with_contact = set(
        AreaRole.objects.filter(
            organisation_id__in=[o.pk for o in organisations],
            role=AreaRole.Role.ORGANISATION_CONTACT,
        )
        .exclude(user__email="")
        .values_list("organisation_id", flat=True)
    )
    return {o.pk for o in organisations if o.pk not in with_contact and not o.email}


def reach(requests: Iterable[Request]) -> Reach:
    """How many of these requests' organisations an e-mail reaches."""
    requests = list(requests)
    missing_ids = unreachable_ids(r.organisation for r in requests)
    missing = [(r, r.organisation) for r in requests if r.organisation_id in missing_ids]
    return Reach(len(requests) - len(missing), len(requests), missing)
