"""Meetings and statutory negotiations: the unit of record. Agenda, attendance and
versioned minutes (with theme work) are the evidence the obligations engine reads."""

import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.areas.models import Theme, TimeStamped
from yhdyspinta.bodies.models import Body
from yhdyspinta.core.files import UploadValidator
from yhdyspinta.core.freeze import Frozen
from yhdyspinta.core.text import NameField
from yhdyspinta.parties.models import Organisation, OrganisationKind, Person


class MeetingKind(models.TextChoices):
    NEGOTIATION = "negotiation", _("Statutory negotiation")
    MEETING = "meeting", _("Meeting")
    FOLLOW_UP = "follow_up", _("Follow-up meeting")
    WORKSHOP = "workshop", _("Workshop")
    FORUM = "forum", _("Forum")
    BILATERAL = "bilateral", _("Negotiation between the county and municipalities")
    CASE_SPECIFIC = "case_specific", _("Case-specific negotiation")

    @classmethod
    def negotiations(cls) -> set[str]:
        return {cls.NEGOTIATION, cls.BILATERAL, cls.CASE_SPECIFIC}


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    INVITED = "invited", _("Invited")
    HELD = "held", _("Held")
    MINUTES_DRAFTED = "minutes_drafted", _("Minutes drafted")
    MINUTES_APPROVED = "minutes_approved", _("Minutes approved")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def upcoming(cls) -> set[str]:
        return {cls.PLANNED, cls.INVITED}

    @classmethod
    def held_states(cls) -> set[str]:
        return {cls.HELD, cls.MINUTES_DRAFTED, cls.MINUTES_APPROVED, cls.PUBLISHED}

    @classmethod
    def approved_states(cls) -> set[str]:
        return {cls.MINUTES_APPROVED, cls.PUBLISHED}


class Life(models.TextChoices):
    """A meeting's life as the obligations see it, one definition for every page,
    report and the API (`Meeting.life`):
    - planned: ahead (until the end of its day), not cancelled;
    - awaiting its record: its day has passed, nobody has marked it held;
    - held: marked held, its minutes not yet approved;
    - evidence: its minutes approved (or published);
    - cancelled."""

    PLANNED = "planned", _("planned")
    AWAITING_RECORD = "awaiting_record", _("awaiting its record")
    HELD = "held", _("held, minutes not approved")
    EVIDENCE = "evidence", _("minutes approved")
    CANCELLED = "cancelled", _("cancelled")


class Meeting(TimeStamped):
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(
        _("kind"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.MEETING
    )
    title = NameField(_("meeting title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    convener = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="convened_meetings",
        verbose_name=_("convener"),
    )
    # Bilateral and case-specific negotiations name the municipalities taking part.
    municipalities = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="negotiations",
        verbose_name=_("municipalities"),
        limit_choices_to={"kind": OrganisationKind.MUNICIPALITY},
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    description = models.TextField(_("description"), blank=True)
    # Calendar identity: the same UID for the whole life of the meeting, SEQUENCE grows
    # with every change sent out (RFC 5545).
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords(m2m_fields=[municipalities])

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        # A body's meetings in a window; the newest or next meetings of an area (read
        # in time order, a page's worth, without sorting every meeting of the country).
        indexes = [
            models.Index(fields=["body", "starts_at"], name="meeting_body_starts"),
            models.Index(fields=["starts_at"], name="meeting_starts"),
            # The statutory negotiations and bilateral meetings, which the obligations
            # engine reads over a council term among a busy area's thousands.
            models.Index(
                fields=["body", "starts_at"],
                condition=models.Q(kind__in=["bilateral", "negotiation"]),
                name="meeting_statutory",
            ),
            # The meetings whose record is still to come (held, minutes drafted or
            # approved and not published): a busy area's backlog among its years of
            # published ones, which My tasks and the lists read.
            models.Index(
                fields=["body", "starts_at"],
                condition=models.Q(status__in=["held", "minutes_drafted", "minutes_approved"]),
                name="meeting_record_to_come",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("The meeting must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.starts_at:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", kwargs={"area": self.body.area.slug, "pk": self.pk})

    @property
    def area(self):
        return self.body.area

    @property
    def is_held(self) -> bool:
        return self.status in MeetingStatus.held_states()

    def life(self, today: date | None = None) -> Life:
        """Where the meeting is in its life on `today` (see `Life`)."""
        if self.status == MeetingStatus.CANCELLED:
            return Life.CANCELLED
        if self.status in MeetingStatus.approved_states():
            return Life.EVIDENCE
        if self.status in MeetingStatus.held_states():
            return Life.HELD
        today = today or timezone.localdate()
        if timezone.localtime(self.starts_at).date() >= today:
            return Life.PLANNED
        return Life.AWAITING_RECORD

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    @property
    def attendance_locked(self) -> bool:
        """Approved minutes are the evidence: what they record of attendance no longer
        changes (the obligations read it)."""
        return self.status in MeetingStatus.approved_states()

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The meeting must end after it starts.")
        if self.body_id and self.convener_id and self.convener.area_id != self.body.area_id:
            errors["convener"] = _("The convener belongs to another area.")
        negotiation = self.kind in (MeetingKind.BILATERAL, MeetingKind.CASE_SPECIFIC)
        if (
            negotiation
            and self.convener_id
            and self.convener.kind
            not in (
                OrganisationKind.COUNTY,
                OrganisationKind.MUNICIPALITY,
            )
        ):
            errors["convener"] = _(
                "A negotiation between the county and municipalities is convened by the "
                "county or a municipality."
            )
        if errors:
            raise ValidationError(errors)


FROZEN_MINUTES = _(
    "Approved minutes cannot be edited. Start a correction: it becomes a new version."
)
FROZEN_AGENDA = _(
    "The meeting's minutes are approved: its agenda and attachments can no longer change."
)


class AgendaItem(Frozen, models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    title = NameField(_("heading"), max_length=250)
    presenter = models.CharField(_("presenter"), max_length=200, blank=True)
    theme = models.ForeignKey(
        Theme, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("theme")
    )
    proposal = models.TextField(_("proposal"), blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to="agenda/%Y/", blank=True, validators=[UploadValidator()]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"

    def frozen_message(self) -> str | None:
        approved = Minutes.objects.filter(
            meeting_id=self.meeting_id, status__in=Minutes.FROZEN_STATES
        )
        return str(FROZEN_AGENDA) if self.meeting_id and approved.exists() else None


class Capacity(models.TextChoices):
    POLITICAL = "political", _("Political leadership")
    OFFICIAL = "official", _("Official leadership")
    EXPERT = "expert", _("Expert or employee")


LOCKED_MESSAGE = _(
    "The minutes are approved: their attendance can no longer change. "
    "Record a change as a correction of the minutes."
)


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="attendances",
        verbose_name=_("represents"),
    )
    capacity = models.CharField(
        _("capacity"), max_length=20, choices=Capacity.choices, default=Capacity.EXPERT
    )
    # Someone who is not a member of the body on the day: allowed, and marked.
    is_guest = models.BooleanField(_("guest"), default=False, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "organisation__name", "person__last_name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="attendance_once_per_meeting",
                violation_error_message=_("This person is already recorded as present."),
            ),
        ]

    def __str__(self) -> str:
        """Where and when too: a person's data report lists their attendances."""
        day = timezone.localtime(self.meeting.starts_at)
        return (
            f"{self.meeting.title} {day.day}.{day.month}.{day.year}: {self.person} "
            f"({self.organisation}, {self.get_capacity_display()})"
        )

    def save(self, *args, **kwargs):
        self._refuse_when_locked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_when_locked()
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        foreign = (
            self.meeting_id
            and self.organisation_id
            and self.organisation.area_id != self.meeting.body.area_id
        )
        if foreign:
            raise ValidationError({"organisation": _("The organisation belongs to another area.")})

    def _refuse_when_locked(self) -> None:
        if Meeting.objects.filter(
            pk=self.meeting_id, status__in=MeetingStatus.approved_states()
        ).exists():
            raise ValidationError(LOCKED_MESSAGE)


class Minutes(Frozen, TimeStamped):
    """One version of a meeting's minutes (muistio). Approved minutes are never edited: a
    correction starts a new version that copies the approved one."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Replaced by a correction")

    class Approval(models.TextChoices):
        CHAIR = "chair", _("By the chair")
        NEXT_MEETING = "next_meeting", _("At the next meeting")

    # An approved version moves on only to "replaced" and to published; nothing else.
    thaw_fields = ("status", "published_at")
    freezes_itself = True
    FROZEN_STATES = ("approved", "superseded")

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    summary = models.TextField(_("summary"), blank=True)
    correction_note = models.TextField(_("what the correction changes"), blank=True)
    approval_method = models.CharField(
        _("approved"), max_length=20, choices=Approval.choices, blank=True
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_in = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approved_minutes",
        verbose_name=_("approved in meeting"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "-version"]
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")
        indexes = [
            # The drafts, a handful among years of approved minutes (My tasks reads them).
            models.Index(
                fields=["meeting"], condition=models.Q(status="draft"), name="minutes_drafts"
            ),
            # The newest published first (the area's news feed reads fifty of years').
            models.Index(
                models.F("published_at").desc(),
                condition=models.Q(published_at__isnull=False),
                name="minutes_published_newest",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="minutes_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – v{self.version}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def frozen_message(self) -> str | None:
        return None if self.is_editable else str(FROZEN_MINUTES)

    def _changed_from(self, saved, update_fields) -> bool:
        # Approved minutes never go back to a draft.
        back_to_draft = saved.status != self.Status.DRAFT and self.status == self.Status.DRAFT
        return back_to_draft or super()._changed_from(saved, update_fields)


class _InMinutes(Frozen):
    """Abstract: a part of one minutes version, frozen with it."""

    class Meta:
        abstract = True

    def _minutes_id(self):
        return self.minutes_id

    def frozen_message(self) -> str | None:
        frozen = Minutes.objects.filter(pk=self._minutes_id(), status__in=Minutes.FROZEN_STATES)
        return str(FROZEN_MINUTES) if frozen.exists() else None


class MinutesItem(_InMinutes):
    """What was discussed and decided under one agenda item."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="items")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.PROTECT, related_name="minutes_items"
    )
    discussion = models.TextField(_("discussion"), blank=True)
    decision = models.TextField(_("decision"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["minutes", "agenda_item__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["minutes", "agenda_item"], name="minutesitem_unique_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agenda_item}"


class ThemeWorkGroup(_InMinutes):
    """One group of a meeting's theme work: its topic and scribes."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="theme_groups")
    name = models.CharField(_("group"), max_length=150)
    topic = models.CharField(_("topic"), max_length=250, blank=True)
    scribes = models.CharField(_("scribes"), max_length=250, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["minutes", "pk"]

    def __str__(self) -> str:
        return self.name


class ThemeWorkIdea(_InMinutes):
    """A joint-action idea from theme work (1-3 per group). The seam for the programme
    issue: an idea can later be promoted into a measure."""

    class Mode(models.TextChoices):
        ALONE = "alone", _("Alone")
        TOGETHER = "together", _("Together")
        WITH_SOME = "with_some", _("With some actors")

    # Promoting an idea into a measure marks it taken forward, also in approved minutes.
    thaw_fields = ("taken_forward",)

    group = models.ForeignKey(ThemeWorkGroup, on_delete=models.CASCADE, related_name="ideas")
    text = models.TextField(_("idea"))
    proposed_by = models.CharField(_("proposed by"), max_length=200, blank=True)
    actors = models.CharField(_("who would do it"), max_length=250, blank=True)
    mode = models.CharField(_("how"), max_length=20, choices=Mode.choices, default=Mode.TOGETHER)
    taken_forward = models.BooleanField(_("taken forward"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def _minutes_id(self):
        return ThemeWorkGroup.objects.filter(pk=self.group_id).values("minutes_id")[:1]
