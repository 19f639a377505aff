"""The shared situational picture: the agreed data sources (the agreement's annex), and
Sotkanet indicator data (THL, CC BY 4.0) mapped to our municipalities and areas."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.areas.models import Area, Theme, TimeStamped
from yhdyspinta.bodies.models import Body
from yhdyspinta.meetings.models import Meeting
from yhdyspinta.parties.models import Organisation
from yhdyspinta.programme.models import Priority

ATTRIBUTION = "THL, Sotkanet.fi, CC BY 4.0"


class SotkanetIndicator(models.Model):
    class Aggregation(models.TextChoices):
        RATE = "rate", _("A rate: weight by the municipalities' denominators")
        SUM = "sum", _("A count: add up")
        NONE = "none", _("Cannot be combined")

    id = models.PositiveIntegerField(primary_key=True, verbose_name=_("Sotkanet id"))
    title = models.CharField(_("name"), max_length=400)
    title_sv = models.CharField(_("name in Swedish"), max_length=400, blank=True)
    title_en = models.CharField(_("name in English"), max_length=400, blank=True)
    aggregation = models.CharField(
        _("combining municipalities"),
        max_length=5,
        choices=Aggregation.choices,
        default=Aggregation.RATE,
    )
    decimals = models.PositiveSmallIntegerField(default=1)
    # National data: every change is recorded with who and when.
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = _("Sotkanet indicator")
        verbose_name_plural = _("Sotkanet indicators")

    def __str__(self) -> str:
        return f"{self.title} ({self.id})"

    @property
    def is_synthetic(self) -> bool:
        """The demo's made-up data says so in its name; nothing else is synthetic."""
        return "synteettinen" in self.title.lower()


class SotkanetRegion(models.Model):
    # Sotkanet's region categories that the app reads.
    COUNTY = "HYVINVOINTIALUE"  # a wellbeing services county: an area's own figures
    MUNICIPALITY = "KUNTA"
    COUNTRY = "MAA"

    id = models.PositiveIntegerField(primary_key=True)
    code = models.CharField(max_length=20)
    category = models.CharField(max_length=30, db_index=True)
    title = models.CharField(max_length=200)
    title_sv = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sotkanet_regions",
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="sotkanet_regions"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "title"]
        indexes = [models.Index(fields=["category", "code"], name="region_category_code")]

    def __str__(self) -> str:
        return f"{self.title} ({self.category})"


class SotkanetValue(models.Model):
    """One number of Sotkanet. Written in bulk by the importer (COPY on PostgreSQL)."""

    # A value is its key: no surrogate id (a sequence and an index that nothing read and
    # that a quarter of the import's COPY paid for). The foreign keys have no index of
    # their own: the key starts with the indicator and the (region, indicator) index with
    # the region, and every query uses one of them; two more indexes would only slow the
    # import (they were a third of a bare COPY's cost).
    pk = models.CompositePrimaryKey("indicator", "region", "year", "gender")
    indicator = models.ForeignKey(
        SotkanetIndicator,
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
        related_name="values",
    )
    region = models.ForeignKey(
        SotkanetRegion,
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,
        related_name="values",
    )
    year = models.PositiveSmallIntegerField()
    gender = models.CharField(max_length=6)
    value = models.FloatField(null=True)
    abs_value = models.FloatField(null=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["region", "indicator"], name="value_region_indicator")]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.region_id}/{self.year}/{self.gender}: {self.value}"


class ImportRun(models.Model):
    """One import of a file: queued by the upload page, run by the task worker (so that
    no request waits for it), with a final report. A run whose worker died is marked
    failed; the import's transaction was rolled back, so nothing of it was imported."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Completed")
        FAILED = "failed", _("Failed, nothing imported")

    class Kind(models.TextChoices):
        DATA = "data", _("Values (JSON or CSV)")
        REGIONS = "regions", _("Region metadata (JSON)")
        INDICATORS = "indicators", _("Indicator metadata (JSON)")

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DATA)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    # The uploaded file while the run waits or runs (private storage; removed after).
    stored_file = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    inserted = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.filename} {self.started_at:%d.%m.%Y %H:%M}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class ValueChange(models.Model):
    """A newer value replaced an older one: recorded, never silently overwritten."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="changes")
    indicator_id = models.PositiveIntegerField()
    region_id = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField()
    gender = models.CharField(max_length=6)
    old_value = models.FloatField(null=True)
    new_value = models.FloatField(null=True)

    def __str__(self) -> str:
        return (
            f"{self.indicator_id}/{self.region_id}/{self.year}: {self.old_value} → {self.new_value}"
        )


class DataSource(TimeStamped):
    """An agreed source of the shared situational picture (agreement §4: listed in an
    annex and changed only by the strategic level)."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="data_sources")
    name = models.CharField(_("data source"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("address"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_in = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided in meeting"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "name"]
        verbose_name = _("data source")
        verbose_name_plural = _("data sources")

    def __str__(self) -> str:
        return self.name


class FollowedIndicator(models.Model):
    """An indicator the area follows: the agreed indicator set, by theme and priority."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="followed_indicators")
    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="indicators")
    sotkanet = models.ForeignKey(
        SotkanetIndicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("indicator"), max_length=300, blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.SET_NULL, null=True, blank=True)
    priority = models.ForeignKey(Priority, on_delete=models.SET_NULL, null=True, blank=True)
    # A row of an indicator set the area follows (sets.py): the set with its year and the
    # row's key. The row says what kind of indicator it is and which way is good; the
    # Sotkanet binding above is the area's own, so a row whose id the set file could not
    # confirm can still be bound here.
    set_code = models.CharField(_("indicator set"), max_length=80, blank=True)
    row_key = models.CharField(max_length=80, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "theme__order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "set_code", "row_key"],
                condition=~models.Q(set_code=""),
                name="followed_set_row_once",
                violation_error_message=_("The area already follows this row of the set."),
            )
        ]

    def __str__(self) -> str:
        return self.name or str(self.sotkanet)


class KerroinParameters(models.Model):
    """The parameters of the HYTE-kerroin estimate and its euro effect for an area and a
    year, each with its source: editable data, never constants in the code."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="kerroin_parameters")
    year = models.PositiveSmallIntegerField(_("year"))
    process_weight = models.DecimalField(
        _("weight of the process indicators"), max_digits=4, decimal_places=3, default=0.5
    )
    outcome_weight = models.DecimalField(
        _("weight of the outcome indicators"), max_digits=4, decimal_places=3, default=0.5
    )
    hyte_share_percent = models.DecimalField(
        _("hyte share of the funding, %"), max_digits=5, decimal_places=2, default=1
    )
    funding_eur = models.PositiveBigIntegerField(
        _("social and health funding of all counties, €"), null=True, blank=True
    )
    population = models.PositiveIntegerField(_("population of the area"), null=True, blank=True)
    national_population = models.PositiveIntegerField(
        _("population of all counties"), null=True, blank=True
    )
    source = models.TextField(_("sources"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "-year"]
        verbose_name = _("HYTE-kerroin parameters")
        verbose_name_plural = _("HYTE-kerroin parameters")
        constraints = [
            models.UniqueConstraint(fields=["area", "year"], name="kerroin_parameters_once"),
            models.CheckConstraint(
                condition=models.Q(process_weight__gte=0) & models.Q(outcome_weight__gte=0),
                name="kerroin_weights_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year}"


class OwnSet(models.Model):
    """An indicator set the area brought from its own file (THL's published list, or the
    app's template), in the shape of the sets shipped with the app (sets.py): each save
    is a new version, and the newest is the set the area follows, its cockpit and its
    welfare reports read."""

    class Level(models.TextChoices):
        AREA = "area", _("Wellbeing services county")
        MUNICIPALITY = "municipality", _("Municipality")

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="own_sets")
    key = models.SlugField(_("short name"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.AREA)
    welfare_report = models.BooleanField(_("shown in the welfare reports"), default=False)
    # The rows as the shipped files hold them: key, name, group, kind, good, unit, sotkanet_id.
    indicators = models.JSONField(default=list)
    source = models.CharField(_("file"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "key", "-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "key", "year", "version"], name="own_set_version_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year} ({self.version})"

    def as_data(self) -> dict:
        """In the shape of a shipped set file (sets.parse_data)."""
        return {
            "key": self.key,
            "year": self.year,
            "name": {"fi": self.name},
            "level": self.level,
            "source": self.source,
            "note": "",
            "welfare_report": self.welfare_report,
            "indicators": self.indicators,
            "own": True,
        }
