"""The texts a coordinator writes into the welfare reports, kept per area, organisation,
kind of report, year and section. Everything else in a report is read from the data."""

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.areas.models import Area, TimeStamped
from yhdyspinta.parties.models import Organisation


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("Annual welfare report")
    TERM = "term", _("Welfare report and plan of the council term")


class Section(models.TextChoices):
    SUMMARY = "summary", _("Summary")
    WELLBEING = "wellbeing", _("Wellbeing and health of the population")
    MINIMUM = "minimum", _("THL's minimum indicators")
    KERROIN = "kerroin", _("HYTE-kerroin")
    MEASURES = "measures", _("Measures and their follow-up")
    COOPERATION = "cooperation", _("Statutory cooperation")
    PLAN = "plan", _("Plan for the council term")


class ReportText(TimeStamped):
    """One section's text, written in the app. For a council term's report the year is the
    term's first year."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="report_texts")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
    )
    kind = models.CharField(_("report"), max_length=10, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    text = models.TextField(_("text"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The texts are approved together for the report; a changed text is no longer approved.
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "kind", "year", "section"]
        verbose_name = _("report text")
        verbose_name_plural = _("report texts")
        constraints = [
            # One text a section, also for the area's own report (no organisation): NULLs
            # count as equal here, on every database.
            models.UniqueConstraint(
                "area",
                Coalesce("organisation", Value(0)),
                "kind",
                "year",
                "section",
                name="report_text_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.get_section_display()}"
