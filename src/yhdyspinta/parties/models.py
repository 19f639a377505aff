"""Organisations (the parties), the people who work in them, the named roles each
organisation must fill, and the county-municipality counterpart pairs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.areas.models import Area, SubRegion, TimeStamped
from yhdyspinta.core.text import NameField

from .validators import validate_business_id, validate_municipality_number


class OrganisationKind(models.TextChoices):
    COUNTY = "county", _("Wellbeing services county")
    MUNICIPALITY = "municipality", _("Municipality")
    REGIONAL_COUNCIL = "regional_council", _("Regional council")
    NGO = "ngo", _("Non-governmental organisation")
    PARISH = "parish", _("Parish")
    BUSINESS = "business", _("Business")
    ELY = "ely", _("ELY centre")
    TE = "te", _("TE services")
    AVI = "avi", _("Regional state administrative agency (AVI)")
    KELA = "kela", _("Kela")
    POLICE = "police", _("Police")
    EDUCATION = "education", _("Education institution")
    RESCUE = "rescue", _("Rescue services")
    OTHER = "other", _("Other")

    @classmethod
    def state_authorities(cls) -> set[str]:
        return {cls.ELY, cls.TE, cls.AVI, cls.KELA, cls.POLICE}

    @classmethod
    def public_sector(cls) -> set[str]:
        core = {cls.COUNTY, cls.MUNICIPALITY, cls.REGIONAL_COUNCIL, cls.EDUCATION, cls.RESCUE}
        return core | cls.state_authorities()


class Organisation(TimeStamped):
    # Set on a page's rows by parties.selectors.with_body_counts, not stored.
    body_count: int
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="organisations")
    name = NameField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    business_id = models.CharField(
        _("business ID"),
        max_length=9,
        blank=True,
        validators=[validate_business_id],
        help_text=_("Y-tunnus, e.g. 3221317-4."),
    )
    municipality_number = models.CharField(
        _("municipality number"),
        max_length=3,
        blank=True,
        validators=[validate_municipality_number],
        help_text=_("Statistics Finland's three-digit number, municipalities only."),
    )
    sub_region = models.ForeignKey(
        SubRegion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("sub-region"),
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    post_office = models.CharField(_("post office"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_agreement_party = models.BooleanField(_("party to the cooperation agreement"), default=False)
    ended_on = models.DateField(_("ended"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="organisation_unique_name"),
            models.UniqueConstraint(
                fields=["area", "business_id"],
                condition=~models.Q(business_id=""),
                name="organisation_unique_business_id",
                violation_error_message=_("An organisation with this business ID already exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="municipality") | models.Q(municipality_number=""),
                name="organisation_municipality_number_only_for_municipalities",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("parties:organisation", kwargs={"area": self.area.slug, "pk": self.pk})

    @property
    def address(self) -> str:
        city = " ".join(p for p in (self.postal_code, self.post_office) if p)
        return ", ".join(p for p in (self.street_address, city) if p)

    def clean(self) -> None:
        errors = {}
        if self.kind == OrganisationKind.MUNICIPALITY and not self.municipality_number:
            errors["municipality_number"] = _("A municipality needs its municipality number.")
        if self.kind != OrganisationKind.MUNICIPALITY and self.municipality_number:
            errors["municipality_number"] = _("Only municipalities have a municipality number.")
        if self.sub_region_id and self.area_id and self.sub_region.area_id != self.area_id:
            errors["sub_region"] = _("The sub-region belongs to another area.")
        if errors:
            raise ValidationError(errors)


class Leadership(models.TextChoices):
    """A person's position in their organisation's leadership: the capacity their
    attendance starts from (611/2021 §14 asks for both kinds at the negotiation)."""

    POLITICAL = "political", _("Political leadership")
    OFFICIAL = "official", _("Official leadership")


class Person(TimeStamped):
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="people", verbose_name=_("cooperation area")
    )
    first_name = NameField(_("first name"), max_length=100)
    last_name = NameField(_("last name"), max_length=100)
    title = NameField(_("title"), max_length=200, blank=True)
    leadership = models.CharField(
        _("in the leadership"),
        max_length=10,
        choices=Leadership.choices,
        blank=True,
        help_text=_(
            "Political (e.g. chair of the municipal board) or official (e.g. municipal "
            "manager) leadership; empty for experts and employees."
        ),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("user account"),
    )
    # The personal calendar link's key (parties.feeds): renewed, it retires the links
    # given before; CALENDAR_OFF: the person has turned the link off. Not in the history.
    CALENDAR_OFF = "-"
    calendar_key = models.CharField(max_length=32, blank=True, default="")
    history = HistoricalRecords(excluded_fields=["calendar_key"])

    class Meta:
        ordering = ["area", "last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "email"],
                condition=~models.Q(email=""),
                name="person_unique_email",
                violation_error_message=_("A person with this e-mail address already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name_of(self.first_name, self.last_name)

    @staticmethod
    def name_of(first_name: str, last_name: str) -> str:
        """A person's name as shown everywhere (also from rows read as values)."""
        return f"{first_name} {last_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    def get_absolute_url(self) -> str:
        return reverse("parties:person", kwargs={"area": self.area.slug, "pk": self.pk})

    def clean(self) -> None:
        if self.organisation_id and self.area_id and self.organisation.area_id != self.area_id:
            raise ValidationError({"organisation": _("The organisation belongs to another area.")})


class NamedRoleKind(models.TextChoices):
    HYTE_RESPONSIBLE_BODY = "hyte_body", _("Body responsible for hyte")
    HYTE_RESPONSIBLE_PERSON = "hyte_person", _("Person responsible for hyte")
    PREPAREDNESS_OFFICER = "preparedness", _("Preparedness officer")
    FAMILY_CENTRE_COORDINATOR = "family_centre", _("Family-centre coordinator")
    COMMUNICATIONS_CONTACT = "communications", _("Communications contact")
    EMPLOYMENT_CONTACT = "employment", _("Employment and work ability contact")
    INTEGRATION_CONTACT = "integration", _("Integration contact")


class NamedRole(TimeStamped):
    """A role an organisation must fill, held by a person or (for a responsible body)
    by a named body of the organisation, such as its welfare board."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="named_roles"
    )
    kind = models.CharField(_("role"), max_length=30, choices=NamedRoleKind.choices)
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="named_roles",
        verbose_name=_("person"),
    )
    holder_name = models.CharField(
        _("responsible body"),
        max_length=200,
        blank=True,
        help_text=_("For a responsible body: its name, e.g. the welfare board."),
    )
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "kind"]
        verbose_name = _("named role")
        verbose_name_plural = _("named roles")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(person__isnull=True, holder_name=""),
                name="namedrole_has_holder",
                violation_error_message=_("Name a person or a responsible body."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.holder}"

    @property
    def holder(self) -> str:
        return str(self.person) if self.person_id else self.holder_name

    def clean(self) -> None:
        errors = {}
        if not self.person_id and not self.holder_name:
            errors["person"] = _("Name a person or a responsible body.")
        if self.person_id and self.person.organisation_id not in (None, self.organisation_id):
            errors["person"] = _("The person works in another organisation.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date is before the start date.")
        if errors:
            raise ValidationError(errors)


class CounterpartPair(TimeStamped):
    """An official counterpart pair (vastinpari): one person of the county and one of a
    municipality who are each other's contact on a topic (agreement §5)."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="counterpart_pairs")
    topic = models.CharField(_("topic"), max_length=30, choices=NamedRoleKind.choices)
    county_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="county_counterparts",
        verbose_name=_("county's person"),
    )
    municipality_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="municipality_counterparts",
        verbose_name=_("municipality's person"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "topic"]
        verbose_name = _("counterpart pair")
        verbose_name_plural = _("counterpart pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "county_person", "municipality_person"],
                name="counterpart_unique",
                violation_error_message=_("This counterpart pair already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_person} ↔ {self.municipality_person}"

    def clean(self) -> None:
        errors = {}
        county_org = (
            getattr(self.county_person, "organisation", None) if self.county_person_id else None
        )
        muni_org = (
            getattr(self.municipality_person, "organisation", None)
            if self.municipality_person_id
            else None
        )
        if self.county_person_id and (
            county_org is None or county_org.kind != OrganisationKind.COUNTY
        ):
            errors["county_person"] = _(
                "Choose a person who works for the wellbeing services county."
            )
        if self.municipality_person_id and (
            muni_org is None or muni_org.kind != OrganisationKind.MUNICIPALITY
        ):
            errors["municipality_person"] = _("Choose a person who works for a municipality.")
        for field, org in (("county_person", county_org), ("municipality_person", muni_org)):
            if org is not None and self.area_id and org.area_id != self.area_id:
                errors[field] = _("The person belongs to another area.")
        if errors:
            raise ValidationError(errors)
