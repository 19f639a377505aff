"""Generating and planning the annual clock."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.agreements.models import AgreementVersion, CommentRound
from yhdyspinta.agreements.selectors import add_months, is_fully_signed
from yhdyspinta.areas.models import Area, CouncilTerm
from yhdyspinta.bodies.models import Body, Membership, RhythmRule
from yhdyspinta.bodies.selectors import working
from yhdyspinta.core.permission import require
from yhdyspinta.meetings.calendar import unsuitable
from yhdyspinta.meetings.models import Meeting, MeetingKind, MeetingStatus
from yhdyspinta.meetings.selectors import area_meetings
from yhdyspinta.nominations.models import NominationRound
from yhdyspinta.parties.models import Organisation, OrganisationKind
from yhdyspinta.programme.models import FollowUpRound

from .models import AreaEvent, ClockEvent, EventKind

if TYPE_CHECKING:
    from yhdyspinta.accounts.permissions import Access

# Months that a body's meetings spread over: not July, the Finnish holiday month.
WORKING_MONTHS = [1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]
# A rhythm rule's kind of meeting is the kind its slots become when accepted.
SLOT_KINDS: dict[str, str] = {
    RhythmRule.MeetingKind.NEGOTIATION: MeetingKind.NEGOTIATION,
    RhythmRule.MeetingKind.FOLLOW_UP: MeetingKind.FOLLOW_UP,
}
# A body's meetings are proposed at least this far apart (never on consecutive days).
MIN_GAP_DAYS = 14


def spread_months(count: int) -> list[int]:
    """`count` months spread evenly over the working months."""
    if count <= 0:
        return []
    step = len(WORKING_MONTHS) / count
    return [
        WORKING_MONTHS[min(len(WORKING_MONTHS) - 1, int(step * i + step / 2))] for i in range(count)
    ]


def _slots(rule: RhythmRule) -> int:
    return rule.max_count if rule.max_count and rule.max_count <= 12 else rule.min_count


def election_term_start(area: Area, year: int) -> date | None:
    """When the new council term starts, if this is an election year. Municipal and
    county elections are held together every four years from April 2025; the term
    starts on 1 June. A council term recorded for the area wins over the rule."""
    term = area.council_terms.filter(starts_on__year=year, kind=CouncilTerm.Kind.JOINT).first()
    if term:
        return term.starts_on
    if year >= 2025 and (year - 2025) % 4 == 0:
        return date(year, 6, 1)
    return None


@transaction.atomic
def clock_generate(*, access: Access, area: Area, year: int) -> int:
    """Create the year's events from the bodies' rhythms and the area's recurring events.
    Running it again adds only what is missing. Returns how many were created."""
    require(access.is_admin(area))
    created = 0
    county = area.organisations.filter(kind=OrganisationKind.COUNTY).first()
    # The bodies that work when the year begins; one that ends during it has no meeting
    # proposed for a month that starts on its end day or later.
    bodies = Body.objects.filter(working(date(year, 1, 1)), area=area)
    for body in bodies.prefetch_related("rhythm_rules", "themes"):
        slot = 0
        for rule in body.rhythm_rules.all():
            if rule.period != RhythmRule.Period.YEAR:
                continue
            meeting_kind = SLOT_KINDS.get(rule.meeting_kind, MeetingKind.MEETING)
            months = [rule.month] * _slots(rule) if rule.month else spread_months(_slots(rule))
            for month in months:
                slot += 1
                if body.ended_on and date(year, month, 1) >= body.ended_on:
                    continue
                event, was_created = _ensure(
                    area,
                    year,
                    f"body:{body.pk}:{slot}",
                    kind=EventKind.MEETING,
                    body=body,
                    slot=slot,
                    title=body.name,
                    month=month,
                    owner=body.convener,
                    meeting_kind=meeting_kind,
                )
                if was_created:
                    event.themes.set(body.themes.all())
                    created += 1
                elif event.title != body.name:  # the body was renamed: same event
                    event.title = body.name
                    event.save(update_fields=["title", "updated_at"])
    for own in AreaEvent.objects.filter(area=area):
        event, was_created = _ensure(
            area,
            year,
            f"area-event:{own.pk}",
            kind=own.kind,
            title=own.title,
            month=own.month,
            owner=own.owner,
        )
        created += was_created
        changed = {"kind": own.kind, "title": own.title, "owner_id": own.owner_id}
        if not was_created and event.day is None and event.month != own.month:
            changed["month"] = own.month  # moved, and not yet given a date
        if any(getattr(event, name) != value for name, value in changed.items()):
            for name, value in changed.items():
                setattr(event, name, value)
            event.save()
    created += _round_deadlines(area, year, county)
    term_start = election_term_start(area, year)
    term_kind = (
        MeetingKind.BILATERAL
        if area.negotiation_611_mode == Area.Negotiation611Mode.PER_MUNICIPALITY
        else MeetingKind.NEGOTIATION
    )
    if term_start:
        strategic = Body.objects.filter(area=area, legal_basis__in=["611_14", "both"]).first()
        for kind, month, title, term_body in (
            (EventKind.ELECTION, 4, _("Municipal and county elections"), None),
            (EventKind.TERM, term_start.month, _("The new council term starts"), None),
            (EventKind.ORIENTATION, 9, _("Decision-makers' hyte orientation"), None),
            (EventKind.MEETING, 10, _("611/2021 §14 negotiation for the new term"), strategic),
        ):
            _event, was_created = _ensure(
                area,
                year,
                f"term:{kind}",
                kind=kind,
                body=term_body,
                slot=99 if term_body else 0,
                title=title,
                month=month,
                owner=county,
                meeting_kind=term_kind if term_body else "",
            )
            created += was_created
    _link_meetings(area, year)
    return created


def _ensure(area: Area, year: int, key: str, **fields: object) -> tuple[ClockEvent, bool]:
    """The year's event with this key, created with these fields when missing. The key,
    not the (translated) title, says which event it is: generating again in another
    language, or after a body was renamed, adds nothing."""
    return ClockEvent.objects.get_or_create(area=area, year=year, key=key, defaults=fields)


def _round_deadlines(area: Area, year: int, county: Organisation | None) -> int:
    """The deadlines of the area's nomination, follow-up and comment rounds falling in the
    year, and the agreement's expiry and evaluation."""

    deadlines = [
        (
            f"nomination-round:{r.pk}",
            _("Nomination deadline: %(round)s") % {"round": r.title},
            r.deadline,
            EventKind.DEADLINE,
        )
        for r in NominationRound.objects.filter(area=area, deadline__year=year)
    ] + [
        (
            f"follow-up-round:{r.pk}",
            _("Follow-up deadline: %(programme)s %(year)s")
            % {"programme": r.programme.name, "year": r.year},
            r.deadline,
            EventKind.DEADLINE,
        )
        for r in FollowUpRound.objects.filter(
            programme__area=area, deadline__year=year
        ).select_related("programme")
    ]
    deadlines += _agreement_dates(area, year)
    created = 0
    for key, title, deadline, kind in deadlines:
        _event, was_created = _ensure(
            area,
            year,
            key,
            kind=kind,
            title=title[:200],
            month=deadline.month,
            day=deadline,
            owner=county,
        )
        created += was_created
    return created


def _agreement_dates(area: Area, year: int) -> list[tuple]:
    """Comment-round deadlines, and for signed agreement versions the day they expire
    and the evaluation six months before it."""

    dates: list[tuple] = [
        (
            f"comment-round:{r.pk}",
            _("Comment deadline: %(round)s") % {"round": r.title},
            r.deadline,
            EventKind.DEADLINE,
        )
        for r in CommentRound.objects.filter(version__agreement__area=area, deadline__year=year)
    ]
    versions = (
        AgreementVersion.objects.filter(agreement__area=area, valid_until__isnull=False)
        .select_related("agreement")
        .prefetch_related("parties")
    )
    for version in versions:
        end = version.valid_until
        if end is None or not is_fully_signed(version):
            continue
        evaluation = add_months(end, -6)
        if end.year == year:
            dates.append(
                (
                    f"agreement-version:{version.pk}:expires",
                    _("The agreement expires: %(title)s") % {"title": version.agreement.title},
                    end,
                    EventKind.DEADLINE,
                )
            )
        if evaluation.year == year:
            dates.append(
                (
                    f"agreement-version:{version.pk}:evaluate",
                    _("Evaluate the agreement before it expires: %(title)s")
                    % {"title": version.agreement.title},
                    evaluation,
                    EventKind.FOLLOW_UP,
                )
            )
    return dates


def _link_meetings(area: Area, year: int) -> None:
    """Tie slots to the real meetings of the same body and month."""
    meetings = (
        area_meetings(area)
        .filter(starts_at__year=year)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(clock_events__isnull=False)
    )
    free: dict[tuple[int | None, int], list[Meeting]] = {}
    for meeting in meetings:
        free.setdefault((meeting.body_id, timezone.localtime(meeting.starts_at).month), []).append(
            meeting
        )
    for event in ClockEvent.objects.filter(
        area=area, year=year, kind=EventKind.MEETING, meeting__isnull=True
    ):
        candidates = free.get((event.body_id, event.month)) or []
        if candidates:
            event.meeting = candidates.pop(0)
            event.day = timezone.localtime(event.meeting.starts_at).date()
            event.status = ClockEvent.Status.ACCEPTED
            event.save(update_fields=["meeting", "day", "status", "updated_at"])


def _booked_days(area: Area, year: int) -> dict[int, set[date]]:
    """For each person, the days they already sit in a meeting."""
    booked: dict[int, set[date]] = {}
    members = (
        Membership.objects.filter(body__area=area).order_by().values_list("body_id", "person_id")
    )
    by_body: dict[int, list[int]] = {}
    for body_id, person_id in members:
        by_body.setdefault(body_id, []).append(person_id)
    for body_id, starts_at in (
        area_meetings(area)
        .filter(starts_at__year=year)
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("body_id", "starts_at")
    ):
        day = timezone.localtime(starts_at).date()
        for person_id in by_body.get(body_id, []):
            booked.setdefault(person_id, set()).add(day)
    return booked


@transaction.atomic
def propose_dates(*, access: Access, area: Area, year: int, today: date | None = None) -> int:
    """Give every unplanned meeting slot a concrete date in its month: a Tuesday,
    Wednesday or Thursday after today that suits a meeting (meetings.calendar: no public
    holiday, July, Midsummer week or Christmas), at least MIN_GAP_DAYS from the body's
    other meetings and proposals, on which none of the body's members is already booked.
    A slot whose month offers no such day keeps no date (it stays "in the rhythm")."""
    require(access.is_admin(area))
    today = today or timezone.localdate()
    booked = _booked_days(area, year)
    members: dict[int, list[int]] = {}
    for body_id, person_id in (
        Membership.objects.filter(body__area=area)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=date(year, 1, 1)))
        .values_list("body_id", "person_id")
    ):
        members.setdefault(body_id, []).append(person_id)
    body_days: dict[int, list[date]] = {}
    for body_id, starts_at in (
        area_meetings(area)
        .filter(starts_at__year__in=[year - 1, year, year + 1])
        .exclude(status=MeetingStatus.CANCELLED)
        .values_list("body_id", "starts_at")
    ):
        body_days.setdefault(body_id, []).append(timezone.localtime(starts_at).date())
    count = 0
    for event in (
        ClockEvent.objects.filter(
            area=area, year=year, kind=EventKind.MEETING, meeting__isnull=True
        )
        .exclude(status=ClockEvent.Status.DROPPED)
        .order_by("month", "body_id", "slot")
    ):
        owner = event.body_id or 0  # 0: an event of the area's own, of no body
        people = members.get(owner, [])
        taken = body_days.setdefault(owner, [])

        def suits(day: date, taken: list[date] = taken, people: list[int] = people) -> bool:
            return (
                day > today
                and day.weekday() in (1, 2, 3)
                and not unsuitable(day)
                and all(abs((day - other).days) >= MIN_GAP_DAYS for other in taken)
                and all(day not in booked.get(p, set()) for p in people)
            )

        # The second week first (away from month-end closings), then the rest.
        days = [date(year, event.month, 8) + timedelta(days=i) for i in range(24)]
        days += [date(year, event.month, d) for d in range(1, 8)]
        chosen = next((d for d in days if d.month == event.month and suits(d)), None)
        if chosen is None:
            if event.status == ClockEvent.Status.PROPOSED and event.day and event.day <= today:
                event.day, event.status = None, ClockEvent.Status.SLOT  # the past is not proposed
                event.save(update_fields=["day", "status", "updated_at"])
            continue
        event.day = chosen
        event.status = ClockEvent.Status.PROPOSED
        event.save(update_fields=["day", "status", "updated_at"])
        taken.append(chosen)
        for person in people:
            booked.setdefault(person, set()).add(chosen)
        count += 1
    return count


def can_plan(access: Access, event: ClockEvent) -> bool:
    """A body's slot is planned by its secretary and the area's administrators."""
    return event.body is not None and access.can_manage_meetings(event.body)


def slot_title(kind: str, day: date) -> str:
    """A meeting made from a slot is named by its kind and month: "Kokous 3/2027"."""
    return f"{MeetingKind(kind).label} {day.month}/{day.year}"


@transaction.atomic
def event_accept(*, access: Access, event: ClockEvent, day: date | None = None) -> Meeting:
    """The secretary or administrator accepts (or moves) a proposed date: it becomes a
    planned meeting of the slot's kind, titled by kind and month, at the body's usual
    place and online link (those of its latest meeting)."""
    if not can_plan(access, event):
        raise PermissionDenied
    event = (
        ClockEvent.objects.select_for_update(of=("self",)).select_related("body").get(pk=event.pk)
    )
    body = event.body
    if body is None:
        raise PermissionDenied
    if event.status != ClockEvent.Status.PROPOSED or event.meeting_id:
        raise ValidationError(_("This date is no longer a proposal: it was accepted or dropped."))
    day = day or event.day
    if day is None:
        raise ValidationError(_("Choose a date."))
    if day < timezone.localdate():
        raise ValidationError(_("A past date cannot be planned."))
    tz = timezone.get_current_timezone()
    starts = datetime.combine(day, time(13, 0), tzinfo=tz)
    kind = event.meeting_kind or MeetingKind.MEETING
    usual = (
        Meeting.objects.filter(body=body)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-starts_at")
        .values("place", "online_link")
        .first()
    ) or {"place": "", "online_link": ""}
    meeting = Meeting.objects.create(
        body=body,
        title=slot_title(kind, day),
        kind=kind,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2, minutes=30),
        place=usual["place"],
        online_link=usual["online_link"],
        convener=body.convener,
        status=MeetingStatus.PLANNED,
    )
    event.meeting, event.day, event.month = meeting, day, day.month
    event.status = ClockEvent.Status.ACCEPTED
    event.save()
    return meeting


@transaction.atomic
def events_accept_all(*, access: Access, events: list[ClockEvent]) -> list[Meeting]:
    """Accept every proposal the confirmation listed at its proposed date, once: a
    second click finds them accepted and makes nothing."""
    still = ClockEvent.objects.select_for_update().filter(
        pk__in=[e.pk for e in events], status=ClockEvent.Status.PROPOSED, meeting__isnull=True
    )
    return [event_accept(access=access, event=event) for event in still.order_by("day", "pk")]


def event_drop(*, access: Access, event: ClockEvent) -> None:
    if not can_plan(access, event):
        raise PermissionDenied
    event.status = ClockEvent.Status.DROPPED
    event.save(update_fields=["status", "updated_at"])


@transaction.atomic
def area_event_remove(*, access: Access, event: AreaEvent) -> None:
    """The area's recurring event is no longer added to the clocks of coming years; the
    clocks already built keep it until it is dropped there."""
    require(access.can_edit_area_settings(event.area))
    event.delete()
