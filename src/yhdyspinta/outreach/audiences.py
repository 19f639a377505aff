"""Who a letter reaches: groups of the register and the area's public subscribers.

An audience is data (the letter's `audience` JSON): the groups it unites and the
filters that narrow the register's groups. Every address is there once, however many
groups it is in; an address that unsubscribed is never reached again; a person without
an address is listed as skipped, with the reason, as in every delivery report."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from yhdyspinta.areas.models import Area, SubRegion
from yhdyspinta.bodies.models import Body
from yhdyspinta.bodies.selectors import active_memberships
from yhdyspinta.communications.services import Recipient
from yhdyspinta.parties.models import (
    NamedRole,
    NamedRoleKind,
    OrganisationKind,
    Person,
)

from .models import Subscriber

__all__ = ["Audience", "Resolved", "describe", "resolve"]


@dataclass(frozen=True)
class Audience:
    contacts: bool = False  # every person of the area's organisations
    roles: tuple[str, ...] = ()  # holders of these named roles
    bodies: tuple[int, ...] = ()  # the current members of these bodies
    subscribers: bool = False  # the confirmed public subscribers
    # Filters of the register's groups (empty: every organisation).
    kinds: tuple[str, ...] = ()
    sub_regions: tuple[int, ...] = ()

    @classmethod
    def of(cls, data: dict | None) -> Audience:
        data = data or {}
        return cls(
            contacts=bool(data.get("contacts")),
            roles=tuple(r for r in data.get("roles", ()) if r in NamedRoleKind.values),
            bodies=tuple(int(b) for b in data.get("bodies", ())),
            subscribers=bool(data.get("subscribers")),
            kinds=tuple(k for k in data.get("kinds", ()) if k in OrganisationKind.values),
            sub_regions=tuple(int(s) for s in data.get("sub_regions", ())),
        )

    def as_data(self) -> dict:
        return {
            "contacts": self.contacts,
            "roles": list(self.roles),
            "bodies": list(self.bodies),
            "subscribers": self.subscribers,
            "kinds": list(self.kinds),
            "sub_regions": list(self.sub_regions),
        }

    @property
    def is_empty(self) -> bool:
        return not (self.contacts or self.roles or self.bodies or self.subscribers)


@dataclass
class Resolved:
    recipients: list[Recipient] = field(default_factory=list)
    without_address: list[Person] = field(default_factory=list)  # skipped, with reason
    unsubscribed: int = 0

    @property
    def count(self) -> int:
        return len(self.recipients)


def _organisation_filter(audience: Audience, prefix: str) -> Q:
    condition = Q(**{f"{prefix}ended_on__isnull": True})
    if audience.kinds:
        condition &= Q(**{f"{prefix}kind__in": audience.kinds})
    if audience.sub_regions:
        condition &= Q(**{f"{prefix}sub_region__in": audience.sub_regions})
    return condition


def _people(area: Area, audience: Audience) -> list[Person]:
    today = timezone.localdate()
    chosen = Q(pk__in=[])
    if audience.contacts:
        chosen |= Q(organisation__isnull=False) & _organisation_filter(audience, "organisation__")
    if audience.roles:
        roles = NamedRole.objects.filter(
            organisation__area=area, kind__in=audience.roles, person__isnull=False
        ).filter(
            Q(starts_on__isnull=True) | Q(starts_on__lte=today),
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            _organisation_filter(audience, "organisation__"),
        )
        chosen |= Q(pk__in=roles.values("person_id"))
    if audience.bodies:
        seats = active_memberships(today).filter(body__area=area, body__in=audience.bodies)
        if audience.kinds or audience.sub_regions:
            seats = seats.filter(_organisation_filter(audience, "organisation__"))
        chosen |= Q(pk__in=seats.values("person_id"))
    return list(
        Person.objects.filter(area=area)
        .filter(chosen)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )


def resolve(area: Area, audience: Audience) -> Resolved:
    """Everyone the audience reaches, each address once, in a stable order."""
    result = Resolved()
    opted_out = set(
        Subscriber.objects.filter(area=area, status=Subscriber.Status.UNSUBSCRIBED)
        .annotate(address=Lower("email"))
        .values_list("address", flat=True)
    )
    seen: set[str] = set()

    def add(recipient: Recipient) -> None:
        address = recipient.email.lower()
        if address in seen:
            return
        seen.add(address)
        if address in opted_out:
            result.unsubscribed += 1
            return
        result.recipients.append(recipient)

    if not audience.is_empty:
        for person in _people(area, audience):
            if not person.email:
                result.without_address.append(person)
                continue
            add(Recipient(person.email, person.organisation, person, str(person)))
    if audience.subscribers:
        for subscriber in Subscriber.objects.filter(
            area=area, status=Subscriber.Status.CONFIRMED
        ).order_by("email"):
            add(Recipient(subscriber.email, name=subscriber.name))
    return result


def describe(area: Area, audience: Audience) -> list[str]:
    """The audience in words, for the letter's page and the confirmation."""
    parts = []
    filters = []
    if audience.kinds:
        filters.append(", ".join(str(OrganisationKind(k).label) for k in audience.kinds))
    if audience.sub_regions:
        names = SubRegion.objects.filter(area=area, pk__in=audience.sub_regions)
        filters.append(", ".join(s.name for s in names))
    suffix = f" ({'; '.join(filters)})" if filters else ""
    if audience.contacts:
        parts.append(_("All contacts of the organisations") + suffix)
    if audience.roles:
        roles = ", ".join(str(NamedRoleKind(r).label) for r in audience.roles)
        parts.append(_("Holders of the roles: %(roles)s") % {"roles": roles} + suffix)
    if audience.bodies:
        names = Body.objects.filter(area=area, pk__in=audience.bodies).order_by("name")
        members = ", ".join(b.name for b in names)
        parts.append(_("Members of: %(bodies)s") % {"bodies": members} + suffix)
    if audience.subscribers:
        parts.append(_("The letter's public subscribers"))
    return parts
