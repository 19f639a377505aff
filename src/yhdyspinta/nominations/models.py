"""Nomination rounds: an area asks organisations to name their representatives to one
or more bodies; the answers (every version kept) become memberships when the round is
closed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from yhdyspinta.areas.models import TimeStamped
from yhdyspinta.bodies.models import Body, Membership
from yhdyspinta.consultations.models import AnswerChannel, Request, Round
from yhdyspinta.core.freeze import Frozen
from yhdyspinta.core.text import NameField
from yhdyspinta.parties.models import Person


class DeputyRule(models.TextChoices):
    REQUIRED = "required", _("Every full member needs a deputy")
    OPTIONAL = "optional", _("Deputies are optional")
    OPTIONAL_FROM_N = (
        "optional_from_n",
        _("Deputies are optional when enough full members are named"),
    )


class NominationRound(Round):
    """A round that asks organisations to name their members to bodies (a kind of
    consultations.Round: the title, deadline, letter and status are the round's)."""

    Status = Round.Status

    id = models.BigAutoField(primary_key=True)
    consultation = models.OneToOneField(
        Round, on_delete=models.CASCADE, parent_link=True, related_name="nomination"
    )
    bodies = models.ManyToManyField(
        Body, related_name="nomination_rounds", verbose_name=_("bodies")
    )
    min_nominees = models.PositiveSmallIntegerField(_("full members, at least"), default=1)
    max_nominees = models.PositiveSmallIntegerField(_("full members, at most"), default=4)
    deputy_rule = models.CharField(
        _("deputies"), max_length=20, choices=DeputyRule.choices, default=DeputyRule.OPTIONAL
    )
    deputy_threshold = models.PositiveSmallIntegerField(
        _("deputies optional from this many full members"),
        default=2,
        help_text=_("Only for the rule 'optional when enough full members are named'."),
    )
    term_starts_on = models.DateField(_("term starts"))
    history = HistoricalRecords(m2m_fields=[bodies])

    class Meta:
        ordering = ["-deadline"]
        verbose_name = _("nomination round")
        verbose_name_plural = _("nomination rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_nominees__gte=models.F("min_nominees")),
                name="round_nominee_range",
                violation_error_message=_("The largest number of nominees is below the smallest."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("nominations:round", kwargs={"area": self.area.slug, "pk": self.pk})

    def derive(self) -> None:
        self.kind = Round.Kind.NOMINATION

    def clean(self) -> None:
        if self.max_nominees is not None and self.max_nominees < self.min_nominees:
            raise ValidationError(
                {"max_nominees": _("The largest number of nominees is below the smallest.")}
            )


class NominationRequest(Request):
    """The request to one organisation to name members to a body (a kind of
    consultations.Request: the organisation, link and reminders are the request's)."""

    id = models.BigAutoField(primary_key=True)
    request = models.OneToOneField(
        Request, on_delete=models.CASCADE, parent_link=True, related_name="nomination"
    )
    round = models.ForeignKey(NominationRound, on_delete=models.CASCADE, related_name="requests")
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="+", verbose_name=_("body")
    )

    class Meta:
        ordering = ["round", "organisation__name"]
        verbose_name = _("nomination request")
        verbose_name_plural = _("nomination requests")

    def __str__(self) -> str:
        return f"{self.round}: {self.organisation}"

    def save(self, *args, **kwargs):
        # The request belongs to its round's consultation: one and the same round.
        self.consultation_id = self.round.consultation_id
        super().save(*args, **kwargs)


class Seat(models.Model):
    """A membership that a nomination round created or renewed. The link lives here, in
    the process, so the body's memberships (the base layer) never point up to a round;
    the membership's own 'based on' text names the round for every reader."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="nomination_seat"
    )
    round = models.ForeignKey(
        NominationRound, on_delete=models.CASCADE, related_name="seats", verbose_name=_("round")
    )

    class Meta:
        verbose_name = _("seat from a nomination round")
        verbose_name_plural = _("seats from nomination rounds")

    def __str__(self) -> str:
        return f"{self.round}: {self.membership}"


FROZEN_ROUND = _("The round is closed: its answers can no longer change.")


def _closed(request_id) -> bool:
    return NominationRound.objects.filter(
        requests__pk=request_id, status=NominationRound.Status.CLOSED
    ).exists()


class NominationAnswer(Frozen, TimeStamped):
    """One version of an organisation's answer. Drafts are edited in place; each
    submission is a new version, and none is ever overwritten."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    Channel = AnswerChannel

    request = models.ForeignKey(NominationRequest, on_delete=models.CASCADE, related_name="answers")
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.APP
    )
    registry_number = models.CharField(_("registry number"), max_length=60, blank=True)
    note = models.TextField(_("note"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["request", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="answer_unique_version"),
        ]

    def __str__(self) -> str:
        return f"{self.request} v{self.version}"

    def frozen_message(self) -> str | None:
        return str(FROZEN_ROUND) if _closed(self.request_id) else None

    @property
    def is_late(self) -> bool:
        return bool(
            self.submitted_at
            and timezone.localtime(self.submitted_at).date() > self.request.round.deadline
        )


class Nominee(Frozen):
    class Role(models.TextChoices):
        MEMBER = "member", _("Full member")
        DEPUTY = "deputy", _("Deputy member")

    answer = models.ForeignKey(NominationAnswer, on_delete=models.CASCADE, related_name="nominees")
    position = models.PositiveSmallIntegerField(_("row"))
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("person"),
    )
    # A new person: created when the round is closed (matched by e-mail first).
    first_name = NameField(_("first name"), max_length=100, blank=True)
    last_name = NameField(_("last name"), max_length=100, blank=True)
    title = NameField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    deputy_for_position = models.PositiveSmallIntegerField(
        _("deputy for row"), null=True, blank=True
    )

    class Meta:
        ordering = ["answer", "position"]

    def __str__(self) -> str:
        return self.name

    def frozen_message(self) -> str | None:
        answer = NominationAnswer.objects.filter(pk=self.answer_id).values("request_id")[:1]
        return str(FROZEN_ROUND) if _closed(answer) else None

    @property
    def name(self) -> str:
        return str(self.person) if self.person_id else f"{self.first_name} {self.last_name}".strip()

    @property
    def identity(self) -> str:
        if self.person_id:
            return f"person:{self.person_id}"
        return f"email:{self.email.lower()}" if self.email else f"name:{self.name.lower()}"
