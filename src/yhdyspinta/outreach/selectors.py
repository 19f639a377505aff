"""Reads of the letters and forums, shared by the pages and the feed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.areas.models import Area
from yhdyspinta.consultations.selectors import unreachable_ids
from yhdyspinta.core.lookups import AnyOf
from yhdyspinta.meetings.models import Meeting
from yhdyspinta.meetings.selectors import PARTY_GROUPS, party_group_labels, published_minutes_of
from yhdyspinta.parties.models import NamedRole, NamedRoleKind, Organisation, Person

from .models import Attendance, ConsentRecord, Forum, Letter, Registration, Subscriber


def public_letters(area: Area) -> QuerySet[Letter]:
    # With the area: each letter's address names it, and an archive lists hundreds.
    return (
        Letter.objects.filter(area=area, status=Letter.Status.SENT, publish=True)
        .select_related("area")
        .order_by("-sent_at", "-pk")
    )


def letters_for(area: Area, *, manager: bool) -> QuerySet[Letter]:
    """The archive; the coordinators see their drafts and unpublished letters too."""
    if manager:
        return (
            Letter.objects.filter(area=area)
            .select_related("area")
            .order_by("status", "-sent_at", "-created_at", "-pk")
        )
    return public_letters(area)


def forums_for(area: Area, *, manager: bool) -> QuerySet[Forum]:
    rows = Forum.objects.filter(area=area).select_related("area")
    return (rows if manager else rows.filter(published=True)).order_by("-starts_at", "-pk")


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
        if row.published_at is None:  # published minutes always have the moment
            continue
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
    items.extend(
        NewsItem("letter", letter.title, letter.get_absolute_url(), letter.sent_at, "")
        for letter in public_letters(area)[:limit]
        if letter.sent_at is not None  # a public letter has been sent
    )
    forums = Forum.objects.filter(area=area, published=True).select_related("area")
    for forum in forums.order_by("-updated_at")[:limit]:
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
    for meeting_id, kind in (
        Registration.objects.filter(
            # As one array (a busy area's year has two hundred such meetings).
            AnyOf(F("forum__meeting_id"), meeting_ids),
            status=Registration.Status.REGISTERED,
            attended=True,
        )
        .order_by()  # a set: the model's order would join the forum's area
        .values_list("forum__meeting_id", "party_kind")
    ):
        found.setdefault(meeting_id, set()).add(kind)
    return found


@dataclass
class ContactGap:
    """Who cannot be reached for one purpose: the rounds' requests, or a named role."""

    label: str
    organisations: list[Organisation]


# Named roles the area's communication always needs; the letters' audiences add theirs.
ALWAYS = (NamedRoleKind.HYTE_RESPONSIBLE_PERSON, NamedRoleKind.COMMUNICATIONS_CONTACT)


def contact_gaps(area: Area) -> list[ContactGap]:
    """Every working organisation a round's request cannot reach by e-mail, and for
    each named role the area's letters use (and the hyte person and communications
    contact), every organisation of a kind that has that role in the area whose role
    has no current holder with an address."""
    today = timezone.localdate()
    organisations = list(
        Organisation.objects.filter(area=area, ended_on__isnull=True).order_by("name")
    )
    unreached = unreachable_ids(organisations)
    gaps = [
        ContactGap(
            _("Requests of rounds (a contact in the app or a general address)"),
            [o for o in organisations if o.pk in unreached],
        )
    ]
    used = set(ALWAYS)
    for audience in Letter.objects.filter(area=area).values_list("audience", flat=True):
        used.update(r for r in (audience or {}).get("roles", ()) if r in NamedRoleKind.values)
    current = NamedRole.objects.filter(organisation__area=area).filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=today),
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
    )
    for kind in [k for k in NamedRoleKind.values if k in used]:
        roles = list(current.filter(kind=kind).select_related("organisation", "person"))
        kinds = {r.organisation.kind for r in roles}
        reached = {r.organisation_id for r in roles if r.person and r.person.email}
        gaps.append(
            ContactGap(
                str(NamedRoleKind(kind).label),
                [o for o in organisations if o.kind in kinds and o.pk not in reached],
            )
        )
    return gaps


# --- Personal data kept by e-mail address (accounts.person_data's registry) -------------


def registrations_of(person: Person) -> list[str]:
    if not person.email:
        return []
    rows = Registration.objects.filter(email__iexact=person.email).select_related("forum")
    return [
        f"{row.forum.title} {timezone.localtime(row.created_at):%d.%m.%Y}: {row.name}, "
        f"{row.get_status_display()}"
        + (f", {row.diet}" if row.diet else "")
        + (f", {row.accessibility}" if row.accessibility else "")
        for row in rows
    ]


def subscriptions_of(person: Person) -> list[str]:
    if not person.email:
        return []
    return [
        f"{row.area.name}: {row.email} {row.name} ({row.get_status_display()})"
        for row in Subscriber.objects.filter(email__iexact=person.email).select_related("area")
    ]


def consents_of(person: Person) -> list[str]:
    if not person.email:
        return []
    digest = ConsentRecord.digest(person.email)
    return [
        f"{timezone.localtime(row.at):%d.%m.%Y %H:%M} {row.get_action_display()} ({row.via}): "
        f"{row.wording}"
        for row in ConsentRecord.objects.filter(email_sha256=digest)
    ]
