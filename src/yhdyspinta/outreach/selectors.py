"""Reads of the letters and forums, shared by the pages and the feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.areas.models import Area
from yhdyspinta.meetings.models import Meeting
from yhdyspinta.meetings.selectors import PARTY_GROUPS, party_group_labels, published_minutes_of

from .models import Attendance, Forum, Letter, Registration


def public_letters(area: Area) -> QuerySet[Letter]:
    return Letter.objects.filter(area=area, status=Letter.Status.SENT, publish=True).order_by(
        "-sent_at"
    )


def letters_for(area: Area, *, manager: bool) -> QuerySet[Letter]:
    """The archive; the coordinators see their drafts and unpublished letters too."""
    if manager:
        return Letter.objects.filter(area=area).order_by("status", "-sent_at", "-created_at")
    return public_letters(area)


def forums_for(area: Area, *, manager: bool) -> QuerySet[Forum]:
    rows = Forum.objects.filter(area=area)
    return (rows if manager else rows.filter(published=True)).order_by("-starts_at")


@dataclass
class ForumSummary:
    registered: int
    in_person: int
    remote: int
    waiting: int
    cancelled: int
    attended: int
    groups: list[tuple[str, str, int, int]]  # key, label, registered, attended
    feedback_count: int
    rating: float | None


def forum_summary(forum: Forum) -> ForumSummary:
    """Counts only, no person: who takes part by party kind, as a meeting's attendance
    is shown; the public page shows these too."""
    rows = list(forum.registrations.values("status", "attendance", "party_kind", "attended"))
    active = [r for r in rows if r["status"] == Registration.Status.REGISTERED]
    labels = party_group_labels()
    groups = []
    for key, kinds in PARTY_GROUPS:
        registered = sum(1 for r in active if r["party_kind"] in kinds)
        attended = sum(1 for r in active if r["party_kind"] in kinds and r["attended"])
        groups.append((key, labels[key], registered, attended))
    feedback = forum.registrations.filter(rating__isnull=False).aggregate(
        n=Count("pk"), avg=Avg("rating")
    )
    return ForumSummary(
        registered=len(active),
        in_person=sum(1 for r in active if r["attendance"] == Attendance.IN_PERSON),
        remote=sum(1 for r in active if r["attendance"] == Attendance.REMOTE),
        waiting=sum(1 for r in rows if r["status"] == Registration.Status.WAITING),
        cancelled=sum(1 for r in rows if r["status"] == Registration.Status.CANCELLED),
        attended=sum(1 for r in active if r["attended"]),
        groups=groups,
        feedback_count=feedback["n"],
        rating=round(feedback["avg"], 1) if feedback["avg"] is not None else None,
    )


@dataclass(frozen=True)
class NewsItem:
    kind: str  # "minutes", "letter", "forum"
    title: str
    url: str
    updated: datetime
    summary: str


def news(area: Area, limit: int = 50) -> list[NewsItem]:
    """The area's public news, newest first: published minutes, sent letters of the
    archive, published forums. Only what the public pages show."""
    items: list[NewsItem] = []
    minutes = (
        published_minutes_of(area)
        .filter(published_at__isnull=False)
        .order_by("-published_at")[:limit]
    )
    for row in minutes:
        meeting: Meeting = row.meeting
        items.append(
            NewsItem(
                "minutes",
                _("Minutes: %(body)s, %(meeting)s")
                % {"body": meeting.body.name, "meeting": meeting.title},
                meeting.get_absolute_url(),
                row.published_at,
                _("The minutes of the meeting have been published."),
            )
        )
    for letter in public_letters(area)[:limit]:
        items.append(
            NewsItem("letter", letter.title, letter.get_absolute_url(), letter.sent_at, "")
        )
    for forum in Forum.objects.filter(area=area, published=True).order_by("-updated_at")[:limit]:
        day = timezone.localtime(forum.starts_at).strftime("%-d.%-m.%Y")
        items.append(
            NewsItem(
                "forum",
                forum.title,
                forum.get_absolute_url(),
                forum.updated_at,
                _("Event on %(day)s. Registration is open on the event's page.") % {"day": day},
            )
        )
    items.sort(key=lambda item: item.updated, reverse=True)
    return items[:limit]


def participation(meeting_ids: list[int]) -> dict[int, set[str]]:
    """For the obligations engine: the kinds of organisation whose people attended a
    forum held as one of these meetings (attendance recorded on the day)."""
    found: dict[int, set[str]] = {}
    for meeting_id, kind in Registration.objects.filter(
        forum__meeting_id__in=meeting_ids,
        status=Registration.Status.REGISTERED,
        attended=True,
    ).values_list("forum__meeting_id", "party_kind"):
        found.setdefault(meeting_id, set()).add(kind)
    return found
