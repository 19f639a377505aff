"""The outbox: every outgoing message is a row, written in the same transaction as the
change that causes it, and sent after commit by the task worker. A failing mail server
never rolls back a change or breaks a link, and the delivery report can say who got
what, who was skipped and why, and what failed."""

from __future__ import annotations

import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.models import Area
from yhdyspinta.parties.models import Organisation, Person


class Attachment(models.Model):
    """A file attached to outgoing messages, stored once however many messages carry it
    (an agenda sent to 30 members is one row, keyed by its content and name). A file
    that is costly to make (a request letter's PDF) is made by the worker when its
    message is first sent: `maker` names the function (communications.services.MAKERS)
    and `made_from` its arguments; `data` is empty until then."""

    sha256 = models.CharField(max_length=64)
    name = models.CharField(max_length=255)
    mimetype = models.CharField(max_length=120)
    data = models.BinaryField()
    maker = models.CharField(max_length=60, blank=True)
    made_from = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sha256", "name", "mimetype"], name="attachment_once")
        ]

    def __str__(self) -> str:
        return self.name


class OutgoingMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        NO_ADDRESS = "no_address", _("No e-mail address")

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Meeting invitation")
        UPDATE = "update", _("Meeting update")
        CANCELLATION = "cancellation", _("Meeting cancellation")
        MINUTES_PUBLISHED = "minutes_published", _("Minutes published")
        ROUND_REQUEST = "round_request", _("Request")
        REMINDER = "reminder", _("Reminder")
        FOLLOW_UP = "follow_up", _("Follow-up request")
        ACCOUNT_INVITATION = "account_invitation", _("Account invitation")
        PASSWORD_RESET = "password_reset", _("Password reset")
        LETTER = "letter", _("Hyte letter")
        LETTER_TEST = "letter_test", _("Test copy of a hyte letter")
        SUBSCRIPTION = "subscription", _("Confirmation of a subscription")
        REGISTRATION = "registration", _("Registration to an event")
        EVENT_REMINDER = "event_reminder", _("Event reminder")

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="outgoing_messages")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    about_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    about_id = models.PositiveBigIntegerField()
    about = GenericForeignKey("about_type", "about_id")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient = models.EmailField(_("recipient"), blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    # A letter is sent as HTML with this text as its plain-text part.
    html_body = models.TextField(blank=True)
    # E.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 2369, RFC 8058).
    headers = models.JSONField(default=dict, blank=True)
    reply_to = models.EmailField(blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)
    # What the worker attaches; a file shared by many messages is stored once.
    files = models.ManyToManyField(Attachment, blank=True, related_name="messages")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            models.Index(fields=["about_type", "about_id"], name="outbox_about"),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="no_address") | models.Q(recipient=""),
                name="outbox_no_address_has_no_recipient",
            ),
            models.CheckConstraint(
                condition=models.Q(status="no_address") | ~models.Q(recipient=""),
                name="outbox_addressed_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient or '—'} ({self.get_status_display()})"
