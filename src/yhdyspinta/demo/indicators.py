"""A small, synthetic but Sotkanet-shaped data set for the demo areas, imported through
the real importer. Every indicator name says it is synthetic; nothing here is THL data."""

from __future__ import annotations

import io
import json
import random
from datetime import date

from django.db import transaction

from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body, Level
from yhdyspinta.indicators import importer
from yhdyspinta.indicators.models import DataSource, FollowedIndicator, SotkanetIndicator
from yhdyspinta.meetings.models import Meeting
from yhdyspinta.parties.models import Organisation, OrganisationKind

# id, name, theme index, base rate, aggregation
INDICATORS = [
    (900001, "Ahdistuneisuutta kokevat 8.–9.-luokkalaiset, % (synteettinen)", 1, 14.0, "rate"),
    (900002, "Yksinäisyyttä kokevat nuoret, % (synteettinen)", 1, 11.0, "rate"),
    (900003, "Vapaa-ajallaan liikkuvat nuoret, % (synteettinen)", 0, 38.0, "rate"),
    (900004, "Työttömät, % työvoimasta (synteettinen)", 3, 11.0, "rate"),
    (900005, "Lähisuhdeväkivallasta tehdyt ilmoitukset (synteettinen)", 4, 0.0, "sum"),
]
YEARS = range(2017, 2025)
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
    for organisation in Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).exclude(
        municipality_number=""
    ):
        regions.append(
            {
                "id": 10000 + int(organisation.municipality_number),
                "code": organisation.municipality_number,
                "category": "KUNTA",
                "title": {"fi": organisation.post_office or organisation.name},
            }
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
                                "year": year,
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
                                "year": year,
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
            decided_on=decided_in.starts_at.date() if decided_in else date(2025, 10, 2),
        )
        sotkanet = sotkanet or source
    for indicator_id, _name, theme_index, _base, _agg in INDICATORS:
        FollowedIndicator.objects.create(
            area=area,
            source=sotkanet,
            sotkanet_id=indicator_id,
            theme=themes[theme_index % len(themes)] if themes else None,
        )
