"""The annual clock (vuosikello): the year's cooperation, generated from the bodies'
rhythms and the area's recurring events, planned into concrete meetings."""

from django.db import models
from django.urls import reverse
from django.utils.dates import MONTHS
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.areas.models import Area, Theme, TimeStamped
from yhdyspinta.bodies.models import Body
from yhdyspinta.meetings.models import Meeting, MeetingKind
from yhdyspinta.parties.models import Organisation


class EventKind(models.TextChoices):
    MEETING = "meeting", _("Meeting of a body")
    LETTER = "letter", _("Hyte letter")
    FORUM = "forum", _("Hyte forum")
    ORIENTATION = "orientation", _("Decision-makers' hyte orientation")
    DEADLINE = "deadline", _("Deadline")
    ELECTION = "election", _("Elections")
    TERM = "term", _("Council term starts")
    WORKSHOP = "workshop", _("Workshop")
    FOLLOW_UP = "follow_up", _("Follow-up and evaluation")


class AreaEvent(TimeStamped):
    """One of the area's own recurring events (its hyte letters, forums, report
    deadlines, workshops): every year's clock gets it in its month. Each area keeps its
    own, in its own words."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="area_events")
    kind = models.CharField(
        _("kind"),
        max_length=15,
        choices=[(k, label) for k, label in EventKind.choices if k != EventKind.MEETING],
    )
    month = models.PositiveSmallIntegerField(
        _("month"), choices=[(m, str(m)) for m in range(1, 13)]
    )
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who is responsible"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "month", "title"]
        verbose_name = _("recurring event of the area")
        verbose_name_plural = _("recurring events of the area")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "month", "title"],
                name="area_event_once",
                violation_error_message=_("The area already has this event in this month."),
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="area_event_month_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("clock:area_events", kwargs={"area": self.area.slug})

    @property
    def month_name(self) -> str:
        return capfirst(str(MONTHS[self.month]))


class ClockEvent(TimeStamped):
    class Status(models.TextChoices):
        SLOT = "slot", _("In the rhythm")
        PROPOSED = "proposed", _("Date proposed")
        ACCEPTED = "accepted", _("Planned as a meeting")
        DROPPED = "dropped", _("Dropped")

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="clock_events")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.DateField(_("date"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=15, choices=EventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="clock_events",
        verbose_name=_("body"),
    )
    themes = models.ManyToManyField(Theme, blank=True, verbose_name=_("themes"))
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clock_events",
        verbose_name=_("meeting"),
    )
    slot = models.PositiveSmallIntegerField(default=0)
    # The kind of meeting a slot becomes when accepted: a statutory negotiation stays one.
    meeting_kind = models.CharField(
        _("kind of meeting"), max_length=20, choices=MeetingKind.choices, blank=True
    )
    # What the event is, whatever its title says in any language: a body's rhythm slot,
    # an area event, a round's deadline (e.g. "body:12:2", "nomination-round:7").
    key = models.CharField(max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SLOT
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "year", "month", "day", "title"]
        verbose_name = _("clock event")
        verbose_name_plural = _("clock events")
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "key"], name="clock_event_key_unique"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="clock_month_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.month}/{self.year}"
