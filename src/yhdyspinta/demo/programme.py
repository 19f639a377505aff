"""The North Karelia hyte programme 2025-2028 from seed 001: the coordinators' priorities
and the example topics under them as measures. Indicator values are invented and
marked as demo values."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.areas.models import Area
from yhdyspinta.meetings.models import ThemeWorkIdea
from yhdyspinta.parties.models import Organisation, OrganisationKind
from yhdyspinta.programme import services
from yhdyspinta.programme.models import (
    FollowUpRound,
    Goal,
    Indicator,
    IndicatorValue,
    Measure,
    Priority,
    Programme,
    ProgrammeApproval,
)

from . import story
from .outbox import requests_sent

HELSINKI = ZoneInfo("Europe/Helsinki")

# priority: (goal, [measures (name, lead kind, participant kinds)], [indicators])
STRUCTURE = [
    (
        "Mielen hyvinvointi",
        "Mielen hyvinvointi vahvistuu arjessa ja rakenteissa",
        [
            ("Vastuunkanto ja huolenpidon henki yhteisöissä", "county", ["ngo", "parish"]),
            ("Liikuntaneuvonta ja ikäihmisten liikkuminen", "municipality", ["county", "ngo"]),
            ("Elintapaneuvonta", "county", ["municipality"]),
            ("Yläkoulujen päivätoiminta ja välituntiliikunta", "municipality", ["ngo"]),
            ("Koulujen hyvinvointitunnit", "municipality", ["county"]),
        ],
        [
            (
                "Ahdistuneisuutta kokevat 8.–9.-luokkalaiset",
                "percent",
                "down",
                15.2,
                12.0,
                "Kouluterveyskysely (THL)",
            ),
            (
                "Terveytensä keskinkertaiseksi tai huonoksi kokevat nuoret",
                "percent",
                "down",
                21.8,
                18.0,
                "Kouluterveyskysely (THL)",
            ),
        ],
    ),
    (
        "Moniammatillisen työn hyödyntäminen ja osallisuustyö",
        "Osallisuus ja järjestöyhteistyö vahvistuvat kaikissa kunnissa",
        [
            (
                "Koulunuorisotyöntekijä nuorten tukena ja ryhmäytymisessä",
                "municipality",
                ["county"],
            ),
            ("Kunnan perhetyöntekijä lapsiperheiden tukena", "municipality", ["county"]),
            ("Kokemusasiantuntijuus ja kohtaamispaikat", "county", ["ngo", "parish"]),
            (
                "Demokratiatyö ja osallisuutta tukevien hankkeiden esittely",
                "regional_council",
                ["municipality", "ngo"],
            ),
        ],
        [
            (
                "Koulun tai oppilaitoksen toimintaan osallistuneet nuoret",
                "percent",
                "up",
                31.0,
                40.0,
                "Kouluterveyskysely (THL)",
            ),
        ],
    ),
    (
        "Sosiaaliset ja tunnetaidot",
        "Väkivalta vähenee ja turvallisuuden tunne kasvaa",
        [
            (
                "Poliisin ennalta estävän toiminnan ohjelman toteutus kunnissa",
                "police",
                ["municipality"],
            ),
            ("Harvaan asuttujen alueiden turvallisuus", "rescue", ["municipality", "ngo"]),
            ("Nuorisoväkivallan ja lähisuhdeväkivallan ehkäisy", "county", ["municipality", "ngo"]),
        ],
        [
            (
                "Fyysistä uhkaa kokeneet nuoret",
                "percent",
                "down",
                13.5,
                10.0,
                "Kouluterveyskysely (THL)",
            ),
        ],
    ),
    (
        "Työllisyys ja työkyky huomioiden maahanmuuttaneet",
        "Työllisyys ja työkyky paranevat, myös maahan muuttaneilla",
        [
            (
                "Monialainen yhteispalvelu (TYP) ja monialaisen tuen yhteistoimintamalli",
                "municipality",
                ["county", "te"],
            ),
            ("Kuntouttava työtoiminta osana työllisyyspolkua", "county", ["municipality"]),
            (
                "Maahan muuttaneiden asettautumisen ja kotoutumisen tuki",
                "municipality",
                ["county", "ngo"],
            ),
        ],
        [
            ("Työttömät, % työvoimasta", "percent", "down", 11.9, 9.5, "Tilastokeskus"),
        ],
    ),
    (
        "Yhteinen: hyte-viestintä",
        "Hyvinvoinnin edistämisen tieto kulkee kaikille toimijoille",
        [
            ("Hyte-kirje kahdesti vuodessa", "regional_council", ["county"]),
            ("Hyte-foorumi kahdesti vuodessa", "regional_council", ["county", "municipality"]),
        ],
        [
            ("Hyte-kirjeen tilaajat", "count", "up", 320, 600, "Maakuntaliiton tilaajarekisteri"),
        ],
    ),
]

# The story's years (story.py) and the values' share of the baseline.
DEMO_SERIES = {2023: Decimal("1.00"), 2024: Decimal("0.97"), 2025: Decimal("0.95")}


@transaction.atomic
def load_north_karelia_programme(area: Area) -> None:
    if area.programmes.exists():
        return
    programme = Programme.objects.create(
        area=area,
        name="Pohjois-Karjalan hyte-ohjelma",
        starts_year=story.year(2025),
        ends_year=story.year(2028),
        description=(
            "Maakunnallinen hyvinvoinnin ja terveyden edistämisen ohjelma painopisteineen ja "
            "tavoitteineen. Valmisteltu laajalla kuulemisella ja hyväksytty kunnissa, "
            "maakuntaliitossa ja hyvinvointialueella."
        ),
    )
    parties = list(area.organisations.filter(is_agreement_party=True).order_by("name"))
    for index, organisation in enumerate(parties):
        body = {"county": "aluevaltuusto", "regional_council": "maakuntahallitus"}.get(
            organisation.kind, "kunnanvaltuusto"
        )
        ProgrammeApproval.objects.create(
            programme=programme,
            organisation=organisation,
            approved_by_body=body,
            approved_on=story.day(2024, 9 + index % 3, 10 + index),
            decision_reference=f"§ {20 + index}/{story.year(2024)}",
        )
    by_kind = {}
    for organisation in area.organisations.order_by("name"):
        by_kind.setdefault(organisation.kind, []).append(organisation)
    municipalities = by_kind[OrganisationKind.MUNICIPALITY]
    themes = list(area.themes.all())
    counter = 0
    for order, (priority_name, goal_name, measures, indicators) in enumerate(STRUCTURE, start=1):
        priority = Priority.objects.create(programme=programme, order=order, name=priority_name)
        goal = Goal.objects.create(priority=priority, order=1, name=goal_name)
        created_indicators = []
        for name, unit, direction, baseline, target, source in indicators:
            indicator = Indicator.objects.create(
                goal=goal,
                name=name,
                unit=unit,
                direction=direction,
                source="other",
                source_name=source,
                baseline_year=story.year(2023),
                baseline_value=Decimal(str(baseline)),
                target_year=story.year(2028),
                target_value=Decimal(str(target)),
            )
            created_indicators.append(indicator)
            for year, factor in DEMO_SERIES.items():
                change = factor if direction == "down" else 2 - factor
                IndicatorValue.objects.create(
                    indicator=indicator,
                    year=story.year(year),
                    value=(Decimal(str(baseline)) * change).quantize(Decimal("0.1")),
                    is_demo=True,
                )
                for m_index, municipality in enumerate(municipalities[:4]):
                    IndicatorValue.objects.create(
                        indicator=indicator,
                        year=story.year(year),
                        level="municipality",
                        organisation=municipality,
                        value=(
                            Decimal(str(baseline)) * change * Decimal(str(0.9 + m_index * 0.07))
                        ).quantize(Decimal("0.1")),
                        is_demo=True,
                    )
        for m_order, (name, lead_kind, participant_kinds) in enumerate(measures, start=1):
            counter += 1
            leads = by_kind.get(lead_kind) or by_kind[OrganisationKind.COUNTY]
            lead = leads[counter % len(leads)]
            measure = Measure.objects.create(
                goal=goal,
                order=m_order,
                name=name,
                lead=lead,
                starts_year=story.year(2025),
                ends_year=story.year(2028),
                resources="Osana toimijoiden perustyötä.",
            )
            participants = []
            for kind in participant_kinds:
                pool = by_kind.get(kind, [])
                if pool:
                    participants.append(pool[(counter + 3) % len(pool)])
            measure.participants.set([p for p in participants if p != lead])
            measure.themes.set(themes[counter % len(themes) : counter % len(themes) + 1])
    _reports(programme, municipalities)
    _idea_to_measure(area, programme)


def _reports(programme: Programme, municipalities: list[Organisation]) -> None:
    statuses = ["ongoing", "ongoing", "done", "not_started", "postponed", "ongoing"]
    closed = FollowUpRound.objects.create(
        programme=programme, year=story.year(2025), deadline=story.day(2026, 1, 31)
    )
    services.follow_up_requests(closed)
    # The open year's requests went out through the outbox, each with the
    # organisation's own link, on 15.10.2026.
    open_round = services.follow_up_open(
        access=Access.installation(),
        programme=programme,
        year=story.year(2026),
        deadline=story.day(2026, 12, 15),
    )
    requests_sent(open_round, open_round.all_requests, story.at(2026, 10, 15, 9))
    for index, measure in enumerate(
        Measure.objects.filter(goal__priority__programme=programme)
        .select_related("lead")
        .order_by("pk")
    ):
        services.measure_report(
            measure=measure,
            organisation=measure.lead,
            year=story.year(2025),
            status=statuses[index % 6],
            account="Toimenpide on käynnistetty suunnitellusti; yhteistyö jatkuu.",
        )
        if index % 3 == 0:  # about a third have reported for 2026 so far
            services.measure_report(
                measure=measure,
                organisation=measure.lead,
                year=story.year(2026),
                status="ongoing",
                account="Työ jatkuu; syksyn tilanne käsitelty kumppanuusryhmässä.",
            )
    _close(closed)


def _close(round: FollowUpRound) -> None:
    """The year's follow-up closes once reported: its reports are the record."""
    round.status = FollowUpRound.Status.CLOSED
    round.save()


def _idea_to_measure(area: Area, programme: Programme) -> None:
    idea = ThemeWorkIdea.objects.filter(
        group__minutes__meeting__body__area=area, text__startswith="Tunnetaitojen tuokiot"
    ).first()
    if idea is None:
        return
    goal = Goal.objects.get(priority__programme=programme, priority__order=3)
    lead = Organisation.objects.get(area=area, municipality_number="167")
    services.idea_promote(
        access=Access.installation(),
        idea=idea,
        goal=goal,
        lead=lead,
        name="Tunnetaitojen tuokiot kouluihin",
    )
