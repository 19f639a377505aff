"""The cooperation area (one wellbeing services county's area) and what is shared by
everything in it: sub-regions, council terms and themes. Every domain row hangs off an
area so that several counties live in one installation without leaking into each other."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.core.text import NameField

from . import national

ORIGIN = re.compile(r"https?://[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?")


def origins(value: str) -> list[str]:
    return [line.strip().lower().rstrip("/") for line in value.splitlines() if line.strip()]


def validate_origins(value: str) -> None:
    wrong = [o for o in origins(value) if not ORIGIN.fullmatch(o)]
    if wrong:
        raise ValidationError(
            _("Write each site as its address without a path, e.g. https://www.joensuu.fi: %(w)s"),
            params={"w": ", ".join(wrong)},
        )


def validate_national_code(value: str) -> None:
    if value and national.area(value) is None:
        raise ValidationError(
            _("%(value)s is not the code of any wellbeing services county."),
            params={"value": value},
        )


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Area(TimeStamped):
    class Negotiation611Mode(models.TextChoices):
        PER_MUNICIPALITY = "per_municipality", _("With each municipality separately")
        JOINT = "joint", _("Jointly with all municipalities")

    name = NameField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short address"), max_length=60, unique=True)
    # The wellbeing services county (or Helsinki) of the national list this area is, when
    # it is one: its municipalities are offered when the area is set up.
    national_code = models.CharField(
        _("wellbeing services county"),
        max_length=2,
        blank=True,
        validators=[validate_national_code],
    )
    description = models.TextField(_("description"), blank=True)
    # The national view (/national/) shows each area's public statutory picture unless
    # the area has chosen to leave it.
    in_national_view = models.BooleanField(
        _("shown in the national view"),
        default=True,
        help_text=_(
            "The national page shows, for every area, what its public obligations page shows."
        ),
    )
    # The public structure picture, obligations table and annual clock may be embedded in
    # frames of these sites only (Content-Security-Policy frame-ancestors).
    embed_origins = models.TextField(
        _("sites that may embed the area's pages"),
        blank=True,
        validators=[validate_origins],
        help_text=_("One a line, e.g. https://www.joensuu.fi; empty: no other site may."),
    )
    # 611/2021 §14: South Savo lets the area choose option 1 or 2 (seed 004).
    negotiation_611_mode = models.CharField(
        _("611/2021 §14 negotiation"),
        max_length=20,
        choices=Negotiation611Mode.choices,
        default=Negotiation611Mode.JOINT,
    )
    # The area's own deadlines of a meeting's work, read by My tasks.
    invitation_days_before = models.PositiveSmallIntegerField(
        _("invitations are sent this many days before a meeting"),
        default=14,
        validators=[MaxValueValidator(120)],
    )
    minutes_days_after = models.PositiveSmallIntegerField(
        _("minutes are approved within this many days of a meeting"),
        default=14,
        validators=[MaxValueValidator(120)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_code"],
                condition=~models.Q(national_code=""),
                name="area_national_code_once",
                violation_error_message=_("That wellbeing services county has an area already."),
            )
        ]
        verbose_name = _("cooperation area")
        verbose_name_plural = _("cooperation areas")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("areas:overview", kwargs={"area": self.slug})

    @property
    def embed_origin_list(self) -> list[str]:
        return origins(self.embed_origins)


class SubRegion(TimeStamped):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="sub_regions")
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "order", "name"]
        verbose_name = _("sub-region")
        verbose_name_plural = _("sub-regions")
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="subregion_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CouncilTerm(TimeStamped):
    class Kind(models.TextChoices):
        MUNICIPAL = "municipal", _("Municipal council term")
        COUNTY = "county", _("County council term")
        JOINT = "joint", _("Joint municipal and county council term")

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="council_terms")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "starts_on", "kind"]
        verbose_name = _("council term")
        verbose_name_plural = _("council terms")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="councilterm_ends_after_start",
                violation_error_message=_("A council term must end after it starts."),
            ),
            models.UniqueConstraint(
                fields=["area", "kind", "starts_on"], name="councilterm_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on.year}–{self.ends_on.year}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("A council term must end after it starts.")})


class Theme(TimeStamped):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="themes")
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="theme_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name
