"""The network's own communications: the hyte letter, its subscribers with their
consent, and the hyte forum with its registrations.

A letter goes to an audience drawn from the register (contacts, role holders, body
members, organisation kinds, sub-regions) and to the area's public subscribers; every
message goes through the outbox. Nothing here is public about a person: the public sees
the published letters, the forum's page and counts, never a subscriber or a
participant."""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.areas.models import Area, TimeStamped
from yhdyspinta.clock.models import ClockEvent
from yhdyspinta.core.files import UploadValidator
from yhdyspinta.core.text import NameField
from yhdyspinta.meetings.models import Meeting
from yhdyspinta.parties.models import OrganisationKind


class Subscriber(TimeStamped):
    """An address that asked for the area's letter (double opt-in), or one that asked
    not to get it any more: a register person who unsubscribes is one too, so that no
    later letter reaches them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField(_("e-mail"))
    name = NameField(_("name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    # The confirmation link: only its hash is stored; it expires.
    confirm_hash = models.CharField(max_length=64, blank=True)
    confirm_expires_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        ordering = ["area", "email"]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        constraints = [
            models.UniqueConstraint("area", Lower("email"), name="subscriber_once_per_area"),
        ]

    def __str__(self) -> str:
        return self.email


class ConsentRecord(models.Model):
    """What was agreed or withdrawn, when, and how: the evidence of consent. When a
    subscriber's data is removed, the records keep only a hash of the address."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Asked to subscribe")
        CONFIRMED = "confirmed", _("Confirmed the subscription")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        REMOVED = "removed", _("Data removed")

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.SET_NULL, null=True, blank=True, related_name="consents"
    )
    email_sha256 = models.CharField(max_length=64)  # digest(): no address is kept
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    wording = models.TextField(_("what was agreed"), blank=True)
    via = models.CharField(_("how"), max_length=40)
    by_user = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"

    @staticmethod
    def digest(email: str) -> str:
        """The address as a consent record keeps it: its SHA-256, lower-cased."""
        return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class Letter(TimeStamped):
    """A hyte letter: written in Markdown, sent once to its audience, then frozen; a
    published one is in the area's public archive."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="letters")
    title = NameField(_("heading of the letter"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    # Who gets it: see audiences.Audience (groups of the register and subscribers).
    audience = models.JSONField(_("recipients"), default=dict, blank=True)
    publish = models.BooleanField(
        _("publish in the public archive"),
        default=True,
        help_text=_("The letter is shown on the area's public pages once it has been sent."),
    )
    clock_event = models.ForeignKey(
        ClockEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="letters",
        verbose_name=_("event of the annual clock"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "-sent_at", "-created_at"]
        verbose_name = _("hyte letter")
        verbose_name_plural = _("hyte letters")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(sent_at__isnull=False),
                name="letter_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach:letter", kwargs={"area": self.area.slug, "pk": self.pk})

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.SENT and self.publish


class LetterImage(models.Model):
    """An image of a letter, one of the allowed types (PNG, JPEG), checked by content."""

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(
        _("image"),
        upload_to="letters/%Y/",
        validators=[UploadValidator()],
    )
    alt = models.CharField(
        _("description of the image"),
        max_length=200,
        help_text=_("Read aloud to those who cannot see the image."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["letter", "pk"]
        verbose_name = _("image of a letter")
        verbose_name_plural = _("images of letters")

    def __str__(self) -> str:
        return self.alt

    def get_absolute_url(self) -> str:
        return reverse(
            "outreach:letter_image",
            kwargs={"area": self.letter.area.slug, "pk": self.letter_id, "image": self.pk},
        )


class Forum(TimeStamped):
    """A hyte forum (or another open event of the network): a public page with a
    registration form, a waiting list when the places in person run out, reminders,
    attendance on the day and feedback after it."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="forums")
    title = NameField(_("name of the event"), max_length=200)
    programme = models.TextField(_("programme"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online = models.BooleanField(_("can be followed online"), default=False)
    online_link = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        help_text=_("Sent to the registered participants only, never shown publicly."),
    )
    capacity = models.PositiveIntegerField(
        _("places in person"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit. When the places are taken, a waiting list opens."),
    )
    registration_deadline = models.DateTimeField(_("registration closes"))
    published = models.BooleanField(_("published"), default=False)
    clock_event = models.ForeignKey(
        ClockEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forums",
        verbose_name=_("event of the annual clock"),
    )
    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="forum",
        verbose_name=_("held as the meeting"),
        help_text=_(
            "E.g. the county's annual hyte negotiation (612/2021 §7): the organisations "
            "that took part in the forum, by kind, count as present in that meeting in "
            "the obligations."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "-starts_at"]
        verbose_name = _("hyte forum")
        verbose_name_plural = _("hyte forums")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="forum_ends_after_start",
                violation_error_message=_("The event ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("outreach:forum", kwargs={"area": self.area.slug, "pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event ends before it starts.")
        if not self.place and not self.online:
            errors["place"] = _("Give a place, or say that the event can be followed online.")
        if errors:
            raise ValidationError(errors)


class Attendance(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    REMOTE = "remote", _("Online")


class Registration(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, related_name="registrations")
    name = NameField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    party_kind = models.CharField(
        _("kind of organisation"), max_length=30, choices=OrganisationKind.choices
    )
    attendance = models.CharField(
        _("taking part"), max_length=10, choices=Attendance.choices, default=Attendance.IN_PERSON
    )
    diet = models.CharField(_("dietary needs"), max_length=300, blank=True)
    accessibility = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REGISTERED
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["forum", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                "forum",
                Lower("email"),
                condition=~models.Q(status="cancelled"),
                name="registration_once",
                violation_error_message=_("This address has already registered."),
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="registration_rating_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.name
