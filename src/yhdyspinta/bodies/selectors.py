"""Reads of bodies and their members, shared by pages."""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from yhdyspinta.areas.models import Area
from yhdyspinta.parties.models import Organisation

from .models import Body, Membership, MembershipRole

__all__ = [
    "active_memberships",
    "body_detail",
    "body_list",
    "members_by_organisation",
    "working",
]


def held(day: date | None = None, via: str = "") -> Q:
    """A seat held on the day (today by default): begun, and not ended before it (its
    last day counts). `via` reaches the seat through a relation ("memberships__")."""
    day = day or timezone.localdate()
    return Q(**{f"{via}starts_on__lte": day}) & (
        Q(**{f"{via}ends_on__isnull": True}) | Q(**{f"{via}ends_on__gte": day})
    )


def active_memberships(day: date | None = None) -> QuerySet[Membership]:
    """Seats that are held on the day (today by default)."""
    return Membership.objects.filter(held(day))


def working(day: date | None = None) -> Q:
    """A body that works on the day (today by default): not ended, or ending later; an
    ended body is one that is not working. The bodies list's "working", the structure
    picture, the bodies offered on the clock's and meetings' filters and forms, and the
    clock's generator (on the year's first day) read it."""
    day = day or timezone.localdate()
    return Q(ended_on__isnull=True) | Q(ended_on__gt=day)


def body_list(*, area: Area, q: str = "", level: str = "", state: str = "") -> QuerySet[Body]:
    """The area's bodies, filtered by a search in the name or the convener, the level and
    whether the body still works ("current") or has ended ("ended")."""
    today = timezone.localdate()
    bodies = Body.objects.filter(area=area)
    if state == "current":
        bodies = bodies.filter(working(today))
    elif state == "ended":
        bodies = bodies.exclude(working(today))
    if q:
        bodies = bodies.filter(Q(name__icontains=q) | Q(convener__name__icontains=q))
    if level:
        bodies = bodies.filter(level=level)
    # The seats counted for each body of the page by a subquery of its own, not by a
    # join of every seat grouped: a busy area's 4 000 seats were sorted with the bodies'
    # columns to count them for the twenty bodies a page shows.
    seats = Membership.objects.filter(held(today), body=OuterRef("pk")).order_by().values("body")
    return (
        bodies.select_related("convener", "sub_region")
        .prefetch_related("rhythm_rules")
        .annotate(
            member_count=Coalesce(Subquery(seats.annotate(n=Count("pk")).values("n")), 0),
            organisation_count=Coalesce(
                Subquery(seats.annotate(n=Count("organisation", distinct=True)).values("n")), 0
            ),
        )
        .order_by("ended_on", "level", "sub_region__order", "name", "pk")
    )


def body_detail(*, area: Area, pk: int) -> Body:
    return (
        Body.objects.filter(area=area)
        .select_related("convener", "sub_region", "parent")
        .prefetch_related(
            "rhythm_rules",
            "themes",
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related(
                    "person", "organisation", "deputy_for__person"
                ).order_by("organisation__name", "role", "person__last_name"),
            ),
        )
        .get(pk=pk)
    )


ROLE_ORDER: dict[str, int] = {
    MembershipRole.CHAIR: 0,
    MembershipRole.VICE_CHAIR: 1,
    MembershipRole.MEMBER: 2,
    MembershipRole.DEPUTY: 3,
    MembershipRole.SECRETARY: 4,
}


@dataclass
class OrganisationSeats:
    organisation: Organisation
    current: list[Membership]


def members_by_organisation(body: Body, day: date | None = None) -> dict:
    """Current seats grouped by represented organisation, chairs first; and the ended
    ones, newest first, for the history section."""
    day = day or timezone.localdate()
    groups: OrderedDict[int, OrganisationSeats] = OrderedDict()
    ended: list[Membership] = []
    upcoming: list[Membership] = []
    for membership in body.memberships.all():
        if membership.ends_on is not None and membership.ends_on < day:
            ended.append(membership)
        elif membership.starts_on > day:
            upcoming.append(membership)
        else:
            group = groups.setdefault(
                membership.organisation_id, OrganisationSeats(membership.organisation, [])
            )
            group.current.append(membership)
    for group in groups.values():
        group.current.sort(key=lambda m: (ROLE_ORDER.get(m.role, 9), m.person.last_name))
    ended.sort(key=lambda m: m.ends_on or day, reverse=True)  # every ended seat has an end
    return {"groups": list(groups.values()), "ended": ended, "upcoming": upcoming}


def composition_gaps(body: Body, groups: list[OrganisationSeats]) -> list[str]:
    """Required party kinds that have no current seat."""
    present = {g.organisation.kind for g in groups}
    labels = dict(zip(body.required_party_kinds, body.required_party_kind_labels(), strict=False))
    return [labels[k] for k in body.required_party_kinds if k not in present and k in labels]


def crowded_organisations(body: Body, groups: list[OrganisationSeats]) -> list[str]:
    """Organisations with more full members than the body's rule allows."""
    if not body.nominees_max:
        return []
    counted = (MembershipRole.DEPUTY, MembershipRole.SECRETARY)
    return [
        f"{g.organisation.name} ({sum(1 for m in g.current if m.role not in counted)})"
        for g in groups
        if sum(1 for m in g.current if m.role not in counted) > body.nominees_max
    ]


def has_chair(groups: list[OrganisationSeats]) -> bool:
    return any(m.role == MembershipRole.CHAIR for g in groups for m in g.current)
