"""Builds the demo areas. Idempotent: every row is found by its natural key first, so a
second run creates nothing and records no change."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from yhdyspinta.accounts.models import AreaRole
from yhdyspinta.agreements.models import Section
from yhdyspinta.areas.models import Area, CouncilTerm, SubRegion, Theme
from yhdyspinta.bodies.models import Body, LegalBasis, Level, Membership, MembershipRole, RhythmRule
from yhdyspinta.obligations.models import GroupVenue, PartyGroup, Practice, Rule
from yhdyspinta.parties.models import (
    CounterpartPair,
    NamedRole,
    NamedRoleKind,
    Organisation,
    OrganisationKind,
    Person,
)

from . import data, story
from .agreements import load_north_karelia_agreement, load_south_savo_agreement
from .clock import load_clocks
from .indicators import load_indicators
from .meetings import load_north_karelia_meetings, load_south_savo_meetings
from .nominations import load_north_karelia_nominations
from .outreach import load_outreach
from .programme import load_north_karelia_programme

DEMO_PASSWORD = "yhdyspinta-demo"  # noqa: S105 - printed for the demo; never used in production

K = OrganisationKind
PARTNERSHIP_KINDS = [K.COUNTY, K.MUNICIPALITY, K.REGIONAL_COUNCIL, K.NGO, K.PARISH, K.BUSINESS]


@dataclass
class DemoUser:
    username: str
    description: str


@dataclass
class _PeopleFactory:
    """Invented Finnish names, the same on every run."""

    area: Area
    rng: random.Random = field(default_factory=lambda: random.Random(2023))
    used: set[str] = field(default_factory=set)

    def person(self, organisation: Organisation | None, title: str) -> Person:
        while True:
            first = self.rng.choice(data.FIRST_NAMES)
            last = self.rng.choice(data.LAST_NAMES)
            if f"{first} {last}" not in self.used:
                break
        self.used.add(f"{first} {last}")
        email = f"{_ascii(first)}.{_ascii(last)}@example.org"
        person, _ = Person.objects.get_or_create(
            area=self.area,
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "title": title,
                "leadership": data.LEADERSHIP_BY_TITLE.get(title, ""),
                "organisation": organisation,
                "phone": f"050 {self.rng.randint(100, 999)} {self.rng.randint(1000, 9999)}",
            },
        )
        return person


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


# A few organisations have no e-mail address, so that the rounds' reach and the area's
# contacts page show what it looks like; every other one has a registry address.
WITHOUT_ADDRESS = {
    "Eteläisen alueen kyläyhdistys ry (esimerkki)",
    "Läntisen alueen seurakunnat (esimerkki)",
    "Savon Liikuntapalvelut Oy",
}


def demo_address(name: str) -> str:
    """An organisation's registry address in the demo (example.fi is reserved)."""
    return f"kirjaamo@{slugify(_ascii(name))[:40].strip('-')}.example.fi"


def _org(area: Area, name: str, kind: str, **fields) -> Organisation:
    if name not in WITHOUT_ADDRESS:
        fields.setdefault("email", demo_address(name))
    organisation, _ = Organisation.objects.get_or_create(
        area=area, name=name, defaults={"kind": kind, **fields}
    )
    return organisation


def _body(area: Area, name: str, rules: list[tuple], themes=(), **fields) -> Body:
    body, created = Body.objects.get_or_create(area=area, name=name, defaults=fields)
    if created:
        for kind, period, low, high, *month in rules:
            RhythmRule.objects.create(
                body=body,
                meeting_kind=kind,
                period=period,
                min_count=low,
                max_count=high,
                month=month[0] if month else None,
            )
        body.themes.set(themes)
    return body


def _seat(
    body: Body,
    person: Person,
    organisation: Organisation,
    role=MembershipRole.MEMBER,
    starts_on: date | None = None,
    **extra,
) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        body=body,
        person=person,
        organisation=organisation,
        role=role,
        starts_on=starts_on or story.day(2024, 1, 1),
        defaults=extra,
    )
    return membership


def _base_area(spec: dict) -> Area:
    area, _ = Area.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "name": spec["name"],
            "description": spec["description"],
            "negotiation_611_mode": spec["negotiation_611_mode"],
            "national_code": spec["national_code"],
        },
    )
    for kind, starts_on, ends_on in data.COUNCIL_TERMS:
        CouncilTerm.objects.get_or_create(
            area=area,
            kind=kind,
            starts_on=story.day(*starts_on),
            defaults={"ends_on": story.day(*ends_on)},
        )
    for order, (name, description) in enumerate(spec["themes"], start=1):
        Theme.objects.get_or_create(
            area=area, name=name, defaults={"order": order, "description": description}
        )
    return area


@transaction.atomic
def load_north_karelia() -> Area:
    spec = data.NORTH_KARELIA
    area = _base_area(spec)
    people = _PeopleFactory(area)
    sub_regions = {}
    municipality_region = {}
    for order, (name, members) in enumerate(spec["sub_regions"].items(), start=1):
        sub_regions[name], _ = SubRegion.objects.get_or_create(
            area=area, name=name, defaults={"order": order}
        )
        for municipality in members:
            municipality_region[municipality] = sub_regions[name]

    county = _org(area, kind=K.COUNTY, is_agreement_party=True, **spec["county"])
    council = _org(
        area, kind=K.REGIONAL_COUNCIL, is_agreement_party=True, **spec["regional_council"]
    )
    municipalities: dict[str, Organisation] = {}
    for short, (name, business_id, street, postal, office, number) in spec[
        "municipalities"
    ].items():
        municipalities[short] = _org(
            area,
            name,
            K.MUNICIPALITY,
            business_id=business_id,
            street_address=street,
            postal_code=postal,
            post_office=office,
            municipality_number=number,
            sub_region=municipality_region[short],
            is_agreement_party=True,
        )
    partners = {
        name: _org(area, name, kind, sub_region=sub_regions.get(region) if region else None)
        for name, kind, region in spec["partners"]
    }
    themes = list(area.themes.all())

    # People of the county and the regional council.
    development_director = people.person(county, "Kehittämisjohtaja")
    partnership_manager = people.person(county, "Kumppanuuspäällikkö")
    county_director = people.person(county, "Hyvinvointialuejohtaja")
    county_experts = [people.person(county, "Hyte-asiantuntija") for _ in range(4)]
    council_expert = people.person(council, "Hyvinvointi- ja koulutusasiantuntija")
    council_director = people.person(council, "Maakuntajohtaja")

    strategic = _body(
        area,
        "Strateginen hyte-neuvottelu",
        [
            ("negotiation", "council_term", 1, None),
            ("meeting", "year", 1, None),
            ("follow_up", "year", 1, 1, 5),
        ],
        themes=themes,
        level=Level.STRATEGIC,
        convener=county,
        convener_role="Kehittämisjohtaja",
        legal_basis=LegalBasis.COUNTY_611_14,
        required_party_kinds=[K.COUNTY, K.MUNICIPALITY, K.REGIONAL_COUNCIL],
        nominees_min=1,
        nominees_max=2,
        description=(
            "Kuntien, hyvinvointialueen ja maakuntaliiton poliittinen ja viranhaltijajohto: "
            "neuvottelu kerran valtuustokaudessa, alueelliset tapaamiset vuosittain ja "
            "seurantatapaaminen toukokuussa."
        ),
    )
    area_group = _body(
        area,
        "Pohjois-Karjalan hyvinvoinnin kumppanuusryhmä",
        [("any", "year", 4, 4)],
        themes=themes,
        level=Level.AREA_PARTNERSHIP,
        convener=council,
        convener_role="Hyvinvointi- ja koulutusasiantuntija",
        parent=strategic,
        legal_basis=LegalBasis.NONE,
        required_party_kinds=[
            K.COUNTY,
            K.REGIONAL_COUNCIL,
            K.ELY,
            K.TE,
            K.KELA,
            K.AVI,
            K.POLICE,
            K.EDUCATION,
            K.PARISH,
            K.BUSINESS,
        ],
        nominees_min=1,
        nominees_max=2,
        description=(
            "Kokoaa hyvinvoinnin, terveyden ja turvallisuuden tiedon ja suuntaa alueellisten "
            "kumppanuusryhmien työtä; yhteys viranomaisiin ja oppilaitoksiin."
        ),
    )
    coordinators = _body(
        area,
        "Hyte-koordinaattoriverkosto",
        [("any", "year", 6, 8)],
        themes=themes,
        level=Level.COORDINATOR_NETWORK,
        convener=county,
        convener_role="Kehittämisyksikkö",
        parent=strategic,
        legal_basis=LegalBasis.NONE,
        required_party_kinds=[K.COUNTY, K.MUNICIPALITY],
        nominees_min=1,
        nominees_max=2,
        description=(
            "Kokoaa tilannekuvasta nousevat ilmiöt, tavoitteet ja toimenpiteet strategisen ja "
            "kumppanuustason neuvottelujen pohjaksi."
        ),
    )

    municipal_people: dict[str, dict[str, Person]] = {}
    for short, organisation in municipalities.items():
        municipal_people[short] = {
            "manager": people.person(organisation, "Kunnanjohtaja"),
            "coordinator": people.person(organisation, "Hyvinvointikoordinaattori"),
            "welfare": people.person(organisation, "Vapaa-aikapäällikkö"),
            "safety": people.person(organisation, "Valmiuspäällikkö"),
        }
        staff = municipal_people[short]
        NamedRole.objects.get_or_create(
            organisation=organisation,
            kind=NamedRoleKind.HYTE_RESPONSIBLE_BODY,
            defaults={"holder_name": "Hyvinvointilautakunta"},
        )
        NamedRole.objects.get_or_create(
            organisation=organisation,
            kind=NamedRoleKind.HYTE_RESPONSIBLE_PERSON,
            defaults={"person": staff["coordinator"]},
        )
        NamedRole.objects.get_or_create(
            organisation=organisation,
            kind=NamedRoleKind.PREPAREDNESS_OFFICER,
            defaults={"person": staff["safety"]},
        )
        CounterpartPair.objects.get_or_create(
            area=area,
            topic=NamedRoleKind.HYTE_RESPONSIBLE_PERSON,
            municipality_person=staff["coordinator"],
            defaults={"county_person": county_experts[list(municipalities).index(short) % 4]},
        )
        operative = _body(
            area,
            f"{short}: operatiivinen hyte-yhteistyö",
            [("any", "year", 2, None)],
            level=Level.OPERATIVE,
            convener=organisation,
            convener_role="Hyte-vastuutaho",
            parent=strategic,
            sub_region=municipality_region[short],
            legal_basis=LegalBasis.NONE,
            required_party_kinds=[K.COUNTY, K.MUNICIPALITY],
            nominees_min=1,
            nominees_max=3,
        )
        _seat(operative, staff["coordinator"], organisation, MembershipRole.CHAIR)
        _seat(operative, staff["welfare"], organisation)
        _seat(operative, county_experts[list(municipalities).index(short) % 4], county)
        _seat(strategic, staff["manager"], organisation, starts_on=story.day(2025, 6, 1))
        _seat(coordinators, staff["coordinator"], organisation)

    NamedRole.objects.get_or_create(
        organisation=county,
        kind=NamedRoleKind.HYTE_RESPONSIBLE_PERSON,
        defaults={"person": development_director},
    )
    NamedRole.objects.get_or_create(
        organisation=county,
        kind=NamedRoleKind.FAMILY_CENTRE_COORDINATOR,
        defaults={"person": county_experts[3]},
    )
    NamedRole.objects.get_or_create(
        organisation=council,
        kind=NamedRoleKind.HYTE_RESPONSIBLE_PERSON,
        defaults={"person": council_expert},
    )
    _seat(strategic, county_director, county, MembershipRole.CHAIR, starts_on=story.day(2025, 6, 1))
    _seat(strategic, council_director, council, starts_on=story.day(2025, 6, 1))
    _seat(
        strategic,
        development_director,
        county,
        MembershipRole.SECRETARY,
        starts_on=story.day(2025, 6, 1),
    )
    _seat(coordinators, county_experts[0], county, MembershipRole.CHAIR)
    _seat(coordinators, development_director, county, MembershipRole.SECRETARY)

    # Regional partnership groups: the four sub-regions of the nomination request.
    for region_name, members in spec["sub_regions"].items():
        region = sub_regions[region_name]
        group = _body(
            area,
            f"{region_name} alueen kumppanuusryhmä",
            [("negotiation", "year", 1, 1), ("meeting", "year", 1, 3)],
            themes=themes,
            level=Level.REGIONAL_PARTNERSHIP,
            convener=county,
            convener_role="Kumppanuuspäällikkö yhdessä kuntien kanssa",
            sub_region=region,
            parent=area_group,
            legal_basis=LegalBasis.HYTE_612_6_7,
            required_party_kinds=PARTNERSHIP_KINDS,
            nominees_min=1,
            nominees_max=4,
            description=(
                "Vuosittainen lakisääteinen hyte-neuvottelu ja 1–3 muuta tapaamista: "
                "tiedonkulku ja alueen hyvinvointi-ilmiöt."
            ),
        )
        chair_done = False
        for short in members:
            staff = municipal_people[short]
            role = MembershipRole.MEMBER if chair_done else MembershipRole.CHAIR
            chair_done = True
            _seat(
                group,
                staff["coordinator"],
                municipalities[short],
                role,
                source=story.text("Nimeämispyyntö {30.11.2023}"),
            )
            _seat(
                group,
                staff["welfare"],
                municipalities[short],
                source=story.text("Nimeämispyyntö {30.11.2023}"),
            )
        _seat(group, partnership_manager, county, MembershipRole.SECRETARY)
        _seat(group, county_experts[list(spec["sub_regions"]).index(region_name)], county)
        _seat(group, council_expert, council)
        for partner in partners.values():
            if partner.sub_region_id == region.pk and partner.kind in (K.NGO, K.PARISH):
                _seat(
                    group,
                    people.person(
                        partner,
                        "Toiminnanjohtaja" if partner.kind == K.NGO else "Diakoniatyöntekijä",
                    ),
                    partner,
                )
        entrepreneurs = partners["Pohjois-Karjalan Yrittäjät ry"]
        _seat(group, people.person(entrepreneurs, "Aluepäällikkö"), entrepreneurs)

    # Area-wide group: the regional council, county and the state and education partners.
    _seat(area_group, council_expert, council, MembershipRole.SECRETARY)
    _seat(area_group, partnership_manager, county, MembershipRole.CHAIR)
    for partner in partners.values():
        if partner.kind in (
            K.ELY,
            K.TE,
            K.AVI,
            K.KELA,
            K.POLICE,
            K.EDUCATION,
            K.RESCUE,
            K.BUSINESS,
        ):
            _seat(area_group, people.person(partner, "Asiantuntija"), partner)
    parish = partners["Joensuun ev.-lut. seurakuntayhtymä"]
    _seat(area_group, people.person(parish, "Diakoniajohtaja"), parish)
    # One seat that has ended, so the body's history shows how a change is kept.
    former = people.person(council, "Suunnittelija")
    _seat(
        area_group,
        former,
        council,
        starts_on=story.day(2024, 1, 1),
        ends_on=story.day(2024, 12, 31),
    )
    return area


@transaction.atomic
def load_south_savo() -> Area:
    spec = data.SOUTH_SAVO
    area = _base_area(spec)
    people = _PeopleFactory(area, rng=random.Random(2025))
    county = _org(area, kind=K.COUNTY, **spec["county"])
    council = _org(area, kind=K.REGIONAL_COUNCIL, **spec["regional_council"])
    municipalities = {
        short: _org(area, name, K.MUNICIPALITY, municipality_number=number)
        for short, (name, number) in spec["municipalities"].items()
    }
    themes = list(area.themes.all())
    working_group = _body(
        area,
        "Kunnallisasiain työryhmä",
        [("any", "year", 3, None)],
        themes=themes,
        level=Level.WORKING_GROUP,
        convener=council,
        convener_role="Maakuntaliitto",
        legal_basis=LegalBasis.HYTE_612_6_7,
        required_party_kinds=[K.COUNTY, K.MUNICIPALITY, K.REGIONAL_COUNCIL],
        nominees_min=1,
        nominees_max=2,
        description=(
            "Maakuntaliiton, kuntien ja hyvinvointialueen yhteinen työryhmä; sen toiminta "
            "täyttää 612/2021 6–7 §:n vuosittaisen neuvotteluvelvoitteen."
        ),
    )
    negotiation = _body(
        area,
        "Hyvinvointialueen ja kuntien neuvottelu (611/2021 14 §)",
        [("negotiation", "council_term", 1, None)],
        level=Level.STRATEGIC,
        convener=county,
        convener_role="Hyvinvointialuejohtaja",
        legal_basis=LegalBasis.COUNTY_611_14,
        required_party_kinds=[K.COUNTY, K.MUNICIPALITY],
        nominees_min=1,
        nominees_max=2,
        description="Kuntakohtaiset neuvottelut poliittisen ja viranhaltijajohdon kesken.",
    )
    actors = _body(
        area,
        "Hyte-toimijoiden vuosittainen neuvottelu",
        [("negotiation", "year", 1, None)],
        themes=themes,
        level=Level.OPERATIVE,
        convener=county,
        convener_role="Hyte-yhteyshenkilöt",
        parent=working_group,
        legal_basis=LegalBasis.NONE,
        required_party_kinds=[K.COUNTY, K.MUNICIPALITY],
        nominees_min=1,
        nominees_max=2,
        description="Yhdyspinta-asiat: järjestöavustukset, ehkäisevä päihdetyö, kotoutuminen.",
    )
    director = people.person(county, "Hyvinvointialuejohtaja")
    _seat(negotiation, director, county, MembershipRole.CHAIR, starts_on=story.day(2025, 6, 1))
    _seat(working_group, people.person(council, "Maakuntajohtaja"), council, MembershipRole.CHAIR)
    _seat(working_group, director, county)
    county_contact = people.person(county, "Hyte-päällikkö")
    _seat(actors, county_contact, county, MembershipRole.CHAIR)
    # Businesses and non-profits take part in the hyte actors' annual negotiation, which
    # the area records as their forum for 612/2021 §7 (load_south_savo_practices).
    for name, kind, title in (
        ("Etelä-Savon järjestöjen yhteistyöverkosto ry", K.NGO, "Toiminnanjohtaja"),
        ("Savon Liikuntapalvelut Oy", K.BUSINESS, "Toimitusjohtaja"),
    ):
        partner = _org(area, name, kind, post_office="Mikkeli")
        _seat(actors, people.person(partner, title), partner)
    for organisation in municipalities.values():
        manager = people.person(organisation, "Kunnanjohtaja")
        contact = people.person(organisation, "Hyte-yhteyshenkilö")
        _seat(working_group, manager, organisation)
        _seat(negotiation, manager, organisation, starts_on=story.day(2025, 6, 1))
        _seat(actors, contact, organisation)
        NamedRole.objects.get_or_create(
            organisation=organisation,
            kind=NamedRoleKind.HYTE_RESPONSIBLE_PERSON,
            defaults={"person": contact},
        )
    return area


def _user(username: str, first: str, last: str, superuser: bool = False):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.org",
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def load_users(north_karelia: Area, south_savo: Area) -> list[DemoUser]:
    coordinators = Body.objects.get(area=north_karelia, level=Level.COORDINATOR_NETWORK)
    joensuu = Organisation.objects.get(area=north_karelia, municipality_number="167")
    grants = [
        (
            "paakayttaja",
            "Pirkko",
            "Pääkäyttäjä",
            north_karelia,
            AreaRole.Role.ADMIN,
            {},
            "Pohjois-Karjalan alueen pääkäyttäjä (kumppanuuspäällikkö)",
        ),
        (
            "sihteeri",
            "Sanna",
            "Sihteeri",
            north_karelia,
            AreaRole.Role.BODY_SECRETARY,
            {"body": coordinators},
            "Hyte-koordinaattoriverkoston sihteeri",
        ),
        (
            "joensuu",
            "Jaana",
            "Joensuulainen",
            north_karelia,
            AreaRole.Role.ORGANISATION_CONTACT,
            {"organisation": joensuu},
            "Joensuun kaupungin yhteyshenkilö (hyvinvointikoordinaattori)",
        ),
        (
            "jasen",
            "Jarmo",
            "Jäsen",
            north_karelia,
            AreaRole.Role.MEMBER,
            {},
            "Kumppanuusryhmän jäsen (lukuoikeus)",
        ),
        (
            "etelasavo",
            "Eeva",
            "Eteläsavolainen",
            south_savo,
            AreaRole.Role.ADMIN,
            {},
            "Etelä-Savon alueen pääkäyttäjä",
        ),
    ]
    result = []
    for username, first, last, area, role, target, description in grants:
        user = _user(username, first, last)
        AreaRole.objects.get_or_create(user=user, area=area, role=role, **target)
        result.append(DemoUser(username, description))
    _user("admin", "Järjestelmä", "Ylläpitäjä", superuser=True)
    result.append(DemoUser("admin", "Järjestelmän ylläpitäjä (kaikki alueet, /admin/)"))
    return result


@transaction.atomic
def load_south_savo_practices(area: Area) -> None:
    """South Savo's agreed model (its cooperation model, sections 1, 2 and 5): the
    municipal-affairs working group fulfils 612/2021 §6–7, businesses and non-profits take
    part in the hyte actors' annual negotiation, and the county negotiates with each
    municipality once a council term (§14, option 1)."""
    if Practice.objects.filter(area=area).exists():
        return
    bodies = Body.objects.filter(area=area)
    working_group = bodies.get(name="Kunnallisasiain työryhmä")
    actors = bodies.get(name="Hyte-toimijoiden vuosittainen neuvottelu")
    negotiation = bodies.get(legal_basis=LegalBasis.COUNTY_611_14)
    sections = {
        s.number: s
        for s in Section.objects.filter(version__agreement__area=area, version__number=1)
    }
    for rule in (Rule.NEGOTIATION_612_7, Rule.MUNICIPALITY_612_6):
        practice = Practice.objects.create(
            area=area, rule=rule, every_meeting_counts=True, section=sections.get("1")
        )
        practice.bodies.set([working_group])
    practice = Practice.objects.get(area=area, rule=Rule.NEGOTIATION_612_7)
    for group in (PartyGroup.BUSINESS, PartyGroup.NONPROFIT):
        GroupVenue.objects.create(practice=practice, group=group, body=actors)
    term = Practice.objects.create(area=area, rule=Rule.TERM_611_14, section=sections.get("2"))
    term.bodies.set([negotiation])


def load_all() -> list[DemoUser]:
    with story.told_as_of(_story_day()):
        return _load_all()


def _story_day() -> date:
    """The day the demo is told as of: the day it was first loaded, so that loading it
    again finds its rows where they are (story.py)."""
    first = Area.objects.filter(slug=data.NORTH_KARELIA["slug"]).first()
    return timezone.localdate(first.created_at) if first else timezone.localdate()


def _load_all() -> list[DemoUser]:
    north_karelia = load_north_karelia()
    south_savo = load_south_savo()
    users = load_users(north_karelia, south_savo)
    load_north_karelia_meetings(north_karelia)
    load_south_savo_meetings(south_savo)
    load_north_karelia_nominations(north_karelia)
    load_north_karelia_programme(north_karelia)
    load_indicators()
    load_north_karelia_agreement(north_karelia)
    load_south_savo_agreement(south_savo)
    load_south_savo_practices(south_savo)
    load_clocks(north_karelia, south_savo)
    load_outreach(north_karelia)
    return users
