"""Writes of the programme: yearly reports (revisions, not overwrites), follow-up rounds
with their e-mails, indicator values, and promoting a theme-work idea into a measure."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.communications.services import enqueue
from yhdyspinta.documents import finnish_date
from yhdyspinta.meetings.models import ThemeWorkIdea
from yhdyspinta.outreach import recipients_of
from yhdyspinta.parties.models import Organisation

from .models import FollowUpRound, Goal, IndicatorValue, Measure, MeasureReport, Programme

__all__ = [
    "follow_up_close",
    "follow_up_open",
    "follow_up_remind",
    "idea_promote",
    "indicator_value_save",
    "measure_report",
    "measures_of",
]


def measures_of(*, programme: Programme, organisation: Organisation, year: int):
    """The measures an organisation answers for in a year: those it leads or takes part in."""
    return (
        Measure.objects.filter(
            goal__priority__programme=programme, starts_year__lte=year, ends_year__gte=year
        )
        .filter(Q(lead=organisation) | Q(participants=organisation))
        .distinct()
        .select_related("goal__priority", "lead")
        .order_by("goal__priority__order", "goal__order", "order")
    )


@transaction.atomic
def measure_report(
    *, measure: Measure, organisation: Organisation, year: int, status: str, account: str, user=None
) -> MeasureReport:
    """Record an organisation's status for a measure and year; a repeat is a revision."""
    programme = measure.goal.priority.programme
    if year not in programme.years:
        raise ValidationError(
            _("%(year)s is outside the programme period %(start)s–%(end)s.")
            % {"year": year, "start": programme.starts_year, "end": programme.ends_year}
        )
    if not (
        measure.lead_id == organisation.pk
        or measure.participants.filter(pk=organisation.pk).exists()
    ):
        raise ValidationError(
            _("%(organisation)s is not responsible for this measure.")
            % {"organisation": organisation}
        )
    latest = (
        MeasureReport.objects.filter(measure=measure, organisation=organisation, year=year)
        .order_by("-version")
        .first()
    )
    if latest and latest.status == status and latest.account == account:
        return latest  # nothing changed: no new version
    report = MeasureReport(
        measure=measure,
        organisation=organisation,
        year=year,
        status=status,
        account=account,
        version=(latest.version + 1) if latest else 1,
        reported_by=user if user and user.is_authenticated else None,
    )
    report.full_clean()
    report.save()
    return report


def responsible_organisations(programme: Programme):
    """Every organisation that leads or takes part in a measure of the programme."""
    return (
        Organisation.objects.filter(
            Q(led_measures__goal__priority__programme=programme)
            | Q(measures__goal__priority__programme=programme)
        )
        .distinct()
        .order_by("name")
    )


@transaction.atomic
def follow_up_open(*, programme: Programme, year: int, deadline) -> FollowUpRound:
    """Open the year's follow-up and e-mail each responsible organisation its task list."""
    if year not in programme.years:
        raise ValidationError(
            _("%(year)s is outside the programme period %(start)s–%(end)s.")
            % {"year": year, "start": programme.starts_year, "end": programme.ends_year}
        )
    if FollowUpRound.objects.filter(programme=programme, year=year).exists():
        raise ValidationError(_("The follow-up for %(year)s is already open.") % {"year": year})
    round = FollowUpRound.objects.create(programme=programme, year=year, deadline=deadline)
    organisations = responsible_organisations(programme)
    for organisation in organisations:
        tasks = measures_of(programme=programme, organisation=organisation, year=year)
        lines = [f"- {m.name}" for m in tasks]
        enqueue(
            area=programme.area,
            kind=OutgoingMessage.Kind.FOLLOW_UP,
            about=round,
            subject=_("Follow-up of %(programme)s for %(year)s")
            % {"programme": programme.name, "year": year},
            body=_("Please report the status of these measures by %(deadline)s:\n\n%(measures)s")
            % {"deadline": finnish_date(deadline), "measures": "\n".join(lines)},
            recipients=recipients_of(organisation),
        )
    return round


@transaction.atomic
def follow_up_close(*, round: FollowUpRound) -> None:
    """Close the year's follow-up: its reports become the year's record (read-only)."""
    if round.is_open:
        round.is_open = False
        round.save(update_fields=["is_open", "updated_at"])


@transaction.atomic
def follow_up_remind(*, round: FollowUpRound) -> int:
    """Remind each organisation that has measures without its report for the year."""
    programme, year = round.programme, round.year
    reported = set(
        MeasureReport.objects.filter(
            measure__goal__priority__programme=programme, year=year
        ).values_list("measure_id", "organisation_id")
    )
    count = 0
    organisations = responsible_organisations(programme)
    for organisation in organisations:
        missing = [
            m
            for m in measures_of(programme=programme, organisation=organisation, year=year)
            if (m.pk, organisation.pk) not in reported and (m.pk, m.lead_id) not in reported
        ]
        if not missing:
            continue
        recipients = recipients_of(organisation)
        enqueue(
            area=programme.area,
            kind=OutgoingMessage.Kind.REMINDER,
            about=round,
            subject=_("Reminder: follow-up of %(programme)s for %(year)s")
            % {"programme": programme.name, "year": year},
            body=_("Please report the status of these measures by %(deadline)s:\n\n%(measures)s")
            % {
                "deadline": finnish_date(round.deadline),
                "measures": "\n".join(f"- {m.name}" for m in missing),
            },
            recipients=recipients,
        )
        count += 1 if recipients[0].email else 0
    return count


@transaction.atomic
def indicator_value_save(*, value: IndicatorValue) -> IndicatorValue:
    value.full_clean(validate_unique=False)
    existing = IndicatorValue.objects.filter(
        indicator=value.indicator,
        year=value.year,
        level=value.level,
        organisation=value.organisation,
        sub_region=value.sub_region,
    ).first()
    if existing:
        existing.value = value.value
        existing.is_demo = value.is_demo
        existing.save()
        return existing
    value.save()
    return value


@transaction.atomic
def idea_promote(*, idea: ThemeWorkIdea, goal: Goal, lead: Organisation, name: str = "") -> Measure:
    """A theme-work idea becomes a measure of the programme; both keep the link."""
    programme = goal.priority.programme
    measure = Measure(
        goal=goal,
        name=name or idea.text[:250],
        description=idea.text,
        lead=lead,
        starts_year=max(programme.starts_year, idea.group.minutes.meeting.starts_at.year),
        ends_year=programme.ends_year,
        source_idea=idea,
        order=goal.measures.count() + 1,
    )
    measure.full_clean()
    measure.save()
    if not idea.taken_forward:
        idea.taken_forward = True
        idea.save(update_fields=["taken_forward"])
    return measure
