"""What waits for one user in one area: requests their organisation should answer,
follow-up reports due, minutes to approve or publish, attendance to record,
invitations to send, rounds closing, proposed dates to accept. Each with a link."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.agreements.models import CommentRequest, CommentRound
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body
from yhdyspinta.clock.models import ClockEvent
from yhdyspinta.meetings.models import Meeting, MeetingStatus, Minutes
from yhdyspinta.nominations.models import NominationAnswer, NominationRequest, NominationRound
from yhdyspinta.programme.models import FollowUpRound
from yhdyspinta.programme.selectors import follow_up_board

# Rounds closing within this many days, and meetings this soon still uninvited.
SOON = timedelta(days=14)
INVITE_AHEAD = timedelta(days=30)


@dataclass
class Task:
    group: str
    title: str
    url: str
    due: date | None = None
    rule: str = ""  # where the due date comes from
    count: int = 1  # how many things waiting the line stands for (a backlog's, a clock's)

    @property
    def late(self) -> bool:
        return self.due is not None and self.due < timezone.localdate()


class TaskGroup(list[Task]):
    """The tasks of one heading; its count is what waits, not its lines (a backlog's
    line stands for its count)."""

    @property
    def waiting(self) -> int:
        return sum(task.count for task in self)


def tasks_for(access: Access, area: Area, today: date | None = None) -> list[Task]:
    today = today or timezone.localdate()
    tasks: list[Task] = []
    own = access.contact_organisations(area)
    if own:
        tasks += _requests(area, own)
        tasks += _follow_up_reports(area, own)
    if access.is_admin(area):
        bodies = Body.objects.filter(area=area)
    else:
        bodies = Body.objects.filter(area=area, pk__in=access.secretary_bodies(area))
    if bodies.exists():
        tasks += _meetings(area, bodies, today)
    if access.is_admin(area):
        tasks += _rounds_closing(area, today)
    # Proposed dates of the bodies this user plans (all of them for the administrator),
    # each year's on that year's clock.
    years: dict[int, int] = {}
    for year in ClockEvent.objects.filter(
        area=area, status=ClockEvent.Status.PROPOSED, day__gt=today, body__in=bodies
    ).values_list("year", flat=True):
        years[year] = years.get(year, 0) + 1
    clock = reverse("clock:clock", kwargs={"area": area.slug})
    for year, proposed in sorted(years.items()):
        tasks.append(
            Task(
                _("Annual clock"),
                _("%(count)s proposed meeting dates of %(year)s wait for acceptance")
                % {"count": proposed, "year": year},
                f"{clock}?year={year}",
                count=proposed,
            )
        )
    return tasks


def _requests(area: Area, own: set[int]) -> Iterator[Task]:
    group = _("Requests to answer")
    answered = NominationAnswer.objects.filter(status=NominationAnswer.Status.SUBMITTED)
    for request in (
        NominationRequest.objects.filter(
            round__area=area,
            round__status=NominationRound.Status.OPEN,
            organisation_id__in=own,
        )
        .exclude(pk__in=answered.values("request_id"))
        .select_related("round", "body", "organisation")
    ):
        yield (
            Task(
                group,
                _("Nominate for %(body)s (%(organisation)s)")
                % {"body": request.body, "organisation": request.organisation.name},
                reverse("nominations:answer", kwargs={"area": area.slug, "pk": request.pk}),
                request.round.deadline,
            )
        )
    for request in CommentRequest.objects.filter(
        round__version__agreement__area=area,
        round__status=CommentRound.Status.OPEN,
        organisation_id__in=own,
        submitted_at__isnull=True,
    ).select_related("round", "organisation"):
        yield (
            Task(
                group,
                _("Comment: %(round)s (%(organisation)s)")
                % {"round": request.round.title, "organisation": request.organisation.name},
                reverse("agreements:comment", kwargs={"area": area.slug, "pk": request.pk}),
                request.round.deadline,
            )
        )


def _follow_up_reports(area: Area, own: set[int]) -> Iterator[Task]:
    for round in FollowUpRound.objects.filter(
        programme__area=area, status=FollowUpRound.Status.OPEN
    ).select_related("programme"):
        for row in follow_up_board(round):
            if row.organisation.pk in own and not row.complete:
                yield (
                    Task(
                        _("Reports due"),
                        _("Report the measures of %(year)s: %(reported)s of %(measures)s")
                        % {
                            "year": round.year,
                            "reported": row.reported,
                            "measures": row.measures,
                        }
                        + f" ({row.organisation.name})",
                        reverse(
                            "programme:tasks",
                            kwargs={
                                "area": area.slug,
                                "pk": round.programme_id,
                                "year": round.year,
                                "organisation": row.organisation.pk,
                            },
                        ),
                        round.deadline,
                    )
                )


# Of each kind of meeting task (minutes waiting, attendance to record, invitations to
# send), the first this many are listed one by one; the rest is one line with its count,
# linking to the meeting list of that status (a busy area has a hundred meetings a month).
SHOWN = 10


def _more(
    area: Area,
    own: list[int],
    waiting: QuerySet,
    status: str | None,
    group: str,
    words: Callable[[int], str] | None = None,
) -> Iterator[Task]:
    """The tasks beyond the SHOWN first, in one line linking to the meeting list (for
    one body's secretary, only that body's: `own`, the first two of the user's bodies),
    filtered by `status` when the meetings waiting all have it. The line says how many
    and, in `words`, of what, or else "N more meetings: <status>"."""
    rest = waiting.count() - SHOWN
    if rest > 0:
        query = {"status": status} if status else {}
        if len(own) == 1:
            query["body"] = str(own[0])
        url = reverse("meetings:meetings", kwargs={"area": area.slug})
        if query:
            url += "?" + urlencode(query)
        if words is None:
            text = ngettext(
                "%(count)s more meeting: %(status)s",
                "%(count)s more meetings: %(status)s",
                rest,
            ) % {"count": rest, "status": MeetingStatus(status).label}
        else:
            text = words(rest)
        yield Task(group, text, url, count=rest)


def _meetings(area: Area, bodies, today: date) -> Iterator[Task]:
    group = _("Meetings")
    now = timezone.now()
    invite = timedelta(days=area.invitation_days_before)
    approve = timedelta(days=area.minutes_days_after)
    invite_rule = _("the area's rule: invitations %(days)s days before the meeting") % {
        "days": area.invitation_days_before
    }
    minutes_rule = _("the area's rule: minutes approved within %(days)s days") % {
        "days": area.minutes_days_after
    }
    # Read whether or not there is a backlog, so that the page's queries do not grow
    # with one.
    own = list(bodies.values_list("pk", flat=True)[:2])
    drafts = Minutes.objects.filter(meeting__body__in=bodies, status=Minutes.Status.DRAFT)
    # A meeting's first minutes (its status says so), the oldest first; a correction of
    # published minutes is always listed (a deliberate step, and rare).
    first = drafts.filter(meeting__status=MeetingStatus.MINUTES_DRAFTED)
    corrections = drafts.exclude(meeting__status=MeetingStatus.MINUTES_DRAFTED)
    listed = [
        *corrections.select_related("meeting").order_by("meeting__starts_at"),
        *first.select_related("meeting").order_by("meeting__starts_at")[:SHOWN],
    ]
    for minutes in listed:
        yield (
            Task(
                group,
                _("Approve the minutes: %(meeting)s, %(day)s")
                % {"meeting": minutes.meeting.title, "day": _day(minutes.meeting)},
                reverse("meetings:minutes", kwargs={"area": area.slug, "pk": minutes.pk}),
                _local_day(minutes.meeting) + approve,
                minutes_rule,
            )
        )
    yield from _more(area, own, first, MeetingStatus.MINUTES_DRAFTED, group)
    approved = Minutes.objects.filter(
        meeting__body__in=bodies,
        status=Minutes.Status.APPROVED,
        meeting__status=MeetingStatus.MINUTES_APPROVED,
    )
    for minutes in approved.select_related("meeting").order_by("meeting__starts_at")[:SHOWN]:
        yield (
            Task(
                group,
                _("Publish the approved minutes: %(meeting)s, %(day)s")
                % {"meeting": minutes.meeting.title, "day": _day(minutes.meeting)},
                reverse("meetings:minutes", kwargs={"area": area.slug, "pk": minutes.pk}),
            )
        )
    yield from _more(area, own, approved, MeetingStatus.MINUTES_APPROVED, group)
    held = (
        Meeting.objects.filter(body__in=bodies, starts_at__lt=now, attendances__isnull=True)
        .filter(Q(status=MeetingStatus.HELD) | Q(status__in=MeetingStatus.upcoming()))
        .filter(starts_at__gte=now - timedelta(days=90))
    )
    for meeting in held.order_by("starts_at", "pk")[:SHOWN]:
        yield (
            Task(
                group,
                _("Record who attended: %(meeting)s, %(day)s")
                % {"meeting": meeting.title, "day": _day(meeting)},
                reverse("meetings:attendance", kwargs={"area": area.slug, "pk": meeting.pk}),
                _local_day(meeting) + approve,
                minutes_rule,
            )
        )
    # Held, or still planned or invited after the day: no one status names them all.
    yield from _more(
        area,
        own,
        held,
        None,
        group,
        lambda n: (
            ngettext(
                "%(count)s more meeting whose attendance is not recorded",
                "%(count)s more meetings whose attendance is not recorded",
                n,
            )
            % {"count": n}
        ),
    )
    to_invite = Meeting.objects.filter(
        body__in=bodies,
        status=MeetingStatus.PLANNED,
        starts_at__gte=now,
        starts_at__lte=now + max(INVITE_AHEAD, invite + SOON),
    )
    for meeting in to_invite.order_by("starts_at", "pk")[:SHOWN]:
        yield (
            Task(
                group,
                _("Send the invitation: %(meeting)s, %(day)s")
                % {"meeting": meeting.title, "day": _day(meeting)},
                reverse("meetings:meeting", kwargs={"area": area.slug, "pk": meeting.pk}),
                _local_day(meeting) - invite,
                invite_rule,
            )
        )
    yield from _more(
        area,
        own,
        to_invite,
        MeetingStatus.PLANNED,
        group,
        lambda n: (
            ngettext("%(count)s more invitation to send", "%(count)s more invitations to send", n)
            % {"count": n}
        ),
    )


def _rounds_closing(area: Area, today: date) -> list[Task]:
    """Open rounds of every kind whose deadline is near or past, each to its own page."""
    soon = today + SOON
    kinds = [
        (
            NominationRound.objects.filter(area=area),
            lambda r: reverse("nominations:round", kwargs={"area": area.slug, "pk": r.pk}),
        ),
        (
            CommentRound.objects.filter(version__agreement__area=area),
            lambda r: reverse("agreements:round", kwargs={"area": area.slug, "pk": r.pk}),
        ),
        (
            FollowUpRound.objects.filter(programme__area=area),
            lambda r: reverse(
                "programme:follow_up",
                kwargs={"area": area.slug, "pk": r.programme_id, "year": r.year},
            ),
        ),
    ]
    return [
        Task(_("Rounds closing"), round.title, link(round), round.deadline)
        for rounds, link in kinds
        for round in rounds.filter(status=NominationRound.Status.OPEN, deadline__lte=soon)
    ]


def _local_day(meeting: Meeting) -> date:
    return timezone.localtime(meeting.starts_at).date()


def _day(meeting: Meeting) -> str:
    day = timezone.localtime(meeting.starts_at)
    return f"{day.day}.{day.month}.{day.year}"
