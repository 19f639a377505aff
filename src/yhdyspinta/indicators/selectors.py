"""Reads of Sotkanet data for the indicator pages. Aggregation happens in SQL, and every
page makes a fixed number of queries whatever the number of values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, Sum

from yhdyspinta.areas.models import Area
from yhdyspinta.charts import Series
from yhdyspinta.parties.models import Organisation

from .models import FollowedIndicator, SotkanetIndicator, SotkanetRegion, SotkanetValue

Points = list[tuple[int, float]]


def area_regions(area: Area) -> list[SotkanetRegion]:
    return list(
        SotkanetRegion.objects.filter(organisation__area=area, category=SotkanetRegion.MUNICIPALITY)
        .select_related("organisation__sub_region")
        .order_by("organisation__name")
    )


def county_region(area: Area) -> SotkanetRegion | None:
    """The wellbeing services county in the Sotkanet data that is this area (mapped by
    name on import, or chosen by the area: services.choose_area_region)."""
    return SotkanetRegion.objects.filter(area=area, category=SotkanetRegion.COUNTY).first()


def country_region() -> SotkanetRegion | None:
    return SotkanetRegion.objects.filter(category=SotkanetRegion.COUNTRY).first()


def _series(indicator: SotkanetIndicator, region_id: int, gender: str) -> Points:
    return list(
        SotkanetValue.objects.filter(indicator=indicator, region_id=region_id, gender=gender)
        .order_by("year")
        .values_list("year", "value")
    )


def computed_series(
    indicator: SotkanetIndicator, region_ids: list[int], gender: str
) -> tuple[Points, bool]:
    """A sub-region's or area's values from its municipalities' absolute values: a sum
    for counts, weighted by the implied denominators (absValue / value) for rates.
    Returns the series and whether some municipality was missing in some year."""
    if indicator.aggregation == SotkanetIndicator.Aggregation.NONE or not region_ids:
        return [], False
    rows = (
        SotkanetValue.objects.filter(
            indicator=indicator,
            region_id__in=region_ids,
            gender=gender,
            abs_value__isnull=False,
            value__gt=0,
        )
        .values("year")
        .annotate(
            total=Sum("abs_value"),
            denominator=Sum(F("abs_value") / F("value")),
            n=Count("region_id"),
        )
        .order_by("year")
    )
    series, partial = [], False
    for row in rows:
        if indicator.aggregation == SotkanetIndicator.Aggregation.SUM:
            value = row["total"]
        elif row["denominator"]:
            value = round(row["total"] / row["denominator"], indicator.decimals)
        else:
            continue
        partial = partial or row["n"] < len(region_ids)
        series.append((row["year"], value))
    return series, partial


def area_series(
    indicator: SotkanetIndicator, area: Area, gender: str, regions: list[SotkanetRegion]
) -> tuple[Points, bool]:
    """The area's own series where the data has it, otherwise computed from its
    municipalities' (`regions`). Returns the series, whether it is computed, and whether
    some municipality was missing from the computation."""
    county = county_region(area)
    points = _series(indicator, county.pk, gender) if county else []
    if points:
        return points, False, False
    points, partial = computed_series(indicator, [r.pk for r in regions], gender)
    return points, True, partial


def indicator_lines(
    indicator: SotkanetIndicator, area: Area, municipality: Organisation, gender: str
) -> list[Series]:
    """The municipality against its sub-region, the whole area and the whole country."""
    regions = area_regions(area)
    own = next((r for r in regions if r.organisation_id == municipality.pk), None)
    lines = []
    if own:
        lines.append(Series(municipality.name, _series(indicator, own.pk, gender)))
    if municipality.sub_region_id:
        ids = [r.pk for r in regions if r.organisation.sub_region_id == municipality.sub_region_id]
        points, partial = computed_series(indicator, ids, gender)
        lines.append(Series(municipality.sub_region.name, points, computed=True, partial=partial))
    points, computed, partial = area_series(indicator, area, gender, regions)
    lines.append(Series(area.name, points, computed=computed, partial=partial))
    country = country_region()
    if country:
        lines.append(Series(country.title, _series(indicator, country.pk, gender)))
    return [line for line in lines if line.points]


def genders_of(indicator: SotkanetIndicator, region_ids: list[int]) -> list[str]:
    found = set(
        SotkanetValue.objects.filter(indicator=indicator, region_id__in=region_ids)
        .values_list("gender", flat=True)
        .distinct()
    )
    return [g for g in ("total", "female", "male") if g in found]


def comparison(
    indicator: SotkanetIndicator, area: Area, year: int | None
) -> tuple[int | None, list[tuple[str, float]]]:
    """The area's municipalities in one year, largest first."""
    regions = area_regions(area)
    ids = [r.pk for r in regions]
    values = SotkanetValue.objects.filter(indicator=indicator, region_id__in=ids, gender="total")
    if year is None:
        year = values.aggregate(latest=Max("year"))["latest"]
    names = {r.pk: r.organisation.name for r in regions}
    rows = values.filter(year=year).values_list("region_id", "value")
    items = sorted(((names[r], v) for r, v in rows if v is not None), key=lambda item: -item[1])
    return year, items


@dataclass
class ProfileRow:
    followed: FollowedIndicator
    year: int | None
    value: float | None
    previous: float | None
    rank: int | None
    of: int

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 1)


def municipality_profile(area: Area, municipality: Organisation) -> list[ProfileRow]:
    """The area's agreed indicator set for one municipality: the latest value, its change
    from the year before, and its place among the area's municipalities."""
    followed = list(
        FollowedIndicator.objects.filter(area=area, sotkanet__isnull=False).select_related(
            "sotkanet", "theme", "source"
        )
    )
    regions = area_regions(area)
    ids = [r.pk for r in regions]
    own = next((r.pk for r in regions if r.organisation_id == municipality.pk), None)
    indicator_ids = [f.sotkanet_id for f in followed]
    latest = dict(
        SotkanetValue.objects.filter(indicator_id__in=indicator_ids, region_id=own, gender="total")
        .values("indicator_id")
        .annotate(year=Max("year"))
        .values_list("indicator_id", "year")
    )
    wanted = Q()
    for indicator_id, year in latest.items():
        wanted |= Q(indicator_id=indicator_id, year__in=[year, year - 1])
    values = defaultdict(dict)
    if latest:
        for indicator_id, region_id, year, value in SotkanetValue.objects.filter(
            wanted, region_id__in=ids, gender="total"
        ).values_list("indicator_id", "region_id", "year", "value"):
            values[(indicator_id, year)][region_id] = value
    rows = []
    for item in followed:
        year = latest.get(item.sotkanet_id)
        current = values.get((item.sotkanet_id, year), {})
        value = current.get(own)
        ranking = sorted((v for v in current.values() if v is not None), reverse=True)
        rows.append(
            ProfileRow(
                followed=item,
                year=year,
                value=value,
                previous=values.get((item.sotkanet_id, (year or 0) - 1), {}).get(own),
                rank=ranking.index(value) + 1 if value is not None else None,
                of=len(ranking),
            )
        )
    return rows


@dataclass
class LevelRow:
    """One indicator in the welfare report's table: its latest year, the value at each
    level (the municipality, its sub-region, the area, the country; None where the data
    has none), women's and men's values at the report's own level where the data has them,
    and which levels are computed from the municipalities."""

    followed: FollowedIndicator
    year: int | None
    levels: dict[str, float | None]
    women: float | None
    men: float | None
    computed: set[str]


def _at(points: Points, year: int | None) -> float | None:
    return dict(points).get(year) if year is not None else None


def level_table(
    area: Area,
    municipality: Organisation | None = None,
    until: int | None = None,
    *,
    only_sets: Collection[str] | None = None,
    without_sets: Collection[str] = (),
) -> list[LevelRow]:
    """The area's followed Sotkanet indicators for a report, each in its latest year up
    to `until` (made on the worker: a few queries an indicator); `only_sets` keeps the
    rows of those indicator sets, `without_sets` leaves theirs out."""
    regions = area_regions(area)
    own_region = (
        next((r for r in regions if r.organisation_id == municipality.pk), None)
        if municipality
        else None
    )
    country = country_region()
    sub_ids = (
        [r.pk for r in regions if r.organisation.sub_region_id == municipality.sub_region_id]
        if municipality and municipality.sub_region_id
        else []
    )
    rows = []
    followed = FollowedIndicator.objects.filter(area=area, sotkanet__isnull=False).select_related(
        "sotkanet"
    )
    if only_sets is not None:
        followed = followed.filter(set_code__in=list(only_sets))
    if without_sets:
        followed = followed.exclude(set_code__in=list(without_sets))
    for item in followed.order_by("set_code", "pk"):
        indicator = item.sotkanet
        computed: set[str] = set()
        series: dict[str, Points] = {}
        if own_region:
            series["municipality"] = _series(indicator, own_region.pk, "total")
        if sub_ids:
            series["sub_region"], _partial = computed_series(indicator, sub_ids, "total")
            computed.add("sub_region")
        series["area"], area_computed, _partial = area_series(indicator, area, "total", regions)
        if area_computed:
            computed.add("area")
        series["country"] = _series(indicator, country.pk, "total") if country else []
        own = "municipality" if municipality else "area"
        latest = max(
            (y for y, _v in series.get(own, []) if until is None or y <= until), default=None
        )
        if own_region:
            women = _at(_series(indicator, own_region.pk, "female"), latest)
            men = _at(_series(indicator, own_region.pk, "male"), latest)
        else:
            women = _at(area_series(indicator, area, "female", regions)[0], latest)
            men = _at(area_series(indicator, area, "male", regions)[0], latest)
        rows.append(
            LevelRow(
                followed=item,
                year=latest,
                levels={level: _at(points, latest) for level, points in series.items()},
                women=women,
                men=men,
                computed=computed,
            )
        )
    return rows
