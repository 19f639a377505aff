"""Demo meetings 2024-2026: enough history for the obligations dashboard to show met,
at-risk and not-met cases, with minutes and the theme work of seed 001 (prevention of
domestic violence). Idempotent like the rest of the demo: a meeting is found by body,
title and start time, and its attendance and minutes are written only when it is new."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body, Level, Membership
from yhdyspinta.meetings import selectors, services
from yhdyspinta.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingStatus,
    Minutes,
    ThemeWorkGroup,
    ThemeWorkIdea,
)
from yhdyspinta.parties.models import OrganisationKind, Person

from . import data, story

HELSINKI = ZoneInfo("Europe/Helsinki")
APPROVED, PUBLISHED, DRAFTED, HELD = "approved", "published", "drafted", "held"
PLANNED, INVITED = MeetingStatus.PLANNED, MeetingStatus.INVITED

# Political leaders by title: they attend the 611/2021 §14 negotiation as such.

DOMESTIC_VIOLENCE_IDEAS = [
    (
        "Ryhmä 1",
        "Lähisuhdeväkivallan ennaltaehkäisy",
        [
            (
                "Yhteinen koulutusilta kuntien ja järjestöjen työntekijöille "
                "väkivallan puheeksiotosta.",
                "järjestöt, kunnat, hyvinvointialue",
                "together",
            ),
            (
                "Kysymys lähisuhdeväkivallasta mukaan neuvolan ja "
                "kouluterveydenhuollon käynteihin.",
                "hyvinvointialue",
                "alone",
            ),
        ],
    ),
    (
        "Ryhmä 2",
        "Nuoret ja väkivalta",
        [
            (
                "Nuorisotyö ja poliisi jalkautuvat yhdessä nuorten tapahtumiin.",
                "kunnan nuorisotyö, poliisi",
                "with_some",
            ),
            (
                "Seurakunnan ja järjestöjen matalan kynnyksen kohtaamispaikka iltaisin.",
                "seurakunta, järjestöt",
                "with_some",
            ),
            (
                "Tunnetaitojen tuokiot kouluihin koulunuorisotyöntekijän johdolla.",
                "kunnat",
                "alone",
            ),
        ],
    ),
    (
        "Ryhmä 3",
        "Ehkäisevä päihdetyö",
        [
            (
                "Yhteinen viestintäkampanja päihteiden ja väkivallan yhteydestä.",
                "kaikki toimijat",
                "together",
            ),
        ],
    ),
]


def _at(year: int, month: int, day: int, hour: int = 13) -> datetime:
    """The story's meeting time (story.py: the demo is always this year)."""
    return story.at(year, month, day, hour)


def _capacity(person: Person) -> str:
    return selectors.starting_capacity(person)


def _meeting(
    body: Body,
    title: str,
    start: datetime,
    *,
    kind="meeting",
    status=PUBLISHED,
    agenda=(),
    skip=(),
    place="Joensuu, Carelicum",
    ideas=False,
    municipalities=(),
) -> Meeting:
    meeting, created = Meeting.objects.get_or_create(
        body=body,
        title=title,
        starts_at=start,
        defaults={
            "kind": kind,
            "ends_at": start + timedelta(hours=2, minutes=30),
            "place": place,
            "convener": body.convener,
            "status": PLANNED,
            "online_link": "https://teams.example.org/hyte",
        },
    )
    if not created:
        return meeting
    if municipalities:
        meeting.municipalities.set(municipalities)
    for order, (item_title, proposal) in enumerate(agenda or _default_agenda(kind), start=1):
        AgendaItem.objects.create(meeting=meeting, order=order, title=item_title, proposal=proposal)
    if status in (PLANNED, INVITED):
        meeting.status = status
        meeting.save(update_fields=["status"])
        return meeting
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status"])
    members = services.meeting_members(meeting)
    services.attendance_set(
        access=Access.installation(),
        meeting=meeting,
        present={
            m.pk: _capacity(m.person)
            for m in members
            if m.person.last_name not in skip
            and m.organisation.name not in skip
            and m.person.title not in skip
        },
    )
    if status == HELD:
        return meeting
    minutes = services.minutes_start(access=Access.installation(), meeting=meeting)
    for item in minutes.items.select_related("agenda_item"):
        item.discussion = "Asiasta keskusteltiin ja kuultiin osapuolten tilannekatsaukset."
        item.decision = item.agenda_item.proposal or "Merkittiin tiedoksi."
        item.save()
    if ideas:
        for name, topic, group_ideas in DOMESTIC_VIOLENCE_IDEAS:
            group = ThemeWorkGroup.objects.create(
                minutes=minutes, name=name, topic=topic, scribes="Ryhmän valitsemat kaksi kirjuria"
            )
            for text, actors, mode in group_ideas:
                ThemeWorkIdea.objects.create(
                    group=group,
                    text=text,
                    actors=actors,
                    mode=mode,
                    proposed_by="Ryhmän yhteinen ehdotus",
                    taken_forward=mode == "together",
                )
    if status == DRAFTED:
        return meeting
    # Approved and published a week after the meeting, as in real life (or by now, when
    # the story's year is told early in the year: story.py).
    now = timezone.now()
    services.minutes_approve(
        access=Access.installation(),
        minutes=minutes,
        method=Minutes.Approval.CHAIR,
        at=min(start + timedelta(days=7), now),
    )
    if status == PUBLISHED:
        services.minutes_publish(
            access=Access.installation(),
            minutes=minutes,
            at=min(start + timedelta(days=8), now),
            notify=False,
        )
    return meeting


def _default_agenda(kind: str) -> list[tuple[str, str]]:
    if kind == "negotiation":
        return [
            ("Kokouksen avaus ja läsnäolijat", ""),
            (
                "Hyvinvointikertomuksen ja -suunnitelman toimenpiteet",
                "Sovitaan alueen yhteisistä toimenpiteistä, yhteistyöstä ja seurannasta.",
            ),
            ("Alueen ajankohtaiset hyvinvointi-ilmiöt", "Merkitään tiedoksi."),
        ]
    if kind == "follow_up":
        return [("Yhteistyösopimuksen tavoitteiden seuranta", "Merkitään seuranta tiedoksi.")]
    return [("Tilannekatsaus", "Merkitään tiedoksi."), ("Seuraavat askeleet", "")]


@transaction.atomic
def load_north_karelia_meetings(area: Area) -> None:
    bodies = Body.objects.filter(area=area)
    groups = {b.sub_region.name: b for b in bodies.filter(level=Level.REGIONAL_PARTNERSHIP)}
    coordinators = bodies.get(level=Level.COORDINATOR_NETWORK)
    area_group = bodies.get(level=Level.AREA_PARTNERSHIP)
    strategic = bodies.get(level=Level.STRATEGIC)
    _political_leaders(area, strategic)

    # 2024: every regional group negotiated in November on the programme; theme work on
    # preventing domestic violence (seed 001).
    for name, group in groups.items():
        _meeting(group, f"{name}: kevään tapaaminen", _at(2024, 3, 12))
        _meeting(
            group,
            f"{name}: lakisääteinen hyte-neuvottelu {story.year(2024)}",
            _at(2024, 11, 14),
            kind="negotiation",
            ideas=True,
            agenda=[
                (
                    story.text("Pohjois-Karjalan hyte-ohjelma {2025}–{2028}"),
                    "Hyväksytään Pohjois-Karjalan hyte-ohjelma, sen painopisteet ja tavoitteet.",
                ),
                (
                    "Teematyö: lähisuhdeväkivallan ennaltaehkäisy ja ehkäisevä päihdetyö",
                    "Ryhmät tuottavat 1–3 yhteisen toimenpiteen ideaa; valitaan jatkoon vietävät.",
                ),
            ],
        )
    for month in (1, 3, 4, 6, 8, 10, 12):
        _meeting(coordinators, "Hyte-koordinaattorien tapaaminen", _at(2024, month, 5 + month))
    for month in (2, 5, 9, 11):
        _meeting(area_group, "Hyvinvoinnin kumppanuusryhmän kokous", _at(2024, month, 20))
    _meeting(
        strategic,
        f"Strateginen seurantatapaaminen {story.year(2024)}",
        _at(2024, 5, 22),
        kind="follow_up",
    )

    # 2025: the southern group's minutes were never approved, and the coordinators met
    # only five times: the year ends with obligations not met.
    for name, group in groups.items():
        _meeting(group, f"{name}: kevään tapaaminen {story.year(2025)}", _at(2025, 4, 8))
        status = DRAFTED if name == "Eteläinen" else PUBLISHED
        _meeting(
            group,
            f"{name}: lakisääteinen hyte-neuvottelu {story.year(2025)}",
            _at(2025, 10, 16),
            kind="negotiation",
            status=status,
        )
    for month in (2, 4, 6, 9, 11):
        _meeting(coordinators, "Hyte-koordinaattorien tapaaminen", _at(2025, month, 11))
    for month in (2, 5, 9, 11):
        _meeting(area_group, "Hyvinvoinnin kumppanuusryhmän kokous", _at(2025, month, 18))
    _meeting(
        strategic,
        f"Strateginen seurantatapaaminen {story.year(2025)}",
        _at(2025, 5, 21),
        kind="follow_up",
    )
    # The 611/2021 §14 negotiation of the new term: two municipalities' political
    # leadership could not come.
    _meeting(
        strategic,
        "Valtuustokauden neuvottelu kuntien ja hyvinvointialueen kesken",
        _at(2025, 10, 2),
        kind="negotiation",
        skip={"Juuan kunta", "Rääkkylän kunta"},
        agenda=[
            (
                story.text("Yhteistyö, tavoitteet ja työnjako valtuustokaudella {2025}–{2029}"),
                "Vahvistetaan yhteistyörakenteet ja tiedonkulku.",
            )
        ],
    )

    # Operative level: each municipality and the county meet twice a year; two
    # municipalities missed their second meeting in 2025.
    for operative in bodies.filter(level=Level.OPERATIVE).select_related("convener"):
        short = operative.name.split(":")[0]
        place = f"{short}, kunnantalo"
        for year in (2024, 2025, 2026):
            _meeting(
                operative, f"{short}: hyte-vastuutahojen tapaaminen", _at(year, 3, 3), place=place
            )
            if year == 2025 and short in ("Outokumpu", "Polvijärvi"):
                continue
            status = INVITED if year == 2026 else PUBLISHED
            day = _at(year, 12, 1) if year == 2026 else _at(year, 9, 15)
            _meeting(
                operative,
                f"{short}: hyte-vastuutahojen tapaaminen",
                day,
                place=place,
                status=status,
            )

    # 2026, the current year: some done, some planned, some missing.
    for name in ("Keskinen", "Pohjoinen", "Läntinen"):
        _meeting(groups[name], f"{name}: kevään tapaaminen {story.year(2026)}", _at(2026, 4, 14))
    _meeting(
        groups["Keskinen"],
        f"Keskinen: lakisääteinen hyte-neuvottelu {story.year(2026)}",
        _at(2026, 10, 8),
        kind="negotiation",
    )
    _meeting(
        groups["Läntinen"],
        f"Läntinen: lakisääteinen hyte-neuvottelu {story.year(2026)}",
        _at(2026, 11, 5),
        kind="negotiation",
        status=DRAFTED,
    )
    _meeting(
        groups["Pohjoinen"],
        f"Pohjoinen: lakisääteinen hyte-neuvottelu {story.year(2026)}",
        _at(2026, 12, 3),
        kind="negotiation",
        status=INVITED,
        place="Lieksa, kaupungintalo",
    )
    for month in (1, 3, 4, 6, 8, 10):
        _meeting(coordinators, "Hyte-koordinaattorien tapaaminen", _at(2026, month, 13))
    for month in (2, 5, 9):
        _meeting(area_group, "Hyvinvoinnin kumppanuusryhmän kokous", _at(2026, month, 17))
    _meeting(area_group, "Hyvinvoinnin kumppanuusryhmän kokous", _at(2026, 12, 9), status=PLANNED)
    _meeting(
        strategic,
        f"Strateginen seurantatapaaminen {story.year(2026)}",
        _at(2026, 5, 20),
        kind="follow_up",
    )
    _meeting(
        strategic,
        "Täydentävä valtuustokauden neuvottelu",
        _at(2026, 12, 15),
        kind="negotiation",
        status=PLANNED,
    )


def _political_leaders(area: Area, strategic: Body) -> None:
    """The chairs of the municipal boards and of the county board sit in the strategic
    body for the 611/2021 §14 negotiation."""
    organisations = area.organisations.filter(
        kind__in=[OrganisationKind.MUNICIPALITY, OrganisationKind.COUNTY]
    ).order_by("name")
    for index, organisation in enumerate(organisations):
        title = (
            "Aluehallituksen puheenjohtaja"
            if organisation.kind == OrganisationKind.COUNTY
            else "Kunnanhallituksen puheenjohtaja"
        )
        person, _ = Person.objects.get_or_create(
            area=area,
            email=f"puheenjohtaja.{organisation.pk}@example.org",
            defaults={
                "first_name": data.FIRST_NAMES[(index * 7 + 3) % len(data.FIRST_NAMES)],
                "last_name": data.LAST_NAMES[(index * 5 + 11) % len(data.LAST_NAMES)],
                "title": title,
                "leadership": data.LEADERSHIP_BY_TITLE.get(title, ""),
                "organisation": organisation,
            },
        )
        Membership.objects.get_or_create(
            body=strategic,
            person=person,
            organisation=organisation,
            defaults={"starts_on": story.day(2025, 6, 1)},
        )


@transaction.atomic
def load_south_savo_meetings(area: Area) -> None:
    bodies = Body.objects.filter(area=area)
    working_group = bodies.get(name="Kunnallisasiain työryhmä")
    actors = bodies.get(name="Hyte-toimijoiden vuosittainen neuvottelu")
    negotiation = bodies.get(legal_basis="611_14")
    _political_leaders(area, negotiation)
    # Option 1: the county negotiates with each municipality; three done so far.
    for day, short, number in (
        (8, "Mikkeli", "491"),
        (15, "Savonlinna", "740"),
        (22, "Pieksämäki", "593"),
    ):
        municipality = area.organisations.get(municipality_number=number)
        _meeting(
            negotiation,
            f"Valtuustokauden neuvottelu: {municipality.name}",
            _at(2025, 10, day),
            kind="bilateral",
            place=short,
            municipalities=[municipality],
        )
    juva = area.organisations.get(name="Juvan kunta")
    _meeting(
        negotiation,
        "Valtuustokauden neuvottelu: Juvan kunta",
        _at(2026, 12, 2),
        kind="bilateral",
        status=PLANNED,
        place="Juva",
        municipalities=[juva],
    )
    for year in (2025, 2026):
        _meeting(working_group, "Kunnallisasiain työryhmä", _at(year, 2, 10), place="Mikkeli")
        _meeting(
            working_group,
            "Kunnallisasiain työryhmä: hyte-neuvottelu",
            _at(year, 6, 9),
            kind="negotiation",
            place="Mikkeli",
        )
        _meeting(working_group, "Kunnallisasiain työryhmä", _at(year, 10, 13), place="Mikkeli")
        _meeting(
            actors,
            "Hyte-toimijoiden neuvottelu",
            _at(year, 9, 22),
            kind="negotiation",
            place="Savonlinna",
        )
