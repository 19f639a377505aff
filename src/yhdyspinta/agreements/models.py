"""The cooperation agreement: versions with numbered sections, parties with approvals and
signatures, the approval path, the responsibility table, comment rounds, and the
structures (bodies, rhythms, conveners) each version sets up."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.areas.models import Area, SubRegion, TimeStamped
from yhdyspinta.bodies.models import Body, Composition, LegalBasis, Level, RhythmRule
from yhdyspinta.consultations.models import AnswerChannel, Request, Round
from yhdyspinta.core.files import UploadValidator
from yhdyspinta.core.freeze import Frozen
from yhdyspinta.parties.models import NamedRoleKind, Organisation

from .signatures import Outcome, trust_roots_from_pem


class Agreement(TimeStamped):
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(_("title"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "title"]
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agreements:agreement", kwargs={"area": self.area.slug, "pk": self.pk})


FROZEN_VERSION = _(
    "The version has been signed and can no longer change: make a new version instead."
)
FROZEN_SIGNATURE = _("A recorded signature cannot be changed or removed.")
FROZEN_ROUND = _("The round is closed: its comments and their handling can no longer change.")


def signed_version(version_id) -> bool:
    return AgreementParty.objects.filter(version_id=version_id, signed_on__isnull=False).exists()


class _InVersion(Frozen):
    """Abstract: a part of an agreement version, frozen once anyone has signed it."""

    class Meta:
        abstract = True

    def frozen_message(self) -> str | None:
        return str(FROZEN_VERSION) if signed_version(self.version_id) else None


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNING = "signing", _("Being approved and signed")
    SIGNED = "signed", _("Signed, not yet in force")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Replaced by a newer version")


class AgreementVersion(TimeStamped):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    label = models.CharField(
        _("name of the version"),
        max_length=200,
        blank=True,
        help_text=_("E.g. 'Draft for comments, November 2024'."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: until further notice.")
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    change_note = models.TextField(_("what changed"), blank=True)
    applied_at = models.DateTimeField(_("structure applied"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "-number"]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="version_unique_number"),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="version_validity_order",
                violation_error_message=_("The agreement ends before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.number}"

    @property
    def area(self) -> Area:
        return self.agreement.area

    def get_absolute_url(self) -> str:
        return reverse(
            "agreements:version",
            kwargs={
                "area": self.agreement.area.slug,
                "pk": self.agreement_id,
                "number": self.number,
            },
        )

    def clean(self) -> None:
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The agreement ends before it starts.")})


class AgreementParty(Frozen, TimeStamped):
    """A party to one version: its approval decision and its signature."""

    freezes_itself = True
    # The scan or the e-signature reference may arrive after the signature is recorded:
    # each may be added once, never changed or removed.
    thaw_fields = ("signed_copy", "e_signature_reference")

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    signatory_name = models.CharField(_("signatory"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's title"), max_length=200, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    approval_reference = models.CharField(
        _("decision reference"),
        max_length=200,
        blank=True,
        help_text=_("E.g. 'Municipal board 12.5.2025 § 84'."),
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_copy = models.FileField(
        _("scanned signed copy"),
        upload_to="agreements/signed/",
        blank=True,
        validators=[UploadValidator()],
    )
    e_signature_reference = models.CharField(_("e-signature reference"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "organisation__kind", "organisation__name"]
        verbose_name = _("party to the agreement")
        verbose_name_plural = _("parties to the agreement")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"], name="party_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    def frozen_message(self) -> str | None:
        return str(FROZEN_SIGNATURE) if self.pk and self.signed_on else None

    def _changed_from(self, saved, update_fields) -> bool:
        replaced = any(
            getattr(saved, name) and str(getattr(self, name)) != str(getattr(saved, name))
            for name in self.thaw_fields
        )
        return replaced or super()._changed_from(saved, update_fields)

    def clean(self) -> None:
        errors = {}
        if self.signed_on and not self.signatory_name:
            errors["signatory_name"] = _("Name who signed.")
        if self.signed_on and not self.approved_on:
            errors["approved_on"] = _("A party signs after it has approved the agreement.")
        if self.approved_on and self.signed_on and self.signed_on < self.approved_on:
            errors["signed_on"] = _("The signature is dated before the approval.")
        if errors:
            raise ValidationError(errors)


class TrustRoot(TimeStamped):
    """A certificate authority whose certificates the installation trusts for electronic
    signatures (e.g. the Digital and Population Data Services Agency's roots), set by
    the superuser; a signature whose certificate leads to none of them is untrusted."""

    name = models.CharField(_("name"), max_length=200)
    certificate = models.TextField(
        _("certificate (PEM)"),
        help_text=_("The root certificate in PEM form (-----BEGIN CERTIFICATE----- …)."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("trust root for signatures")
        verbose_name_plural = _("trust roots for signatures")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            found = trust_roots_from_pem(self.certificate.encode())
        except Exception:  # anything asn1crypto cannot read
            found = []
        if not found:
            raise ValidationError({"certificate": _("This is not a certificate in PEM form.")})


class SignatureCheck(models.Model):
    """One electronic signature found in a party's signed copy, as validated when the
    copy was added (or checked again): the outcome and what the certificate says."""

    party = models.ForeignKey(
        AgreementParty, on_delete=models.CASCADE, related_name="signature_checks"
    )
    position = models.PositiveSmallIntegerField(default=1)
    checked_at = models.DateTimeField(_("checked"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    signer = models.CharField(_("signer"), max_length=500, blank=True)
    issuer = models.CharField(_("issuer"), max_length=500, blank=True)
    valid_from = models.DateTimeField(_("certificate valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("certificate valid until"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signing time"), null=True, blank=True)

    class Meta:
        ordering = ["party", "position"]
        verbose_name = _("signature check")
        verbose_name_plural = _("signature checks")
        constraints = [
            models.UniqueConstraint(fields=["party", "position"], name="signature_check_once"),
        ]

    def __str__(self) -> str:
        return f"{self.party}: {self.get_outcome_display()}"

    @property
    def ok(self) -> bool:
        return self.outcome == Outcome.VALID


def new_key() -> str:
    return uuid.uuid4().hex


class Section(_InVersion):
    """A numbered section. `key` stays the same across versions, so that a section can
    be compared with itself even when it is renumbered or renamed."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(max_length=32, default=new_key, editable=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True, help_text=_("Markdown: **bold**, - lists."))
    named_role_kinds = models.JSONField(_("named roles it requires"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="section_key_once"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def clean(self) -> None:
        if not isinstance(self.named_role_kinds, list) or not set(self.named_role_kinds) <= set(
            NamedRoleKind.values
        ):
            raise ValidationError({"named_role_kinds": _("Unknown role.")})

    def named_role_labels(self) -> list[str]:
        labels = dict(NamedRoleKind.choices)
        return [str(labels[k]) for k in self.named_role_kinds if k in labels]


class StructureSpec(Composition):
    """A body as the version sets it up. Applying the version makes the body match."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="structures"
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="structures",
        verbose_name=_("section"),
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreement_specs",
        verbose_name=_("existing body"),
        help_text=_("Empty: applying the version creates a new body."),
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=30, choices=Level.choices)
    convener = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("convener")
    )
    convener_role = models.CharField(_("convener's role"), max_length=200, blank=True)
    sub_region = models.ForeignKey(
        SubRegion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sub-region"),
    )
    legal_basis = models.CharField(
        _("legal basis"), max_length=10, choices=LegalBasis.choices, default=LegalBasis.NONE
    )
    description = models.TextField(_("task"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "level", "name"]
        verbose_name = _("structure set up by the agreement")
        verbose_name_plural = _("structures set up by the agreement")
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="spec_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if errors := self.composition_errors():
            raise ValidationError(errors)

    def rhythm_text(self) -> str:
        return "; ".join(rule.describe() for rule in self.rhythm.all())


class SpecRhythm(models.Model):
    spec = models.ForeignKey(StructureSpec, on_delete=models.CASCADE, related_name="rhythm")
    meeting_kind = models.CharField(
        _("meetings"),
        max_length=20,
        choices=RhythmRule.MeetingKind.choices,
        default=RhythmRule.MeetingKind.ANY,
    )
    period = models.CharField(
        _("per"),
        max_length=20,
        choices=RhythmRule.Period.choices,
        default=RhythmRule.Period.YEAR,
    )
    min_count = models.PositiveSmallIntegerField(_("at least"), default=1)
    max_count = models.PositiveSmallIntegerField(_("at most"), null=True, blank=True)
    month = models.PositiveSmallIntegerField(_("in month"), null=True, blank=True)

    class Meta:
        ordering = ["spec", "period", "meeting_kind"]

    def __str__(self) -> str:
        return self.describe()

    def as_tuple(self) -> tuple:
        return (self.meeting_kind, self.period, self.min_count, self.max_count, self.month)

    def describe(self) -> str:
        return RhythmRule(**dict(zip(RHYTHM_FIELDS, self.as_tuple(), strict=True))).describe()

    def clean(self) -> None:
        if self.max_count is not None and self.max_count < self.min_count:
            raise ValidationError({"max_count": _("'At most' is below 'at least'.")})
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValidationError({"month": _("The month is a number from 1 to 12.")})


RHYTHM_FIELDS = ("meeting_kind", "period", "min_count", "max_count", "month")


class Annex(_InVersion, TimeStamped):
    """A file annex. The data sources annex and the responsibility table are built in."""

    version = models.ForeignKey(AgreementVersion, on_delete=models.CASCADE, related_name="annexes")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(
        _("file"), upload_to="agreements/annexes/", validators=[UploadValidator()]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("annex")
        verbose_name_plural = _("annexes")

    def __str__(self) -> str:
        return self.title


class ApprovalStep(TimeStamped):
    """One step of the approval schedule: who handles the version, when, with what result."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not yet handled")
        APPROVED = "approved", _("Approved")
        APPROVED_WITH_CHANGES = "changes", _("Approved with changes")
        NOTED = "noted", _("Noted")
        RETURNED = "returned", _("Returned for preparation")

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="approval_steps"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("step"), max_length=200, help_text=_("E.g. 'Municipal managers'."))
    body = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("body"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    decided_on = models.DateField(_("handled on"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    decision_reference = models.CharField(_("decision reference"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "position", "planned_on", "id"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.outcome != self.Outcome.PENDING and not self.decided_on:
            raise ValidationError({"decided_on": _("Give the date the step was handled.")})


class Interface(models.TextChoices):
    HYTE = "hyte", _("Health and wellbeing promotion")
    PREPAREDNESS = "preparedness", _("Preparedness")
    EMPLOYMENT = "employment", _("Employment and work ability")
    INTEGRATION = "integration", _("Integration of immigrants")
    FAMILY_CENTRE = "family_centre", _("Family-centre network")

    @classmethod
    def role_kind(cls, interface: str) -> str:
        """The named role whose holders are this interface's people."""
        return {
            cls.HYTE: NamedRoleKind.HYTE_RESPONSIBLE_PERSON,
            cls.PREPAREDNESS: NamedRoleKind.PREPAREDNESS_OFFICER,
            cls.EMPLOYMENT: NamedRoleKind.EMPLOYMENT_CONTACT,
            cls.INTEGRATION: NamedRoleKind.INTEGRATION_CONTACT,
            cls.FAMILY_CENTRE: NamedRoleKind.FAMILY_CENTRE_COORDINATOR,
        }[interface]


class ResponsibilityTask(models.Model):
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="responsibility_tasks"
    )
    interface = models.CharField(_("interface"), max_length=20, choices=Interface.choices)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("task"), max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "interface", "position", "id"]
        verbose_name = _("task in the responsibility table")
        verbose_name_plural = _("tasks in the responsibility table")

    def __str__(self) -> str:
        return self.text


class Mark(models.TextChoices):
    RESPONSIBLE = "R", _("Responsible")
    TAKES_PART = "P", _("Takes part")
    INFORMED = "I", _("Is informed")


class ResponsibilityMark(models.Model):
    task = models.ForeignKey(ResponsibilityTask, on_delete=models.CASCADE, related_name="marks")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    mark = models.CharField(max_length=1, choices=Mark.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "organisation"], name="mark_once_per_cell"),
        ]

    def __str__(self) -> str:
        return f"{self.task} / {self.organisation}: {self.mark}"


class CommentRound(Round):
    """A written comment (lausunto) or evaluation round on one version (a kind of
    consultations.Round)."""

    class Kind(models.TextChoices):
        COMMENTS = Round.Kind.COMMENTS.value, Round.Kind.COMMENTS.label
        EVALUATION = Round.Kind.EVALUATION.value, Round.Kind.EVALUATION.label

    Status = Round.Status

    id = models.BigAutoField(primary_key=True)
    consultation = models.OneToOneField(
        Round, on_delete=models.CASCADE, parent_link=True, related_name="comment_round"
    )
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="comment_rounds"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-deadline"]
        verbose_name = _("comment round")
        verbose_name_plural = _("comment rounds")

    def __str__(self) -> str:
        return self.title

    def derive(self) -> None:
        if self.version_id:
            self.area_id = self.version.agreement.area_id
        if self.kind not in self.Kind.values:
            self.kind = self.Kind.COMMENTS

    def get_absolute_url(self) -> str:
        return reverse(
            "agreements:round", kwargs={"area": self.version.agreement.area.slug, "pk": self.pk}
        )


class CommentRequest(Request):
    """The request to one organisation; its comments are drafts until submitted (a kind
    of consultations.Request)."""

    Channel = AnswerChannel

    id = models.BigAutoField(primary_key=True)
    request = models.OneToOneField(
        Request, on_delete=models.CASCADE, parent_link=True, related_name="comment_request"
    )
    round = models.ForeignKey(CommentRound, on_delete=models.CASCADE, related_name="requests")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.APP
    )
    registry_number = models.CharField(_("registry number"), max_length=60, blank=True)
    no_comments = models.BooleanField(_("no comments"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "organisation__name"]
        verbose_name = _("comment request")
        verbose_name_plural = _("comment requests")

    def __str__(self) -> str:
        return f"{self.round}: {self.organisation}"

    def save(self, *args, **kwargs):
        self.consultation_id = self.round.consultation_id
        super().save(*args, **kwargs)

    @property
    def is_late(self) -> bool:
        return bool(
            self.submitted_at and timezone.localtime(self.submitted_at).date() > self.round.deadline
        )


class Response(models.TextChoices):
    PENDING = "", _("Not yet handled")
    ACCEPTED = "accepted", _("Accepted")
    PARTLY = "partly", _("Partly accepted")
    NOT_ACCEPTED = "not", _("Not accepted")


class Comment(Frozen, TimeStamped):
    request = models.ForeignKey(CommentRequest, on_delete=models.CASCADE, related_name="comments")
    section = models.ForeignKey(
        Section,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        verbose_name=_("section"),
    )
    text = models.TextField(_("comment"))
    response = models.CharField(
        _("handling"), max_length=10, choices=Response.choices, default=Response.PENDING, blank=True
    )
    response_reason = models.TextField(_("reason"), blank=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["request", "section__position", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.text[:60]

    def frozen_message(self) -> str | None:
        closed = CommentRound.objects.filter(
            requests__pk=self.request_id, status=CommentRound.Status.CLOSED
        )
        return str(FROZEN_ROUND) if closed.exists() else None
