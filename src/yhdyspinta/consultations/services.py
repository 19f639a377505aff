"""The one engine of every round: personal links, sending and reminding through the
outbox (one message per address, written with the change, sent after commit), the
reminder rule, and consuming a single-use link exactly once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.accounts.models import AreaRole
from yhdyspinta.accounts.permissions import Access
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.communications.services import MadeLater, Recipient, enqueue, send_skipped
from yhdyspinta.parties.models import Organisation

from .models import Request, Round


class LinkRefused(ValidationError):
    """A personal link that cannot be used, with whom to contact when the link is known
    (the round's address for written answers)."""

    def __init__(self, message: str, *, contact: str = "") -> None:
        super().__init__(message)
        self.contact = contact


def by_token[R: Request](queryset: models.QuerySet[R], token: str) -> R:
    """The request behind a personal link, or a clear refusal that says which and whom
    to contact."""
    request = queryset.filter(token_hash=Request.hash_token(token)).first()
    if request is None:
        raise LinkRefused(_("This link is not valid. Ask the convener for a new one."))
    contact = Round.objects.filter(pk=request.consultation_id).values_list(
        "reply_address", flat=True
    )[0]
    if request.token_used_at:
        raise LinkRefused(
            _(
                "This link has already been used to send the answer. "
                "Ask the convener for a new link if you need to change it."
            ),
            contact=contact,
        )
    if request.token_expires_at and timezone.now() > request.token_expires_at:
        raise LinkRefused(
            _("This link has expired. Ask the convener for a new one."), contact=contact
        )
    return request


def contact_addresses(organisation: Organisation) -> list[str]:
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


def open_round(
    round: Round, requests: models.QuerySet, request_ids: list[int] | None
) -> models.QuerySet:
    """Open a draft round for answers (a closed one cannot be sent again) and return the
    requests to send: those named, or all not yet sent. The round's row is locked until
    the caller's transaction ends, so a send posted twice (a double click, or two
    administrators at once) waits for the first and then finds nothing left to send:
    nobody gets two e-mails, and the first link stays valid."""
    Round.objects.select_for_update().filter(pk=round.pk).first()
    round.refresh_from_db(fields=["status"])
    if round.status == Round.Status.CLOSED:
        raise ValidationError(_("The round is closed."))
    round.status = Round.Status.OPEN
    round.save()
    if request_ids is None:
        return requests.filter(sent_at__isnull=True)
    return requests.filter(pk__in=request_ids)


@dataclass(frozen=True)
class Sent:
    """What sending or reminding did: organisations reached and those skipped (no
    address); the delivery report lists them by name."""

    reached: int
    skipped: int


def recipients_of(organisation: Organisation) -> list[Recipient]:
    """The outbox recipients for an organisation: its contacts, else its general address,
    else one recipient without an address (recorded as skipped)."""
    addresses = contact_addresses(organisation)
    if not addresses:
        return [Recipient("", organisation=organisation)]
    return [Recipient(address, organisation=organisation) for address in addresses]


def unreachable(requests: Iterable[Request]) -> list[Organisation]:
    """The organisations of these requests that no e-mail would reach."""
    return [r.organisation for r in requests if not contact_addresses(r.organisation)]


Link = Callable[[Request], str]


def personal_link(link_name: str) -> Link:
    """A request's new personal, single-use answer link (for those without an account)."""
    return lambda request: absolute_link(link_name, request.new_token())


@dataclass(frozen=True)
class RequestLetter:
    """A kind's request letter as a file of its message: made by the worker with the
    function the kind registered in communications.services.MAKERS under `maker`, from
    the request's id (the letter reads the link its message was sent with)."""

    maker: str
    filename: str  # e.g. "nimeamispyynto": the organisation's id and ".pdf" follow


def send_requests[R: Request](
    requests: Iterable[R],
    *,
    round: Round,
    link: Link,
    subject: str,
    body: Callable[[R, str], str],
    reply_to: str = "",
    letter: RequestLetter | None = None,
    kind: str = OutgoingMessage.Kind.ROUND_REQUEST,
) -> Sent:
    """Give each request its link (a personal one, or the page where it is answered in
    the app) and queue its e-mail, with the letter (PDF) when there is one: one message
    per address, sent by the outbox after commit, which makes the letter then (with the
    link the message carries). An organisation without an address is recorded as
    skipped."""
    reached = skipped = 0
    for request in requests:
        address = link(request)
        request.sent_at = timezone.now()
        request.save()
        attachments = []
        if letter is not None:
            attachments.append(
                MadeLater(
                    name=f"{letter.filename}-{request.organisation_id}.pdf",
                    mimetype="application/pdf",
                    maker=letter.maker,
                    made_from={"request": request.pk},
                )
            )
        if _queue(
            request,
            round=round,
            kind=kind,
            subject=subject,
            body=body(request, address),
            link=address,
            attachments=attachments,
            reply_to=reply_to,
        ):
            reached += 1
        else:
            skipped += 1
    return Sent(reached, skipped)


def _queue(request: Request, *, round: Round, kind: str, **message: Any) -> bool:
    """Queue one request's message for its organisation's addresses; False when the
    organisation has none (recorded as skipped)."""
    recipients = recipients_of(request.organisation)
    enqueue(
        area=request.organisation.area, kind=kind, about=round, recipients=recipients, **message
    )
    return bool(recipients[0].email)


def current_link(round: Round, request: Request) -> str:
    """The link the request was sent with: a reminder carries the same one, so that
    the first e-mail's link keeps working."""
    message = (
        OutgoingMessage.objects.filter(
            about_type=ContentType.objects.get_for_model(round),
            about_id=round.pk,
            organisation=request.organisation,
            kind__in=(OutgoingMessage.Kind.ROUND_REQUEST, OutgoingMessage.Kind.FOLLOW_UP),
        )
        .exclude(link="")
        .order_by("-created_at", "-pk")
        .first()
    )
    return message.link if message is not None else ""


def send_reminders[R: Request](
    requests: Iterable[R],
    *,
    round: Round,
    now: datetime,
    link: Link,
    subject: str,
    body: Callable[[R, str], str],
) -> Sent:
    """The one reminder rule: remind each request's organisation at most once in about
    a day, with the link it already has (a new one only when the old has expired or was
    never sent)."""
    reached = skipped = 0
    for request in requests:
        if not request.remind_now(now):
            continue
        address = current_link(round, request)
        expired = request.token_expires_at and request.token_expires_at <= now
        if not address or expired:
            address = link(request)
        request.reminded_at = now
        request.reminder_count += 1
        request.save()
        reminder = {"subject": subject, "body": body(request, address), "link": address}
        if _queue(request, round=round, kind=OutgoingMessage.Kind.REMINDER, **reminder):
            reached += 1
        else:
            skipped += 1
    return Sent(reached, skipped)


def consume_token(request: Request) -> None:
    """Mark a single-use link used, exactly once even when two submits race: the
    conditional update lets one through; the other gets a clear message."""
    used = Request.objects.filter(pk=request.serial, token_used_at__isnull=True).update(
        token_used_at=timezone.now()
    )
    if not used:
        raise ValidationError(
            _(
                "This link has already been used to send the answer. "
                "Ask the convener for a new link if you need to change it."
            )
        )
    request.token_used_at = timezone.now()


# The kinds' own rounds, by the name of their link to the common Round.
SPECIFIC = {
    Round.Kind.NOMINATION: "nomination",
    Round.Kind.COMMENTS: "comment_round",
    Round.Kind.EVALUATION: "comment_round",
    Round.Kind.FOLLOW_UP: "follow_up",
}


def specific(round: Round) -> Any:
    """The kind's own round (a nomination, comment or follow-up round) of a Round."""
    return getattr(round, SPECIFIC[Round.Kind(round.kind)])


@transaction.atomic
def address_add(*, access: Access, request: Request, email: str) -> int:
    """Give an organisation that a round could not reach its general address, and send
    it the request it was skipped for (while the round is open). Returns how many
    messages were queued."""
    organisation = Organisation.objects.select_for_update().get(pk=request.organisation_id)
    if not access.can_edit_organisation(organisation):
        raise PermissionDenied
    validate_email(email)
    if organisation.email:
        raise ValidationError(_("The organisation already has an e-mail address."))
    organisation.email = email
    organisation.save()
    round = request.consultation
    if round.status != Round.Status.OPEN:
        return 0
    return send_skipped(about=specific(round), organisation=organisation, email=email)
