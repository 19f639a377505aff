"""How an area fulfils each statutory obligation, as it agreed: data the engine reads.

Without a row the law's default holds: statutory negotiations of the bodies whose legal
basis is the law's. With one, the area says which bodies' meetings count (all of their
meetings, or only those marked as statutory negotiations), where each party group of
612/2021 §7 takes part when not in those meetings (South Savo: businesses and non-profits
in a forum of their own, in the same year), and the agreement section it rests on. The
§14 mode (a joint negotiation or one with each municipality) is the area's own field."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.agreements.models import Section
from yhdyspinta.areas.models import Area, TimeStamped
from yhdyspinta.bodies.models import Body


class Rule(models.TextChoices):
    NEGOTIATION_612_7 = "612_7", _("612/2021 §7: the county's annual hyte negotiation")
    MUNICIPALITY_612_6 = "612_6", _("612/2021 §6: each municipality takes part")
    TERM_611_14 = "611_14", _("611/2021 §14: a negotiation in each council term")


class PartyGroup(models.TextChoices):
    COUNTY = "county", _("the wellbeing services county")
    MUNICIPALITIES = "municipalities", _("municipalities")
    PUBLIC = "public", _("another public actor")
    BUSINESS = "business", _("a private business")
    NONPROFIT = "nonprofit", _("a non-profit organisation")


class EvidenceLevel(models.TextChoices):
    """What a rule counts as its evidence. The law's default, and every body's rhythm:
    meetings whose minutes are approved. An area may agree on less for a statutory rule
    (its `Practice`); the obligations' legend then says so."""

    APPROVED = "approved", _("meetings whose minutes are approved")
    HELD = "held", _("meetings recorded as held, whether or not their minutes are approved")


class Practice(TimeStamped):
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="practices")
    rule = models.CharField(_("obligation"), max_length=10, choices=Rule.choices)
    bodies = models.ManyToManyField(
        Body,
        blank=True,
        related_name="+",
        verbose_name=_("bodies whose meetings count"),
        help_text=_("None chosen: the bodies whose legal basis is this law."),
    )
    every_meeting_counts = models.BooleanField(
        _("every meeting of these bodies counts"),
        default=False,
        help_text=_(
            "Otherwise only the meetings marked as statutory negotiations count (and, for "
            "§14, negotiations between the county and municipalities)."
        ),
    )
    evidence = models.CharField(
        _("what counts as evidence"),
        max_length=10,
        choices=EvidenceLevel.choices,
        default=EvidenceLevel.APPROVED,
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agreement section it rests on"),
    )
    basis = models.CharField(
        _("where it is agreed"),
        max_length=300,
        blank=True,
        help_text=_("If not in an agreement in the app: the decision or document."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "rule"]
        verbose_name = _("how an obligation is fulfilled")
        verbose_name_plural = _("how the obligations are fulfilled")
        constraints = [
            models.UniqueConstraint(fields=["area", "rule"], name="practice_once_per_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.area}: {self.get_rule_display()}"

    @property
    def agreed_in(self) -> str:
        """Where the way is agreed: the agreement section (with its agreement and
        version), else the decision or document typed in."""
        if self.section is not None:
            version = self.section.version
            return f"{version.agreement.title} (v{version.number}), {self.section}"
        return self.basis


class GroupVenue(models.Model):
    """612/2021 §7: a party group also counts as taking part when someone of it attended
    a meeting of this body in the year (minutes approved)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="venues")
    group = models.CharField(_("party group"), max_length=20, choices=PartyGroup.choices)
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["practice", "group", "body__name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "group", "body"], name="venue_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_group_display()}: {self.body}"
