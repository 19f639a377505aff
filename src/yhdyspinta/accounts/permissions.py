"""Every permission decision lives here; views, templates and services ask `Access`.

A user's roles are read once per request (Decidim #6229: permissions per object made
pages slow) and kept on the request."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.http import HttpRequest

from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body, Membership, MembershipRole
from yhdyspinta.parties.models import Organisation, Person

from .models import AreaRole

__all__ = ["Access", "get_access"]

Role = AreaRole.Role


@dataclass
class _AreaGrants:
    roles: set[str] = field(default_factory=set)
    secretary_of: set[int] = field(default_factory=set)
    contact_for: set[int] = field(default_factory=set)


class Access:
    """What one user may see and do, area by area."""

    def __init__(self, user) -> None:
        self.user = user
        self.is_authenticated = bool(user and user.is_authenticated)
        self.is_superuser = bool(self.is_authenticated and user.is_superuser)
        self._grants: dict[int, _AreaGrants] = defaultdict(_AreaGrants)
        if self.is_authenticated:
            for role in AreaRole.objects.filter(user=user).only(
                "area_id", "role", "body_id", "organisation_id"
            ):
                grants = self._grants[role.area_id]
                grants.roles.add(role.role)
                if role.body_id:
                    grants.secretary_of.add(role.body_id)
                if role.organisation_id:
                    grants.contact_for.add(role.organisation_id)

    @classmethod
    def installation(cls) -> Access:
        """The installation acting by itself, not a person: the demo's loader, a
        management command run by the operator, a scheduled job. It may do what a
        superuser may; what it writes has no user in the history."""
        access = cls(None)
        access.is_superuser = True
        return access

    # --- reading -------------------------------------------------------------------
    def area_ids(self) -> set[int]:
        return {area_id for area_id, g in self._grants.items() if g.roles}

    def roles_in(self, area: Area) -> set[str]:
        return set(self._grants[area.pk].roles) if area.pk in self._grants else set()

    def can_view_private(self, area: Area) -> bool:
        """People, contact details and history: only for users with a role in the area."""
        return self.is_superuser or bool(self.roles_in(area))

    # --- writing -------------------------------------------------------------------
    def is_admin(self, area: Area) -> bool:
        return self.is_superuser or Role.ADMIN in self.roles_in(area)

    def contact_organisations(self, area: Area) -> set[int]:
        return set(self._grants[area.pk].contact_for) if area.pk in self._grants else set()

    def secretary_bodies(self, area: Area) -> set[int]:
        return set(self._grants[area.pk].secretary_of) if area.pk in self._grants else set()

    def can_edit_area_settings(self, area: Area) -> bool:
        """Sub-regions, themes, council terms, new organisations and new bodies."""
        return self.is_admin(area)

    def can_edit_organisation(self, organisation: Organisation) -> bool:
        area = organisation.area
        return self.is_admin(area) or organisation.pk in self.contact_organisations(area)

    def can_create_person(self, area: Area) -> bool:
        return self.is_admin(area) or bool(self.contact_organisations(area))

    def can_edit_person(self, person: Person) -> bool:
        area = person.area
        if self.is_admin(area):
            return True
        return person.organisation_id is not None and (
            person.organisation_id in self.contact_organisations(area)
        )

    def can_edit_body(self, body: Body) -> bool:
        return self.is_admin(body.area) or body.pk in self.secretary_bodies(body.area)

    def can_add_members(self, body: Body) -> bool:
        """Secretaries fill their body; contacts put forward their own organisation's people."""
        return self.can_edit_body(body) or bool(self.contact_organisations(body.area))

    def can_seat(self, membership: Membership) -> bool:
        """May this user save this seat? The body's secretary and the admin seat anyone.
        An organisation contact seats only its own organisation's people, as members or
        deputies, in bodies where its organisation already sits or that it convenes:
        never as chair or vice-chair (the election does that)."""
        body = membership.body
        if self.can_edit_body(body):
            return True
        own = self.contact_organisations(body.area)
        if membership.organisation_id not in own:
            return False
        if membership.role not in (MembershipRole.MEMBER, MembershipRole.DEPUTY):
            return False
        if membership.person.organisation_id != membership.organisation_id:
            return False
        return body.convener_id == membership.organisation_id or (
            body.memberships.filter(organisation_id=membership.organisation_id)
            .exclude(pk=membership.pk)
            .exists()
        )

    def can_edit_membership(self, membership: Membership) -> bool:
        body = membership.body
        return self.can_edit_body(body) or (
            membership.organisation_id in self.contact_organisations(body.area)
        )

    def can_manage_meetings(self, body: Body) -> bool:
        """Meetings, attendance and minutes: the body's secretary and the area's admins."""
        return self.can_edit_body(body)

    def can_answer_nomination(self, organisation: Organisation) -> bool:
        """An organisation's contact answers for it; the admin may enter any answer."""
        return self.can_edit_organisation(organisation)

    def can_comment_agreement(self, organisation: Organisation) -> bool:
        """Comments on an agreement: the organisation's contact, or the admin on its behalf."""
        return self.can_edit_organisation(organisation)

    def can_manage_agreements(self, area: Area) -> bool:
        """Versions, approvals, signatures, comment rounds and applying a version."""
        return self.is_admin(area)

    def can_import_national_data(self) -> bool:
        """Sotkanet indicators, regions and values are national, shared by every area:
        only a superuser imports them (or `manage.py import_sotkanet` from the source)."""
        return self.is_superuser

    def can_edit_counterparts(self, area: Area) -> bool:
        return self.is_admin(area) or bool(self.contact_organisations(area))


def get_access(request: HttpRequest) -> Access:
    access = getattr(request, "_yhdyspinta_access", None)
    if access is None or access.user is not request.user:
        access = Access(request.user)
        setattr(request, "_yhdyspinta_access", access)  # noqa: B010  # kept for the request
    return access
