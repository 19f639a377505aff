"""An area's register as the workbook's rows (workbook.SHEETS), for the export."""

from __future__ import annotations

from typing import Any

from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body, Membership
from yhdyspinta.parties.models import CounterpartPair, NamedRole, Organisation, Person

from .workbook import Rhythm


def person_ref(person: Person | None) -> str:
    """How the workbook names a person: by e-mail, or by name when there is none."""
    if person is None:
        return ""
    return person.email or f"{person.first_name} {person.last_name}"


def register_rows(area: Area) -> dict[str, list[dict[str, Any]]]:
    """Each list in an order of what it says, not of ids, so that a register read into
    another installation writes out the same workbook."""
    organisations = Organisation.objects.filter(area=area).select_related("sub_region")
    people = (
        Person.objects.filter(area=area)
        .select_related("organisation")
        .order_by("last_name", "first_name", "email", "pk")
    )
    roles = (
        NamedRole.objects.filter(organisation__area=area)
        .select_related("organisation", "person")
        .order_by("organisation__name", "kind", "person__email", "holder_name", "pk")
    )
    bodies = (
        Body.objects.filter(area=area)
        .select_related("convener", "sub_region", "parent")
        .prefetch_related("rhythm_rules")
    )
    seats = (
        Membership.objects.filter(body__area=area)
        .select_related("body", "organisation", "person", "deputy_for__person")
        .order_by(
            "body__name",
            "organisation__name",
            "role",
            "person__last_name",
            "person__first_name",
            "person__email",
            "starts_on",
            "pk",
        )
    )
    pairs = (
        CounterpartPair.objects.filter(area=area)
        .select_related("county_person", "municipality_person")
        .order_by(
            "topic",
            "county_person__last_name",
            "county_person__email",
            "municipality_person__last_name",
            "municipality_person__email",
            "pk",
        )
    )
    return {
        "organisations": [
            {
                **{f: getattr(o, f) for f in _ORGANISATION_FIELDS},
                "sub_region": o.sub_region.name if o.sub_region else "",
            }
            for o in organisations
        ],
        "people": [
            {
                **{f: getattr(p, f) for f in ("first_name", "last_name", "email", "title")},
                "leadership": p.leadership,
                "phone": p.phone,
                "organisation": p.organisation.name if p.organisation else "",
            }
            for p in people
        ],
        "named_roles": [
            {
                "organisation": r.organisation.name,
                "kind": r.kind,
                "person": person_ref(r.person),
                "holder_name": r.holder_name,
                "starts_on": r.starts_on,
                "ends_on": r.ends_on,
            }
            for r in roles
        ],
        "sub_regions": [{"name": s.name, "order": s.order} for s in area.sub_regions.all()],
        "bodies": [
            {
                **{f: getattr(b, f) for f in _BODY_FIELDS},
                "convener": b.convener.name,
                "sub_region": b.sub_region.name if b.sub_region else "",
                "parent": b.parent.name if b.parent else "",
                "rhythm": [
                    Rhythm(r.meeting_kind, r.period, r.min_count, r.max_count, r.month)
                    for r in b.rhythm_rules.all()
                ],
            }
            for b in bodies
        ],
        "seats": [
            {
                "body": s.body.name,
                "organisation": s.organisation.name,
                "person": person_ref(s.person),
                "role": s.role,
                "deputy_for": person_ref(s.deputy_for.person) if s.deputy_for else "",
                "starts_on": s.starts_on,
                "ends_on": s.ends_on,
                "source": s.source,
            }
            for s in seats
        ],
        "counterparts": [
            {
                "topic": p.topic,
                "county_person": person_ref(p.county_person),
                "municipality_person": person_ref(p.municipality_person),
            }
            for p in pairs
        ],
    }


_ORGANISATION_FIELDS = (
    "name",
    "kind",
    "business_id",
    "municipality_number",
    "street_address",
    "postal_code",
    "post_office",
    "email",
    "website",
    "is_agreement_party",
    "ended_on",
)
_BODY_FIELDS = (
    "name",
    "level",
    "convener_role",
    "legal_basis",
    "required_party_kinds",
    "nominees_min",
    "nominees_max",
    "description",
    "ended_on",
)
