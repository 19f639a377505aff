"""Every round that asks organisations something, as one model: a round (nomination,
comment, evaluation or yearly follow-up) sends requests to organisations, each with a
personal, expiring, single-use link; the answers come back and are kept as versions.

The kinds are multi-table children of these two models (nominations.NominationRound,
agreements.CommentRound, programme.FollowUpRound and their requests): they add their
own fields, forms and effect when closed, and share the round's state, the requests'
link and reminder state, the status board, the delivery report and the reminder rule."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yhdyspinta.areas.models import Area, TimeStamped
from yhdyspinta.parties.models import Organisation

REMINDER_PAUSE = timedelta(hours=20)


class AnswerChannel(models.TextChoices):
    """How an answer reached the convener."""

    APP = "app", _("In the app")
    LINK = "link", _("Through the personal link")
    EMAIL = "email", _("By e-mail")
    LETTER = "letter", _("By letter")
    PHONE = "phone", _("By phone")
    REGISTRY = "registry", _("Through the registry")


class Round(TimeStamped):
    class Kind(models.TextChoices):
        NOMINATION = "nomination", _("Nomination round")
        COMMENTS = "comments", _("Comment round")
        EVALUATION = "evaluation", _("Evaluation round")
        FOLLOW_UP = "follow_up", _("Yearly follow-up")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    # Not "id": each kind keeps its own id (its pages, links and references stay).
    serial = models.BigAutoField(primary_key=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="consultations")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title of the round"), max_length=300)
    deadline = models.DateField(_("deadline"))
    cover_letter = models.TextField(_("cover letter"), blank=True)
    reply_address = models.EmailField(
        _("written answers to"), blank=True, help_text=_("E.g. the registry's address.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-deadline"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive()
        super().save(*args, **kwargs)

    def full_clean(self, *args: Any, **kwargs: Any) -> None:
        self.derive()
        super().full_clean(*args, **kwargs)

    def derive(self) -> None:
        """A kind sets what follows from it (its kind; its area from what it is about)."""

    @property
    def is_past_deadline(self) -> bool:
        return timezone.localdate() > self.deadline

    @property
    def unsent_count(self) -> int:
        """Its requests not yet sent (an organisation added after the send): what the
        send button would send. A request once sent is reminded, never sent anew."""
        return self.all_requests.filter(sent_at__isnull=True).count()

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class Request(TimeStamped):
    """The request of a round to one organisation: when it was sent and reminded, and
    its personal link (only the link's hash is stored; the link is in the e-mail)."""

    serial = models.BigAutoField(primary_key=True)
    consultation = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="all_requests")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="consultation_requests",
        verbose_name=_("organisation"),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(default=0)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    token_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["consultation", "organisation__name"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organisation"], name="request_once_per_consultation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}: {self.organisation}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def link_deadline(self) -> date:
        return self.consultation.deadline

    def new_token(self) -> str:
        """A fresh single-use link token, valid until a week past the deadline."""
        token = secrets.token_urlsafe(24)
        self.token_hash = self.hash_token(token)
        deadline_end = timezone.make_aware(
            datetime.combine(self.link_deadline(), datetime.max.time())
        )
        self.token_expires_at = deadline_end + timedelta(days=7)
        self.token_used_at = None
        return token

    def remind_now(self, now: datetime) -> bool:
        """The one reminder rule: at most one reminder in about a day."""
        return not self.reminded_at or now - self.reminded_at >= REMINDER_PAUSE
