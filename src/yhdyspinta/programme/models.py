"""The regional hyte programme: priorities → goals → measures, with indicators per goal,
yearly status reports per measure and organisation, and follow-up rounds."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.areas.models import Area, SubRegion, Theme, TimeStamped
from yhdyspinta.consultations.models import AnswerChannel, Round
from yhdyspinta.core.freeze import Frozen
from yhdyspinta.core.text import NameField
from yhdyspinta.meetings.models import ThemeWorkIdea
from yhdyspinta.parties.models import Organisation


class Programme(TimeStamped):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="programmes")
    name = models.CharField(_("name"), max_length=200)
    starts_year = models.PositiveSmallIntegerField(_("first year"))
    ends_year = models.PositiveSmallIntegerField(_("last year"))
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "-starts_year"]
        verbose_name = _("hyte programme")
        verbose_name_plural = _("hyte programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_year__gte=models.F("starts_year")),
                name="programme_period",
                violation_error_message=_("The programme must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.starts_year}–{self.ends_year}"

    def get_absolute_url(self) -> str:
        return reverse("programme:programme", kwargs={"area": self.area.slug, "pk": self.pk})

    @property
    def years(self) -> range:
        return range(self.starts_year, self.ends_year + 1)


class ProgrammeApproval(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="approvals")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    approved_by_body = models.CharField(_("approved by"), max_length=150, blank=True)
    approved_on = models.DateField(_("approved on"))
    decision_reference = models.CharField(_("decision reference"), max_length=120, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "organisation"], name="approval_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.approved_on:%d.%m.%Y}"


class Priority(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="priorities")
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    name = models.CharField(_("priority"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "order"]
        verbose_name = _("priority")
        verbose_name_plural = _("priorities")

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Goal(models.Model):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="goals")
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    name = models.CharField(_("goal"), max_length=250)
    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "order"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self) -> str:
        return self.name


class Unit(models.TextChoices):
    PERCENT = "percent", _("per cent")
    PER_1000 = "per_1000", _("per 1,000 inhabitants")
    COUNT = "count", _("number")
    SCORE = "score", _("score")


class SotkanetGender(models.TextChoices):
    """Sotkanet's genders: every value is given for all, for women and for men."""

    TOTAL = "total", _("Total")
    FEMALE = "female", _("Women")
    MALE = "male", _("Men")


class Indicator(models.Model):
    class Source(models.TextChoices):
        SOTKANET = "sotkanet", _("Sotkanet")
        OTHER = "other", _("Another named source")
        MANUAL = "manual", _("Entered by hand")

    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=250)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PERCENT)
    source = models.CharField(
        _("data source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    sotkanet_id = models.PositiveIntegerField(_("Sotkanet indicator id"), null=True, blank=True)
    # A Sotkanet-bound indicator takes its values from the imported data (every level the
    # data has: municipalities, sub-regions, the area), for this gender; they are written by
    # indicators.services, never typed.
    sotkanet_gender = models.CharField(
        _("gender"), max_length=6, choices=SotkanetGender.choices, default=SotkanetGender.TOTAL
    )
    source_name = models.CharField(_("source name"), max_length=150, blank=True)
    direction = models.CharField(
        _("direction of good"), max_length=4, choices=Direction.choices, default=Direction.UP
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    target_value = models.DecimalField(
        _("target"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.source == self.Source.SOTKANET and not self.sotkanet_id:
            errors["sotkanet_id"] = _("A Sotkanet indicator needs its id.")
        if self.source == self.Source.OTHER and not self.source_name:
            errors["source_name"] = _("Name the data source.")
        for field in ("baseline_value", "target_value"):
            problem = value_problem(self.unit, getattr(self, field))
            if problem:
                errors[field] = problem
        if errors:
            raise ValidationError(errors)


def value_problem(unit: str, value) -> str:
    """Why a value cannot be in this unit, or ''."""
    if value is None:
        return ""
    if value < 0:
        return str(_("A value cannot be negative."))
    if unit == Unit.PERCENT and value > 100:
        return str(_("A percentage is between 0 and 100."))
    if unit == Unit.PER_1000 and value > 1000:
        return str(_("A value per 1,000 inhabitants is at most 1,000."))
    return ""


SOTKANET_VALUES = _(
    "This indicator takes its values from the imported Sotkanet data: they are not typed."
)


class IndicatorValue(models.Model):
    class Level(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        SUB_REGION = "sub_region", _("Sub-region")
        AREA = "area", _("Whole area")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("year"))
    level = models.CharField(_("level"), max_length=15, choices=Level.choices, default=Level.AREA)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    sub_region = models.ForeignKey(
        SubRegion,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sub-region"),
    )
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2)
    is_demo = models.BooleanField(_("demo value"), default=False)
    source = models.CharField(_("source"), max_length=20, default="manual")
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            # One value per indicator, year and level, also for the area as a whole (no
            # organisation, no sub-region): NULLs count as equal here, on every database.
            models.UniqueConstraint(
                "indicator",
                "year",
                "level",
                Coalesce("organisation", Value(0)),
                Coalesce("sub_region", Value(0)),
                name="indicatorvalue_unique",
                violation_error_message=_("This value has already been recorded."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.value}"

    def clean(self) -> None:
        problem = value_problem(self.indicator.unit, self.value) if self.indicator_id else ""
        if problem:
            raise ValidationError({"value": problem})


class Measure(TimeStamped):
    # Set by programme.selectors.programme_tree on a past year's measures (the lead's name).
    lead_name: str
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="measures", verbose_name=_("goal")
    )
    order = models.PositiveSmallIntegerField(_("number"), default=1)
    name = NameField(_("measure"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    lead = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="led_measures",
        verbose_name=_("lead organisation"),
        null=True,
        blank=True,
    )
    participants = models.ManyToManyField(
        Organisation, blank=True, related_name="measures", verbose_name=_("taking part")
    )
    themes = models.ManyToManyField(Theme, blank=True, verbose_name=_("themes"))
    sub_regions = models.ManyToManyField(SubRegion, blank=True, verbose_name=_("sub-regions"))
    starts_year = models.PositiveSmallIntegerField(_("from year"))
    ends_year = models.PositiveSmallIntegerField(_("to year"))
    resources = models.TextField(_("resources"), blank=True)
    target_indicator = models.ForeignKey(
        Indicator,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("target indicator"),
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    # Traceability: measure ← idea ← meeting (Decidim #13067).
    source_idea = models.ForeignKey(
        ThemeWorkIdea,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("from the idea"),
    )
    history = HistoricalRecords(m2m_fields=[participants])

    class Meta:
        ordering = ["goal", "order"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        programme = self.goal.priority.programme
        return reverse("programme:measure", kwargs={"area": programme.area.slug, "pk": self.pk})

    def clean(self) -> None:
        errors = {}
        if not self.lead_id:
            errors["lead"] = _("A measure needs a lead organisation.")
        if self.target_value is not None and not self.target_indicator_id:
            errors["target_value"] = _("A target value needs an indicator to measure it by.")
        if (
            self.target_indicator_id
            and self.goal_id
            and self.target_indicator.goal_id != self.goal_id
        ):
            errors["target_indicator"] = _("Choose an indicator of the measure's goal.")
        if self.target_indicator_id and self.target_value is not None:
            problem = value_problem(self.target_indicator.unit, self.target_value)
            if problem:
                errors["target_value"] = problem
        if self.starts_year and self.ends_year and self.ends_year < self.starts_year:
            errors["ends_year"] = _("The measure must end after it starts.")
        if self.goal_id and self.starts_year and self.ends_year:
            programme = self.goal.priority.programme
            if self.starts_year < programme.starts_year or self.ends_year > programme.ends_year:
                errors["ends_year"] = _(
                    "The schedule must fall within the programme period %(start)s–%(end)s."
                ) % {"start": programme.starts_year, "end": programme.ends_year}
        if errors:
            raise ValidationError(errors)


class MeasureStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    ONGOING = "ongoing", _("Ongoing")
    DONE = "done", _("Done")
    POSTPONED = "postponed", _("Postponed")
    DROPPED = "dropped", _("Dropped")


class FollowUpRound(Round):
    """The yearly follow-up: each responsible organisation reports its measures' status
    for the year (a kind of consultations.Round, with a request to each organisation).
    Closed, its reports are the year's record and no longer change."""

    id = models.BigAutoField(primary_key=True)
    consultation = models.OneToOneField(
        Round, on_delete=models.CASCADE, parent_link=True, related_name="follow_up"
    )
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="follow_ups")
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        ordering = ["programme", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="followup_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.year}"

    def derive(self) -> None:
        self.kind = Round.Kind.FOLLOW_UP
        if self.programme_id:
            self.area_id = self.programme.area_id
            self.title = self.title or f"{self.programme.name}: {self.year}"
        if self.status == Round.Status.DRAFT:
            self.status = Round.Status.OPEN  # a follow-up opens when it is created

    @property
    def is_open(self) -> bool:
        return self.status != Round.Status.CLOSED

    def get_absolute_url(self) -> str:
        return reverse(
            "programme:follow_up",
            kwargs={"area": self.programme.area.slug, "pk": self.programme_id, "year": self.year},
        )


FROZEN_FOLLOW_UP = _("The follow-up for the year is closed: its reports can no longer change.")


class MeasureReport(Frozen, TimeStamped):
    """An organisation's account of a measure for a year. A second report for the same
    measure and year is a revision: a new version, the old one kept."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="reports")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices)
    account = models.TextField(_("account"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How the report came: the app, the organisation's link, or recorded by the convener
    # from a letter, an e-mail, a phone call or the registry (with its number).
    channel = models.CharField(
        _("channel"), max_length=10, choices=AnswerChannel.choices, default=AnswerChannel.APP
    )
    registry_number = models.CharField(_("registry number"), max_length=60, blank=True)

    class Meta:
        ordering = ["measure", "year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "organisation", "year", "version"], name="report_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.year} ({self.organisation})"

    def frozen_message(self) -> str | None:
        closed = FollowUpRound.objects.filter(
            programme__priorities__goals__measures=self.measure_id,
            year=self.year,
            status=Round.Status.CLOSED,
        )
        return str(FROZEN_FOLLOW_UP) if closed.exists() else None
