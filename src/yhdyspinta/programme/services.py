"""Writes of the programme: yearly reports (revisions, not overwrites), follow-up rounds
with their e-mails, indicator values, and promoting a theme-work idea into a measure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.areas.models import SubRegion, Theme
from yhdyspinta.communications.models import OutgoingMessage
from yhdyspinta.consultations import services as consultations
from yhdyspinta.consultations.models import AnswerChannel, Request, Round
from yhdyspinta.core.documents import finnish_date
from yhdyspinta.core.permission import require
from yhdyspinta.meetings.models import ThemeWorkIdea
from yhdyspinta.parties.models import Organisation

from .models import (
    SOTKANET_VALUES,
    FollowUpRound,
    Goal,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureReport,
    Programme,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from yhdyspinta.accounts.permissions import Access

__all__ = [
    "follow_up_close",
    "follow_up_open",
    "follow_up_remind",
    "follow_up_requests",
    "idea_promote",
    "indicator_value_save",
    "measure_report",
    "measure_report_save",
    "measures_of",
]


def measures_of(
    *, programme: Programme, organisation: Organisation, year: int
) -> QuerySet[Measure]:
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
def measure_save(
    *,
    access: Access,
    measure: Measure,
    participants: Iterable[Organisation] = (),
    themes: Iterable[Theme] = (),
    sub_regions: Iterable[SubRegion] = (),
) -> Measure:
    """A measure of the programme with the organisations taking part, its themes and its
    sub-regions, as one change (the area's administrator)."""
    require(access.is_admin(measure.goal.priority.programme.area))
    measure.full_clean()
    measure.save()
    measure.participants.set(participants)
    measure.themes.set(themes)
    measure.sub_regions.set(sub_regions)
    return measure


@transaction.atomic
def measure_report(
    *,
    measure: Measure,
    organisation: Organisation,
    year: int,
    status: str,
    account: str,
    user: User | None = None,
    channel: str = AnswerChannel.APP,
    registry_number: str = "",
) -> MeasureReport:
    """Record an organisation's status for a measure and year, and how it came; a repeat
    is a revision."""
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
        channel=channel,
        registry_number=registry_number,
    )
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def measure_report_save(
    *,
    access: Access,
    measure: Measure,
    organisation: Organisation,
    year: int,
    status: str,
    account: str,
    user: User | None = None,
    channel: str = AnswerChannel.APP,
    registry_number: str = "",
) -> MeasureReport:
    """A report saved by the follow-up page or the API: only the organisation's contact
    (or the area's administrator, recording one that came by letter, phone or the
    registry) reports for it."""
    if not access.can_edit_organisation(organisation):
        raise PermissionDenied
    return measure_report(
        measure=measure,
        organisation=organisation,
        year=year,
        status=status,
        account=account,
        user=user,
        channel=channel,
        registry_number=registry_number,
    )


def responsible_organisations(programme: Programme, year: int) -> QuerySet[Organisation]:
    """Every organisation that leads or takes part in a measure of the programme running
    in the year (the same organisations as the follow-up's status board)."""
    led = {
        "led_measures__goal__priority__programme": programme,
        "led_measures__starts_year__lte": year,
        "led_measures__ends_year__gte": year,
    }
    takes_part = {
        "measures__goal__priority__programme": programme,
        "measures__starts_year__lte": year,
        "measures__ends_year__gte": year,
    }
    return Organisation.objects.filter(Q(**led) | Q(**takes_part)).distinct().order_by("name")


@transaction.atomic
def follow_up_open(
    *, access: Access, programme: Programme, year: int, deadline: date
) -> FollowUpRound:
    """Open the year's follow-up: a request to each responsible organisation, and an
    e-mail with its task list and the page where it reports."""
    require(access.is_admin(programme.area))
    if year not in programme.years:
        raise ValidationError(
            _("%(year)s is outside the programme period %(start)s–%(end)s.")
            % {"year": year, "start": programme.starts_year, "end": programme.ends_year}
        )
    if FollowUpRound.objects.filter(programme=programme, year=year).exists():
        raise ValidationError(_("The follow-up for %(year)s is already open.") % {"year": year})
    round = FollowUpRound.objects.create(programme=programme, year=year, deadline=deadline)
    consultations.send_requests(
        follow_up_requests(round),
        round=round,
        kind=OutgoingMessage.Kind.FOLLOW_UP,
        link=answer_link,
        subject=_("Follow-up of %(programme)s for %(year)s")
        % {"programme": programme.name, "year": year},
        body=lambda request, link: _task_list(round, request.organisation, link),
    )
    return round


def follow_up_requests(round: FollowUpRound) -> list[Request]:
    """The round's request to each organisation responsible for a measure (made for any
    that has become responsible since the round opened)."""
    return [
        Request.objects.get_or_create(
            consultation_id=round.consultation_id, organisation=organisation
        )[0]
        for organisation in responsible_organisations(round.programme, round.year)
    ]


FOLLOW_UP_LINK = "follow_up_link"


def answer_link(request: Request) -> str:
    """The organisation's own link to its report, no account needed: not single-use
    (each submission is a new version) and valid while the round is open."""
    token = request.new_token()
    request.token_expires_at = None  # the round's being open is what counts
    return consultations.absolute_link(FOLLOW_UP_LINK, token)


def follow_up_by_token(token: str) -> tuple[FollowUpRound, Request]:
    """The round and request behind a follow-up link, or a clear refusal (Finnish)."""
    request = consultations.by_token(
        Request.objects.filter(consultation__kind=Round.Kind.FOLLOW_UP).select_related(
            "organisation"
        ),
        token,
    )
    round = FollowUpRound.objects.select_related("programme__area").get(
        consultation_id=request.consultation_id
    )
    return round, request


@transaction.atomic
def measure_report_by_link(
    *, round: FollowUpRound, request: Request, measure: Measure, status: str, account: str
) -> MeasureReport:
    """A report sent by the organisation's own link: for its own measures, while the
    round is open."""
    if not FollowUpRound.objects.filter(pk=round.pk, status=FollowUpRound.Status.OPEN).exists():
        raise ValidationError(
            _("The follow-up for %(year)s is closed: reports can no longer be sent.")
            % {"year": round.year}
        )
    return measure_report(
        measure=measure,
        organisation=request.organisation,
        year=round.year,
        status=status,
        account=account,
        channel=AnswerChannel.LINK,
    )


def _task_list(
    round: FollowUpRound,
    organisation: Organisation,
    link: str,
    *,
    only: list[Measure] | None = None,
) -> str:
    measures = (
        only
        if only is not None
        else measures_of(programme=round.programme, organisation=organisation, year=round.year)
    )
    text = _("Please report the status of these measures by %(deadline)s:\n\n%(measures)s") % {
        "deadline": finnish_date(round.deadline),
        "measures": "\n".join(f"- {m.name}" for m in measures),
    }
    how = _(
        "Report with your organisation's own link; no account is needed. It works as long "
        "as the follow-up is open, and each time you send, a new version is kept:"
    )
    return f"{text}\n\n{how}\n{link}"


@transaction.atomic
def follow_up_close(*, access: Access, round: FollowUpRound) -> None:
    """Close the year's follow-up: its reports become the year's record (read-only)."""
    require(access.is_admin(round.programme.area))
    if round.is_open:
        round.status, round.closed_at = FollowUpRound.Status.CLOSED, timezone.now()
        round.save()


@transaction.atomic
def follow_up_remind(*, access: Access, round: FollowUpRound, now: datetime | None = None) -> int:
    """Remind each organisation whose measures still lack this year's report, by the one
    reminder rule of every round (at most once in about a day)."""
    require(access.is_admin(round.programme.area))
    programme, year = round.programme, round.year
    reported = set(
        MeasureReport.objects.filter(
            measure__goal__priority__programme=programme, year=year
        ).values_list("measure_id", "organisation_id")
    )
    missing: dict[int, list] = {}
    requests = follow_up_requests(round)
    for request in requests:
        organisation = request.organisation
        missing[request.pk] = [
            m
            for m in measures_of(programme=programme, organisation=organisation, year=year)
            if (m.pk, organisation.pk) not in reported and (m.pk, m.lead_id) not in reported
        ]
    due = [r for r in requests if missing[r.pk]]
    sent = consultations.send_reminders(
        due,
        round=round,
        now=now or timezone.now(),
        link=answer_link,
        subject=_("Reminder: follow-up of %(programme)s for %(year)s")
        % {"programme": programme.name, "year": year},
        body=lambda request, link: _task_list(
            round, request.organisation, link, only=missing[request.pk]
        ),
    )
    return sent.reached


@transaction.atomic
def indicator_value_save(*, access: Access, value: IndicatorValue) -> IndicatorValue:
    """A value typed in the app; a Sotkanet-bound indicator's values come from the
    imported data only (indicators.services)."""
    require(access.is_admin(value.indicator.goal.priority.programme.area))
    if value.indicator.source == Indicator.Source.SOTKANET:
        raise ValidationError(SOTKANET_VALUES)
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
def idea_promote(
    *, access: Access, idea: ThemeWorkIdea, goal: Goal, lead: Organisation, name: str = ""
) -> Measure:
    """A theme-work idea becomes a measure of the programme; both keep the link."""
    require(access.is_admin(goal.priority.programme.area))
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
