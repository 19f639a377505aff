"""What nomination rounds and comment rounds share: a request to one organisation with a
personal, expiring, single-use answer link, its contact addresses and reminder pacing."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from yhdyspinta.accounts.models import AreaRole
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.communications.services import Recipient, enqueue

REMINDER_PAUSE = timedelta(hours=20)


class AnswerChannel(models.TextChoices):
    """How an answer reached the convener."""

    APP = "app", gettext_lazy("In the app")
    LINK = "link", gettext_lazy("Through the personal link")
    EMAIL = "email", gettext_lazy("By e-mail")
    LETTER = "letter", gettext_lazy("By letter")
    REGISTRY = "registry", gettext_lazy("Through the registry")


class PersonalLinkRequest(models.Model):
    """Abstract: the sending, reminding and link state of a request to an organisation."""

    sent_at = models.DateTimeField(gettext_lazy("sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(gettext_lazy("last reminder"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    # Only a hash is stored: the link itself is in the e-mail alone.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    token_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def link_deadline(self) -> date:
        # Every request belongs to a round with a deadline; the link outlives it a week.
        return self.round.deadline

    def new_token(self) -> str:
        """A fresh single-use link token, valid until a week past the deadline."""
        token = secrets.token_urlsafe(24)
        self.token_hash = self.hash_token(token)
        deadline_end = timezone.make_aware(
            timezone.datetime.combine(self.link_deadline(), timezone.datetime.max.time())
        )
        self.token_expires_at = deadline_end + timedelta(days=7)
        self.token_used_at = None
        return token

    def remind_now(self, now) -> bool:
        """Whether a reminder may go out now (at most one in about a day)."""
        return not self.reminded_at or now - self.reminded_at >= REMINDER_PAUSE


def by_token(queryset: models.QuerySet, token: str):
    """The request behind a personal link, or a clear refusal."""
    request = queryset.filter(token_hash=PersonalLinkRequest.hash_token(token)).first()
    if request is None:
        raise ValidationError(_("This link is not valid. Ask the convener for a new one."))
    if request.token_used_at:
        raise ValidationError(
            _(
                "This link has already been used to send the answer. "
                "Ask the convener for a new link if you need to change it."
            )
        )
    if request.token_expires_at and timezone.now() > request.token_expires_at:
        raise ValidationError(_("This link has expired. Ask the convener for a new one."))
    return request


def contact_addresses(organisation) -> list[str]:
    """Who receives a request: the organisation's contacts in the app, else its
    general address."""

    users = AreaRole.objects.filter(
        organisation=organisation, role=AreaRole.Role.ORGANISATION_CONTACT
    ).select_related("user")
    addresses = [r.user.email for r in users if r.user.email]
    if not addresses and organisation.email:
        addresses = [organisation.email]
    return addresses


def absolute_link(url_name: str, token: str) -> str:
    return settings.SITE_URL + reverse(url_name, kwargs={"token": token})


def open_round(round, requests: models.QuerySet, request_ids: list[int] | None):
    """Open a draft round for answers (a closed one cannot be sent again) and return the
    requests to send: all of them, or those named."""
    if round.status == "closed":
        raise ValidationError(_("The round is closed."))
    round.status = "open"
    round.save(update_fields=["status", "updated_at"])
    return requests if request_ids is None else requests.filter(pk__in=request_ids)


@dataclass(frozen=True)
class Sent:
    """What sending or reminding did: organisations reached and those skipped (no
    address); the delivery report lists them by name."""

    reached: int
    skipped: int


def recipients_of(organisation) -> list[Recipient]:
    """The outbox recipients for an organisation: its contacts, else its general address,
    else one recipient without an address (recorded as skipped)."""
    addresses = contact_addresses(organisation)
    if not addresses:
        return [Recipient("", organisation=organisation)]
    return [Recipient(address, organisation=organisation) for address in addresses]


def unreachable(requests: Iterable[PersonalLinkRequest]) -> list:
    """The organisations of these requests that no e-mail would reach."""
    return [r.organisation for r in requests if not contact_addresses(r.organisation)]


def send_requests(
    requests: Iterable[PersonalLinkRequest],
    *,
    round,
    link_name: str,
    subject: str,
    reply_to: str,
    body: Callable[[PersonalLinkRequest, str], str],
    letter: Callable[[PersonalLinkRequest], tuple[str, bytes]],
) -> Sent:
    """Give each request a personal link and queue its e-mail with the letter (PDF), one
    message per address (the outbox sends them after commit). An organisation without
    an address is recorded as skipped."""
    reached = skipped = 0
    for request in requests:
        token = request.new_token()
        request.sent_at = timezone.now()
        request.save()
        link = absolute_link(link_name, token)
        filename, content = letter(request)
        if _queue(
            request,
            round=round,
            kind=OutgoingMessage.Kind.ROUND_REQUEST,
            subject=subject,
            body=body(request, link),
            link=link,
            attachments=[(filename, content, "application/pdf")],
            reply_to=reply_to,
        ):
            reached += 1
        else:
            skipped += 1
    return Sent(reached, skipped)


def _queue(request: PersonalLinkRequest, *, round, kind: str, **message) -> bool:
    """Queue one request's message for its organisation's addresses; False when the
    organisation has none (recorded as skipped)."""
    recipients = recipients_of(request.organisation)
    enqueue(
        area=request.organisation.area, kind=kind, about=round, recipients=recipients, **message
    )
    return bool(recipients[0].email)


def _current_link(round, request: PersonalLinkRequest) -> str:
    """The link the request was sent with: a reminder carries the same one, so that
    the first e-mail's link keeps working."""
    message = (
        OutgoingMessage.objects.filter(
            about_type=ContentType.objects.get_for_model(round),
            about_id=round.pk,
            organisation=request.organisation,
            kind=OutgoingMessage.Kind.ROUND_REQUEST,
        )
        .exclude(link="")
        .order_by("-created_at", "-pk")
        .first()
    )
    return message.link if message is not None else ""


def send_reminders(
    requests: Iterable[PersonalLinkRequest],
    *,
    round,
    now,
    link_name: str,
    subject: str,
    body: Callable[[PersonalLinkRequest, str], str],
) -> Sent:
    """Remind each request's organisation, at most once in about a day, with the link it
    already has (a new one only when the old has expired or was never sent)."""
    reached = skipped = 0
    for request in requests:
        if not request.remind_now(now):
            continue
        link = _current_link(round, request)
        expired = request.token_expires_at and request.token_expires_at <= now
        if not link or expired:
            link = absolute_link(link_name, request.new_token())
        request.reminded_at = now
        request.reminder_count += 1
        request.save()
        reminder = {"subject": subject, "body": body(request, link), "link": link}
        if _queue(request, round=round, kind=OutgoingMessage.Kind.REMINDER, **reminder):
            reached += 1
        else:
            skipped += 1
    return Sent(reached, skipped)


def consume_token(request: PersonalLinkRequest) -> None:
    """Mark a single-use link used, exactly once even when two submits race: the
    conditional update lets one through; the other gets a clear message."""
    used = (
        type(request)
        .objects.filter(pk=request.pk, token_used_at__isnull=True)
        .update(token_used_at=timezone.now())
    )
    if not used:
        raise ValidationError(
            _(
                "This link has already been used to send the answer. "
                "Ask the convener for a new link if you need to change it."
            )
        )
    request.token_used_at = timezone.now()


# --- what the sender sees -------------------------------------------------------------


def report_sent(request, sent) -> None:
    """Say how many organisations a send or reminder reaches, and how many it skipped
    for want of an address, never only the good news."""
    messages.success(
        request,
        ngettext(
            "Queued for %(count)s organisation; the delivery report shows when it is sent.",
            "Queued for %(count)s organisations; the delivery report shows when they are sent.",
            sent.reached,
        )
        % {"count": sent.reached},
    )
    if sent.skipped:
        messages.warning(
            request,
            ngettext(
                "%(count)s organisation has no e-mail address and was not reached: "
                "see the delivery report.",
                "%(count)s organisations have no e-mail address and were not reached: "
                "see the delivery report.",
                sent.skipped,
            )
            % {"count": sent.skipped},
        )


def confirm_unreachable(request, *, context: dict, requests, back_url: str):
    """Before a round goes out: when some organisations have no address, the sender
    sees them listed and must say yes (nothing is sent to them, and a round that would
    reach nobody is not sent by accident). None when there is nothing to confirm."""
    requests = list(requests)
    skipped = unreachable(requests)
    if not skipped or request.POST.get("confirm") == "yes":
        return None
    return render(
        request,
        "communications/confirm_send.html",
        {
            **context,
            "skipped": skipped,
            "reached": len(requests) - len(skipped),
            "total": len(requests),
            "action_url": request.path,
            "back_url": back_url,
        },
    )


def send_round(request, *, context: dict, round, send):
    """A round's send button: confirm first when organisations would be skipped, then
    send and say what happened. Returns the confirmation page, or None when sent."""
    confirm = confirm_unreachable(
        request,
        context=context,
        requests=round.requests.select_related("organisation"),
        back_url=round.get_absolute_url(),
    )
    if confirm is None:
        report_sent(request, send(round=round))
    return confirm
