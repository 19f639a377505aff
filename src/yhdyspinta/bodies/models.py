"""Cooperation bodies (the four levels of the agreement and any working group), their
rhythm as data, and memberships with history."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.areas.models import Area, SubRegion, Theme, TimeStamped
from yhdyspinta.core.text import NameField
from yhdyspinta.parties.models import Organisation, OrganisationKind, Person


class Level(models.TextChoices):
    # Order matters: the structure picture draws levels top-down in this order.
    STRATEGIC = "strategic", _("Strategic level")
    OPERATIVE = "operative", _("Operative level")
    COORDINATOR_NETWORK = "coordinator_network", _("Coordinator / expert network")
    AREA_PARTNERSHIP = "area_partnership", _("Area-wide partnership group")
    REGIONAL_PARTNERSHIP = "regional_partnership", _("Regional partnership group")
    WORKING_GROUP = "working_group", _("Working group")

    @classmethod
    def order(cls) -> list[str]:
        return [c.value for c in cls]


class LegalBasis(models.TextChoices):
    HYTE_612_6_7 = "612_6_7", _("612/2021 §6–7 (annual hyte negotiation)")
    COUNTY_611_14 = "611_14", _("611/2021 §14 (negotiation once per council term)")
    BOTH = "both", _("612/2021 §6–7 and 611/2021 §14")
    NONE = "none", _("No statutory basis (agreed cooperation)")


class Composition(models.Model):
    """Who a body must seat: the party kinds that must be represented and the number of
    nominees per organisation. A body has it, and so does the structure an agreement
    sets up for it (agreements.StructureSpec), which passes it on when applied."""

    required_party_kinds = models.JSONField(
        _("party kinds that must be represented"), default=list, blank=True
    )
    nominees_min = models.PositiveSmallIntegerField(
        _("nominees per organisation, at least"), default=1
    )
    nominees_max = models.PositiveSmallIntegerField(
        _("nominees per organisation, at most"), null=True, blank=True
    )

    class Meta:
        abstract = True

    def composition_errors(self) -> dict[str, str]:
        errors = {}
        if not isinstance(self.required_party_kinds, list) or not set(
            self.required_party_kinds
        ) <= set(OrganisationKind.values):
            errors["required_party_kinds"] = _("Unknown party kind.")
        if self.nominees_max is not None and self.nominees_max < self.nominees_min:
            errors["nominees_max"] = _("The largest number of nominees is below the smallest.")
        return errors


class Body(Composition, TimeStamped):
    # Set on the overview's bodies by its selectors (the member organisations' names).
    member_names: list[str]
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="bodies")
    name = NameField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=30, choices=Level.choices)
    description = models.TextField(_("task"), blank=True)
    convener = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="convened_bodies",
        verbose_name=_("convener"),
    )
    convener_role = models.CharField(
        _("convener's role"),
        max_length=200,
        blank=True,
        help_text=_("Who at the convener calls the meetings, e.g. the development director."),
    )
    sub_region = models.ForeignKey(
        SubRegion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bodies",
        verbose_name=_("sub-region"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("reports to"),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="bodies", verbose_name=_("themes")
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=10, choices=LegalBasis.choices, default=LegalBasis.NONE
    )
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["area", "name"]
        verbose_name = _("cooperation body")
        verbose_name_plural = _("cooperation bodies")
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="body_unique_name"),
            models.CheckConstraint(
                condition=models.Q(nominees_max__isnull=True)
                | models.Q(nominees_max__gte=models.F("nominees_min")),
                name="body_nominees_range",
                violation_error_message=_("The largest number of nominees is below the smallest."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("bodies:body", kwargs={"area": self.area.slug, "pk": self.pk})

    def clean(self) -> None:
        errors = self.composition_errors()
        if self.area_id:
            if self.convener_id and self.convener.area_id != self.area_id:
                errors["convener"] = _("The convener belongs to another area.")
            if self.sub_region_id and self.sub_region.area_id != self.area_id:
                errors["sub_region"] = _("The sub-region belongs to another area.")
            if self.parent_id and self.parent.area_id != self.area_id:
                errors["parent"] = _("The body belongs to another area.")
        if self.parent_id and self.pk and self.parent_id == self.pk:
            errors["parent"] = _("A body cannot report to itself.")
        if errors:
            raise ValidationError(errors)

    def required_party_kind_labels(self) -> list[str]:
        labels = dict(OrganisationKind.choices)
        return [str(labels[k]) for k in self.required_party_kinds if k in labels]


class RhythmRule(models.Model):
    """How often a body must meet: rules as data, read later by the obligations engine.
    Example: the coordinator network meets 6-8 times a year; a regional partnership
    group holds 1 negotiation and 1-3 other meetings a year."""

    class MeetingKind(models.TextChoices):
        ANY = "any", _("meeting")
        NEGOTIATION = "negotiation", _("statutory negotiation")
        MEETING = "meeting", _("other meeting")
        FOLLOW_UP = "follow_up", _("follow-up meeting")

    class Period(models.TextChoices):
        YEAR = "year", _("a year")
        COUNCIL_TERM = "council_term", _("per council term")

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="rhythm_rules")
    meeting_kind = models.CharField(
        _("meetings"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.ANY
    )
    period = models.CharField(_("per"), max_length=20, choices=Period.choices, default=Period.YEAR)
    min_count = models.PositiveSmallIntegerField(_("at least"), default=1)
    max_count = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(
        _("in month"),
        null=True,
        blank=True,
        help_text=_("When the meeting must fall in a given month, e.g. 5 for the May follow-up."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["body", "period", "meeting_kind"]
        verbose_name = _("rhythm rule")
        verbose_name_plural = _("rhythm rules")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_count__isnull=True)
                | models.Q(max_count__gte=models.F("min_count")),
                name="rhythm_range",
                violation_error_message=_("'At most' is below 'at least'."),
            ),
            models.CheckConstraint(
                condition=models.Q(month__isnull=True) | models.Q(month__gte=1, month__lte=12),
                name="rhythm_month_valid",
                violation_error_message=_("The month is a number from 1 to 12."),
            ),
        ]

    def __str__(self) -> str:
        return self.describe()

    def clean(self) -> None:
        if self.max_count is not None and self.max_count < self.min_count:
            raise ValidationError({"max_count": _("'At most' is below 'at least'.")})

    def describe(self) -> str:
        if self.max_count is None:
            count = gettext("at least %(min)s") % {"min": self.min_count}
        elif self.max_count == self.min_count:
            count = str(self.min_count)
        else:
            count = f"{self.min_count}–{self.max_count}"
        text = gettext("%(count)s × %(kind)s %(period)s") % {
            "count": count,
            "kind": self.get_meeting_kind_display(),
            "period": self.get_period_display(),
        }
        if self.month:
            text += " " + gettext("(month %(month)s)") % {"month": self.month}
        return text


class MembershipRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice_chair", _("Vice-chair")
    MEMBER = "member", _("Member")
    DEPUTY = "deputy", _("Deputy member")
    SECRETARY = "secretary", _("Secretary")


class Membership(TimeStamped):
    """A person's seat in a body, representing an organisation. Memberships are ended,
    never deleted or overwritten, so the body's history stays readable."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("represents"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    deputy_for = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deputies",
        verbose_name=_("deputy for"),
    )
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    source = models.CharField(_("based on"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["body", "organisation__name", "role", "person__last_name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="membership_ends_after_start",
                violation_error_message=_("The end date is before the start date."),
            ),
            models.CheckConstraint(
                condition=(models.Q(role="deputy") & models.Q(deputy_for__isnull=False))
                | (~models.Q(role="deputy") & models.Q(deputy_for__isnull=True)),
                name="membership_deputy_has_member",
                violation_error_message=_("A deputy member must stand in for a member."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.body} ({self.get_role_display()})"

    def is_active_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

    def overlapping(self, queryset: models.QuerySet) -> models.QuerySet:
        """Memberships in the queryset whose period overlaps this one's."""
        qs = queryset.filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=self.starts_on))
        if self.ends_on:
            qs = qs.filter(starts_on__lte=self.ends_on)
        if self.pk:
            qs = qs.exclude(pk=self.pk)
        return qs

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date is before the start date.")
        if not (self.body_id and self.person_id and self.organisation_id and self.starts_on):
            if errors:
                raise ValidationError(errors)
            return
        area_id = self.body.area_id
        if self.person.area_id != area_id:
            errors["person"] = _("The person belongs to another area.")
        if self.organisation.area_id != area_id:
            errors["organisation"] = _("The organisation belongs to another area.")
        same_body = Membership.objects.filter(body_id=self.body_id)
        if (
            "ends_on" not in errors
            and self.overlapping(same_body.filter(person_id=self.person_id)).exists()
        ):
            errors["person"] = _("%(person)s is already a member of this body for this period.") % {
                "person": self.person
            }
        if deputy_problem := self._deputy_problem():
            errors["deputy_for"] = deputy_problem
        limit = self.body.nominees_max
        if (
            limit
            and self.role not in (MembershipRole.DEPUTY, MembershipRole.SECRETARY)
            and "ends_on" not in errors
        ):
            seats = self.overlapping(
                same_body.filter(organisation_id=self.organisation_id).exclude(
                    role__in=[MembershipRole.DEPUTY, MembershipRole.SECRETARY]
                )
            ).count()
            if seats >= limit:
                errors["organisation"] = _(
                    "%(organisation)s already has %(count)s members in this body; "
                    "the rule allows at most %(limit)s."
                ) % {"organisation": self.organisation, "count": seats, "limit": limit}
        if errors:
            raise ValidationError(errors)

    def _deputy_problem(self) -> str | None:
        """A deputy stands in for a full member of the same body and organisation whose
        term has not ended; nobody else stands in for anyone."""
        if self.role != MembershipRole.DEPUTY:
            return _("Only a deputy member stands in for someone.") if self.deputy_for_id else None
        if not self.deputy_for_id:
            return _("A deputy member must stand in for a member.")
        principal = self.deputy_for
        if principal.body_id != self.body_id or principal.role == MembershipRole.DEPUTY:
            return _("A deputy must stand in for a full member of the same body.")
        if principal.organisation_id != self.organisation_id:
            return _("A deputy represents the same organisation as the member.")
        if principal.ends_on is not None and principal.ends_on < self.starts_on:
            return _("That member's term has already ended.")
        return None
