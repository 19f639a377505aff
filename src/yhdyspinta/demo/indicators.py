"""A small, synthetic but Sotkanet-shaped data set for the demo areas, imported through
the real importer. Every indicator name says it is synthetic; nothing here is THL data."""

from __future__ import annotations

import io
import json
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from yhdyspinta.accounts.permissions import Access
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body, Level
from yhdyspinta.indicators import importer, services
from yhdyspinta.indicators.models import (
    DataSource,
    FollowedIndicator,
    KerroinParameters,
    SotkanetIndicator,
)
from yhdyspinta.meetings.models import Meeting
from yhdyspinta.parties.models import Organisation, OrganisationKind
from yhdyspinta.programme.models import Goal, Indicator, Measure

from . import story

# id, name, theme index, base rate, aggregation
INDICATORS = [
    (900001, "Ahdistuneisuutta kokevat 8.–9.-luokkalaiset, % (synteettinen)", 1, 14.0, "rate"),
    (900002, "Yksinäisyyttä kokevat nuoret, % (synteettinen)", 1, 11.0, "rate"),
    (900003, "Vapaa-ajallaan liikkuvat nuoret, % (synteettinen)", 0, 38.0, "rate"),
    (900004, "Työttömät, % työvoimasta (synteettinen)", 3, 11.0, "rate"),
    (900005, "Lähisuhdeväkivallasta tehdyt ilmoitukset (synteettinen)", 4, 0.0, "sum"),
]
YEARS = range(2017, 2025)  # the story's years (story.py)
# The county HYTE-kerroin set's rows, as synthetic Sotkanet indicators: the set file's ids
# are unconfirmed, so the demo areas bind each row to its synthetic twin themselves.
# id, row key, name, level around which the regions vary, direction of good
KERROIN = [
    (900011, "t2d-lifestyle-counselling", "Diabetesriskissä olevien elintapaneuvonta", 32.0, "up"),
    (900012, "alcohol-brief-intervention", "Alkoholinkäytön mini-interventio", 21.0, "up"),
    (900013, "hip-fractures-65", "Lonkkamurtumat 65 vuotta täyttäneillä", 0.9, "down"),
    (900014, "young-not-in-work-or-education", "Työn ja koulutuksen ulkopuolella", 8.4, "down"),
    (900015, "mmr-vaccination", "MMR-rokotuskattavuus", 93.0, "up"),
    (900016, "long-term-social-assistance-25-64", "Pitkäaikainen toimeentulotuki", 2.2, "down"),
    (900017, "disability-pension-mental-18-34", "Mielenterveysperusteinen eläke", 0.6, "down"),
]
KERROIN_SET = "hyte-kerroin-hyvinvointialue-2026"
MINIMUM_SET = "thl-vahimmaistiedot-kunta-2023"
# Rows of the minimum list that measure what a kerroin row measures (row → kerroin row).
MINIMUM_TWINS = {
    "hip-fractures-elderly": "hip-fractures-65",
    "young-people-excluded": "young-not-in-work-or-education",
}
KERROIN_YEARS = range(2019, 2025)
COUNTIES = [
    "Helsinki", "Itä-Uusimaa", "Keski-Uusimaa", "Länsi-Uusimaa", "Vantaa-Kerava",
    "Varsinais-Suomi", "Satakunta", "Kanta-Häme", "Pirkanmaa", "Päijät-Häme", "Kymenlaakso",
    "Etelä-Karjala", "Etelä-Savo", "Pohjois-Savo", "Pohjois-Karjala", "Keski-Suomi",
    "Etelä-Pohjanmaa", "Pohjanmaa", "Keski-Pohjanmaa", "Pohjois-Pohjanmaa", "Kainuu", "Lappi",
]  # fmt: skip
# Demo parameters of the estimate; each says where such a figure comes from.
DEMO_PARAMETERS = {
    "Pohjois-Karjala": 163_000,
    "Etelä-Savo": 128_000,
}
SOURCES = [
    ("Sotkanet (THL)", "Kuntien ja alueiden hyvinvointi- ja terveystiedot.", "https://sotkanet.fi"),
    ("Kouluterveyskysely (THL)", "Lasten ja nuorten hyvinvointi joka toinen vuosi.", ""),
    ("FinSote / Terveytemme", "Aikuisväestön hyvinvointi ja palvelut.", ""),
    ("TEAviisari", "Kuntien hyte-aktiivisuus.", ""),
    ("Paikalliset rekisterit", "Kuntien ja hyvinvointialueen omat tiedot.", ""),
]


def _regions() -> list[dict]:
    regions = [
        {"id": 1, "code": "1", "category": "MAA", "title": {"fi": "Koko maa", "sv": "Hela landet"}}
    ]
    municipalities = Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY)
    regions.extend(
        {
            "id": 10000 + int(organisation.municipality_number),
            "code": organisation.municipality_number,
            "category": "KUNTA",
            "title": {"fi": organisation.post_office or organisation.name},
        }
        for organisation in municipalities.exclude(municipality_number="")
    )
    return regions


def _values(regions: list[dict]) -> list[dict]:
    rng = random.Random(2024)
    rows = []
    for indicator_id, _name, _theme, base, aggregation in INDICATORS:
        for region in regions:
            population = 80000 if region["category"] == "MAA" else rng.randint(1800, 78000)
            level = base * rng.uniform(0.8, 1.25) if base else rng.uniform(0.6, 1.4)
            for year in YEARS:
                level *= rng.uniform(0.95, 1.06)
                for gender, share in (("total", 1.0), ("female", 0.5), ("male", 0.5)):
                    if aggregation == "sum":
                        count = round(level * population / 1000 * share)
                        rows.append(
                            {
                                "indicator": indicator_id,
                                "region": region["id"],
                                "year": story.year(year),
                                "gender": gender,
                                "value": count,
                                "absValue": count,
                            }
                        )
                    else:
                        rate = round(
                            level
                            * (1.08 if gender == "female" else 0.92 if gender == "male" else 1),
                            1,
                        )
                        absolute = round(rate / 100 * population * share * 0.3)
                        rows.append(
                            {
                                "indicator": indicator_id,
                                "region": region["id"],
                                "year": story.year(year),
                                "gender": gender,
                                "value": rate,
                                "absValue": absolute,
                            }
                        )
    return rows


@transaction.atomic
def load_indicators() -> None:
    if SotkanetIndicator.objects.filter(id__in=[i[0] for i in INDICATORS]).exists():
        return
    regions = _regions()
    importer.import_regions(io.BytesIO(json.dumps(regions).encode()))
    importer.import_indicator_metadata(
        io.BytesIO(
            json.dumps(
                [
                    {"id": i, "title": {"fi": name}, "decimals": 1 if agg == "rate" else 0}
                    for i, name, _t, _b, agg in INDICATORS
                ]
            ).encode()
        )
    )
    SotkanetIndicator.objects.filter(id=900005).update(
        aggregation=SotkanetIndicator.Aggregation.SUM
    )
    run = importer.import_values(
        io.BytesIO(json.dumps(_values(regions)).encode()), "synteettinen-demo.json"
    )
    if run.status != "done":
        raise RuntimeError(run.error)
    for area in Area.objects.all():
        _annex(area)
    _load_kerroin(regions)


def _load_kerroin(municipalities: list[dict]) -> None:
    """Synthetic kerroin indicators for the 22 counties (the demo areas among them, by
    name) and the demo municipalities, imported through the real importer; each demo area
    follows the county HYTE-kerroin set with the app's own service and binds its rows."""
    counties = [
        {"id": 20001 + i, "code": str(i + 1), "category": "HYVINVOINTIALUE", "title": {"fi": n}}
        for i, n in enumerate(COUNTIES)
    ]
    importer.import_regions(io.BytesIO(json.dumps(counties).encode()))
    importer.import_indicator_metadata(
        io.BytesIO(
            json.dumps(
                [
                    {
                        "id": i,
                        "title": {"fi": f"{name}, % (synteettinen)"},
                        "decimals": 2 if base < 5 else 1,
                    }
                    for i, _key, name, base, _good in KERROIN
                ]
            ).encode()
        )
    )
    rng = random.Random(2026)
    rows = []
    for indicator_id, _key, _name, base, good in KERROIN:
        for region in counties + municipalities:
            spread = 0.05 if base > 50 else 0.3  # coverage near 100 % varies little
            level = base * rng.uniform(1 - spread, 1 + spread / 2)
            for year in KERROIN_YEARS:
                # Process work grows slowly everywhere; outcomes wander.
                level *= rng.uniform(1.0, 1.05) if good == "up" else rng.uniform(0.96, 1.04)
                value = round(min(level, 99.9), 2 if base < 5 else 1)
                rows.append(
                    {
                        "indicator": indicator_id,
                        "region": region["id"],
                        "year": story.year(year),
                        "gender": "total",
                        "value": value,
                        "absValue": round(value * 30),
                    }
                )
    run = importer.import_values(io.BytesIO(json.dumps(rows).encode()), "synteettinen-kerroin.json")
    if run.status != "done":
        raise RuntimeError(run.error)
    access = Access(get_user_model().objects.filter(is_superuser=True).first())
    for area in Area.objects.all():
        services.follow_set(access=access, area=area, code=KERROIN_SET)
        # As the administrator does on each row's edit page.
        for indicator_id, key, *_rest in KERROIN:
            followed = FollowedIndicator.objects.get(area=area, set_code=KERROIN_SET, row_key=key)
            followed.sotkanet_id = indicator_id
            followed.save()  # with its history
        # THL's minimum list for the welfare report: two of its rows measure what two
        # kerroin rows measure, so they are bound to the same synthetic twins; the other
        # rows stay unbound, and the report says so.
        services.follow_set(access=access, area=area, code=MINIMUM_SET)
        for row_key, kerroin_key in MINIMUM_TWINS.items():
            twin = FollowedIndicator.objects.get(
                area=area, set_code=KERROIN_SET, row_key=kerroin_key
            )
            followed = FollowedIndicator.objects.get(
                area=area, set_code=MINIMUM_SET, row_key=row_key
            )
            followed.sotkanet_id = twin.sotkanet_id
            followed.save()
        if area.name in DEMO_PARAMETERS:
            KerroinParameters.objects.create(
                area=area,
                year=story.year(2026),
                funding_eur=26_000_000_000,
                population=DEMO_PARAMETERS[area.name],
                national_population=5_640_000,
                source=(
                    "Esittely: pyöristetyt luvut. Hyvinvointialueiden sote-rahoitus on "
                    "valtiovarainministeriön laskelmasta, asukasluvut Tilastokeskukselta "
                    "(edellisen vuoden 31.12.)."
                ),
            )
    _bind_programme(access)


def _bind_programme(access: Access) -> None:
    """North Karelia's programme: the pupils' anxiety indicator takes its values from
    Sotkanet (the synthetic twin), and the lifestyle counselling measure aims at the
    kerroin's counselling indicator, which the programme follows from Sotkanet too."""
    anxiety = Indicator.objects.filter(name="Ahdistuneisuutta kokevat 8.–9.-luokkalaiset").first()
    if anxiety:
        services.bind_programme_indicator(
            access=access, indicator=anxiety, sotkanet=SotkanetIndicator.objects.get(pk=900001)
        )
    measure = Measure.objects.filter(name="Elintapaneuvonta").select_related("goal").first()
    if measure:
        goal: Goal = measure.goal
        counselling = Indicator.objects.create(
            goal=goal,
            name="Diabetesriskissä olevien elintapaneuvonta",
            unit="percent",
            direction="up",
            source="other",
            source_name="Sotkanet (THL)",
        )
        services.bind_programme_indicator(
            access=access, indicator=counselling, sotkanet=SotkanetIndicator.objects.get(pk=900011)
        )
        measure.target_indicator = counselling
        measure.save()


def _annex(area: Area) -> None:
    strategic = Body.objects.filter(area=area, level=Level.STRATEGIC).first()
    decided_in = (
        Meeting.objects.filter(body=strategic, kind="negotiation").order_by("starts_at").first()
    )
    themes = list(area.themes.all())
    sotkanet = None
    for name, description, url in SOURCES:
        source = DataSource.objects.create(
            area=area,
            name=name,
            description=description,
            url=url,
            decided_by=strategic,
            decided_in=decided_in,
            decided_on=decided_in.starts_at.date() if decided_in else story.day(2025, 10, 2),
        )
        sotkanet = sotkanet or source
    for indicator_id, _name, theme_index, _base, _agg in INDICATORS:
        FollowedIndicator.objects.create(
            area=area,
            source=sotkanet,
            sotkanet_id=indicator_id,
            theme=themes[theme_index % len(themes)] if themes else None,
        )
