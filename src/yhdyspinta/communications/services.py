"""Queue and deliver outgoing messages (the outbox).

`enqueue()` writes the rows inside the caller's transaction, so a message exists exactly
when the change that causes it is committed; the worker then sends each one. A message
is claimed by a conditional update (several workers may share the queue), retried with
back-off when the mail server fails, and marked failed with its error after the last
attempt. A claim left behind by a killed worker is taken up again after
OUTBOX_STALE_SECONDS by the worker itself: every run that claims a message first queues
a later run of its own for that moment, so a restarted worker (systemd's Restart=always)
finds it; `manage.py deliver_outbox` from a timer is only a safety net.

Mail has a queue of its own ("mail", MAIL_QUEUE): a worker for it alone keeps a stalled
mail server from holding up imports and documents, and them from holding up mail."""

from __future__ import annotations

import email.policy
import hashlib
import json
import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage, Message
from email.policy import Policy
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext

from yhdyspinta.areas.models import Area
from yhdyspinta.parties.models import Organisation, Person

from .models import Attachment, OutgoingMessage

__all__ = [
    "ERASED_ADDRESS",
    "MAIL_QUEUE",
    "Personal",
    "Recipient",
    "deliver_due",
    "deliver_outbox",
    "delivery_report",
    "enqueue",
    "erase_address",
    "messages_to",
    "resend_failed",
]

logger = logging.getLogger(__name__)
Status = OutgoingMessage.Status
# Minutes to wait after the 1st, 2nd, ... failed attempt.
BACKOFF_MINUTES = (1, 5, 30, 120)
MAIL_QUEUE = "mail"


def stale_claim() -> timedelta:
    """How long a message may stay "sending" before its worker is taken to have died."""
    return timedelta(seconds=settings.OUTBOX_STALE_SECONDS)


@dataclass(frozen=True)
class Recipient:
    email: str
    organisation: Organisation | None = None
    person: Person | None = None
    name: str = ""


@dataclass(frozen=True)
class Personal:
    """What differs between the recipients of one mailing: the text with their own
    links, its HTML, and headers such as their own List-Unsubscribe address."""

    body: str
    html_body: str = ""
    headers: dict | None = None


@dataclass(frozen=True)
class MadeLater:
    """An attachment the worker makes when the message is sent: `maker` is a key of
    MAKERS, `made_from` its (JSON) arguments. The request that queues a hundred letters
    then queues them at once, and no page waits for a hundred PDFs."""

    name: str
    mimetype: str
    maker: str
    made_from: dict[str, Any]


# The functions that make attachments later, by name; an app above registers its own at
# start-up (apps.ready), so the outbox reads them without importing it.
MAKERS: dict[str, Callable[[dict[str, Any]], bytes]] = {}


def enqueue(
    *,
    area: Area,
    kind: str,
    about: models.Model,
    subject: str,
    body: str,
    recipients: Iterable[Recipient],
    attachments: Iterable[tuple[str, bytes, str] | MadeLater] = (),
    link: str = "",
    reply_to: str = "",
    personalise: Callable[[Recipient], Personal] | None = None,
) -> list[OutgoingMessage]:
    """One message per recipient (nobody sees the others' addresses); a recipient
    without an address is recorded as skipped, with the reason. `personalise` gives a
    recipient's own text (e.g. a letter with its own unsubscribe link)."""
    files = [
        _made_later(file) if isinstance(file, MadeLater) else _attachment(*file)
        for file in attachments
    ]
    about_type = ContentType.objects.get_for_model(about)
    recipients = list(recipients)
    own = {
        index: personalise(r) if personalise and r.email else Personal(body=body)
        for index, r in enumerate(recipients)
    }
    rows = [
        OutgoingMessage(
            area=area,
            kind=kind,
            about_type=about_type,
            about_id=about.pk,
            organisation=r.organisation,
            person=r.person,
            recipient=r.email or "",
            subject=subject[:300],
            body=own[index].body,
            html_body=own[index].html_body,
            headers=own[index].headers or {},
            reply_to=reply_to or "",
            link=link,
            status=Status.QUEUED if r.email else Status.NO_ADDRESS,
        )
        for index, r in enumerate(recipients)
    ]
    OutgoingMessage.objects.bulk_create(rows)
    if files:
        Through = OutgoingMessage.files.through
        # A skipped message keeps its files too: given an address later, it goes out
        # whole (send_skipped).
        Through.objects.bulk_create(
            [
                Through(outgoingmessage_id=row.pk, attachment_id=file.pk)
                for row in rows
                for file in files
            ]
        )
    if any(row.status == Status.QUEUED for row in rows):
        transaction.on_commit(_start_worker)
    return rows


@task(queue_name=MAIL_QUEUE)
def deliver_outbox() -> dict:
    """The worker's task (Django's tasks API; django-tasks-db's database backend runs it
    in `manage.py db_worker`, on SQLite and PostgreSQL alike)."""
    return deliver_due()


def _start_worker(run_after: datetime | None = None) -> None:
    runner = deliver_outbox.using(run_after=run_after) if run_after else deliver_outbox
    runner.enqueue()


def _claim(message: OutgoingMessage, now: datetime) -> bool:
    return bool(
        OutgoingMessage.objects.filter(pk=message.pk, status=Status.QUEUED).update(
            status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


class _Email(EmailMultiAlternatives):
    """Header lines up to the 998 characters RFC 5322 allows. The default policy folds a
    long header without spaces into encoded words, which turns a letter's long
    List-Unsubscribe address into something no mail program can use."""

    def message(
        self, *, policy: Policy[Message[str, str]] | None = email.policy.default
    ) -> EmailMessage:
        return super().message(policy=(policy or email.policy.default).clone(max_line_length=998))


def _send(message: OutgoingMessage) -> None:
    mail = _Email(
        subject=message.subject,
        body=message.body,
        to=[message.recipient],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={**message.headers, "Message-ID": f"<{message.message_id}@yhdyspinta>"},
    )
    if message.html_body:
        mail.attach_alternative(message.html_body, "text/html")
    for file in message.files.all():
        mail.attach(file.name, _content(file), file.mimetype)
    mail.send()


def _content(file: Attachment) -> bytes:
    """The file's bytes; one made later is made now, once, and kept."""
    if file.maker and not file.data:
        file.data = MAKERS[file.maker](file.made_from)
        file.save(update_fields=["data"])
    return bytes(file.data)


def _made_later(file: MadeLater) -> Attachment:
    """The row of a file the worker makes: the same maker and arguments are one row."""
    key = json.dumps([file.maker, file.made_from], sort_keys=True)
    row, _created = Attachment.objects.get_or_create(
        sha256=hashlib.sha256(key.encode()).hexdigest(),
        name=file.name[:255],
        mimetype=file.mimetype[:120],
        defaults={"data": b"", "maker": file.maker, "made_from": file.made_from},
    )
    return row


def _attachment(name: str, content: bytes, mimetype: str) -> Attachment:
    """The stored row of a file: the same content under the same name is stored once."""
    file, _created = Attachment.objects.get_or_create(
        sha256=hashlib.sha256(content).hexdigest(),
        name=name[:255],
        mimetype=mimetype[:120],
        defaults={"data": content},
    )
    return file


def _refused(error: Exception) -> bool:
    """A bounce at the door: the mail server refuses the recipient with a permanent (5xx)
    code. Retrying cannot help; the address must be fixed."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    return False


def deliver_due(*, now: datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send what is due. Returns counts of sent and failed attempts."""
    now = now or timezone.now()
    # A claim older than this belongs to a worker that died mid-send.
    OutgoingMessage.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - stale_claim()
    ).update(status=Status.QUEUED)
    due = OutgoingMessage.objects.filter(status=Status.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    counts = {"sent": 0, "failed": 0}
    retry_at = None
    sweep_queued = False
    for message in due.order_by("created_at", "pk")[:limit]:
        if not _claim(message, now):
            continue  # another worker has it
        if not sweep_queued:
            # Should this worker die mid-send, the run that takes its claims up again is
            # already in the queue (committed: the claim and this are autocommitted).
            _start_worker(run_after=now + stale_claim() + timedelta(seconds=5))
            sweep_queued = True
        message.refresh_from_db()
        try:
            _send(message)
        except Exception as error:
            counts["failed"] += 1
            refused = _refused(error)
            final = refused or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS
            wait = BACKOFF_MINUTES[min(message.attempts, len(BACKOFF_MINUTES)) - 1]
            next_at = None if final else timezone.now() + timedelta(minutes=wait)
            reason = f"{type(error).__name__}: {error}"
            if refused:
                reason = gettext("The mail server refused the address: check it.") + " " + reason
            OutgoingMessage.objects.filter(pk=message.pk).update(
                status=Status.FAILED if final else Status.QUEUED,
                last_error=reason[:2000],
                next_attempt_at=next_at,
                claimed_at=None,
            )
            logger.warning("Outgoing message %s failed: %s", message.pk, error)
            if next_at and (retry_at is None or next_at < retry_at):
                retry_at = next_at
            continue
        OutgoingMessage.objects.filter(pk=message.pk).update(
            status=Status.SENT, sent_at=timezone.now(), last_error="", claimed_at=None
        )
        counts["sent"] += 1
    if retry_at is not None:
        _start_worker(run_after=retry_at)
    return counts


@transaction.atomic
def resend_failed(*, about: models.Model) -> int:
    """Queue the failed messages of a meeting or round again."""
    count = OutgoingMessage.objects.filter(
        about_type=ContentType.objects.get_for_model(about),
        about_id=about.pk,
        status=Status.FAILED,
    ).update(status=Status.QUEUED, attempts=0, next_attempt_at=None)
    if count:
        transaction.on_commit(_start_worker)
    return count


def send_skipped(*, about: models.Model, organisation: Organisation, email: str) -> int:
    """An organisation skipped for want of an address has one now: the last message
    about this round (or meeting) that it was skipped for goes to it, with the text,
    link and files (the request letter) it had. Returns 1 when one was queued."""
    latest = (
        OutgoingMessage.objects.filter(
            about_type=ContentType.objects.get_for_model(about),
            about_id=about.pk,
            organisation=organisation,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if latest is None or latest.status != Status.NO_ADDRESS:
        return 0
    OutgoingMessage.objects.filter(pk=latest.pk).update(
        recipient=email, status=Status.QUEUED, attempts=0, next_attempt_at=None
    )
    transaction.on_commit(_start_worker)
    return 1


def delivery_report(about: models.Model) -> QuerySet[OutgoingMessage]:
    """Every message of a meeting or round, newest first, with whom it was for."""
    return (
        OutgoingMessage.objects.filter(
            about_type=ContentType.objects.get_for_model(about), about_id=about.pk
        )
        .select_related("organisation", "person")
        .order_by("-created_at", "-pk")
    )


# --- a person's erasure (accounts.person_data's registry) -----------------------------


# What stands in an erased address's place (the .invalid domain reaches nobody).
ERASED_ADDRESS = "poistettu@poistettu.invalid"


def messages_to(person: Person) -> list[str]:
    """The messages to a person's address (newest 200), for their data report."""
    if not person.email:
        return []
    return [
        f"{timezone.localtime(m.created_at):%d.%m.%Y %H:%M} {m.subject} ({m.get_status_display()})"
        for m in OutgoingMessage.objects.filter(recipient__iexact=person.email)[:200]
    ]


def erase_address(person: Person) -> int:
    """The messages to the address keep their date, subject and status (the delivery
    report of a round or a meeting), not the address or the text."""
    if not person.email:
        return 0
    rows = OutgoingMessage.objects.filter(recipient__iexact=person.email)
    status = OutgoingMessage.Status
    # One still waiting is not sent: its address is gone.
    rows.filter(status__in=[status.QUEUED, status.SENDING]).update(
        status=status.FAILED, last_error=gettext("Not sent: the recipient's data was erased.")
    )
    return rows.update(recipient=ERASED_ADDRESS, body="", html_body="", reply_to="")
