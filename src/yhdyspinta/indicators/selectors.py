"""Reads of Sotkanet data for the indicator pages. Aggregation happens in SQL, and every
page makes a fixed number of queries whatever the number of values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass

from django.db.models import Count, F, Max, Q, Sum

from yhdyspinta.areas.models import Area
from yhdyspinta.core.charts import Series
from yhdyspinta.core.lookups import AnyOf
from yhdyspinta.parties.models import Organisation

from .models import FollowedIndicator, SotkanetIndicator, SotkanetRegion, SotkanetValue

Points = list[tuple[int, float]]
GENDERS = ("total", "female", "male")


def area_regions(area: Area) -> list[SotkanetRegion]:
    return list(
        SotkanetRegion.objects.filter(organisation__area=area, category=SotkanetRegion.MUNICIPALITY)
        .select_related("organisation__sub_region")
        .order_by("organisation__name")
    )


def sub_region_of(region: SotkanetRegion) -> int | None:
    """The sub-region of a municipality's region (area_regions reads them with it)."""
    return region.organisation.sub_region_id if region.organisation is not None else None


def county_region(area: Area) -> SotkanetRegion | None:
    """The wellbeing services county in the Sotkanet data that is this area (mapped by
    name on import, or chosen by the area: services.choose_area_region)."""
    return SotkanetRegion.objects.filter(area=area, category=SotkanetRegion.COUNTY).first()


def country_region() -> SotkanetRegion | None:
    return SotkanetRegion.objects.filter(category=SotkanetRegion.COUNTRY).first()


def _series(indicator: SotkanetIndicator, region_id: int, gender: str) -> Points:
    return series_of([indicator.pk], [region_id], [gender]).get(
        (indicator.pk, region_id, gender), []
    )


def series_of(
    indicator_ids: Collection[int], region_ids: Collection[int], genders: Collection[str]
) -> dict[tuple[int, int, str], Points]:
    """The values of these indicators in these regions, by (indicator, region, gender),
    each series in year order: one query for a whole table of indicators."""
    found: dict[tuple[int, int, str], Points] = defaultdict(list)
    rows = (
        SotkanetValue.objects.filter(
            AnyOf(F("indicator_id"), list(indicator_ids)),
            AnyOf(F("region_id"), list(region_ids)),
            gender__in=list(genders),
        )
        .order_by("year")
        .values_list("indicator_id", "region_id", "gender", "year", "value")
    )
    for indicator_id, region_id, gender, year, value in rows:
        if value is not None:  # a year without a value is no point of the line
            found[(indicator_id, region_id, gender)].append((year, value))
    return dict(found)


def computed_series(
    indicator: SotkanetIndicator, region_ids: list[int], gender: str
) -> tuple[Points, bool]:
    """A sub-region's or area's values from its municipalities' absolute values: a sum
    for counts, weighted by the implied denominators (absValue / value) for rates.
    Returns the series and whether some municipality was missing in some year."""
    return computed_of([indicator], region_ids, [gender]).get((indicator.pk, gender), ([], False))


def computed_of(
    indicators: Collection[SotkanetIndicator], region_ids: list[int], genders: Collection[str]
) -> dict[tuple[int, str], tuple[Points, bool]]:
    """computed_series for several indicators and genders in one query, by (indicator,
    gender); an indicator that is not aggregated, or a gender without values, is absent."""
    aggregated = {
        i.pk: i for i in indicators if i.aggregation != SotkanetIndicator.Aggregation.NONE
    }
    if not aggregated or not region_ids:
        return {}
    rows = (
        SotkanetValue.objects.filter(
            AnyOf(F("indicator_id"), list(aggregated)),
            AnyOf(F("region_id"), list(region_ids)),
            gender__in=list(genders),
            abs_value__isnull=False,
            value__gt=0,
        )
        .values("indicator_id", "gender", "year")
        .annotate(
            total=Sum("abs_value"),
            denominator=Sum(F("abs_value") / F("value")),
            n=Count("region_id"),
        )
        .order_by("year")
    )
    found: dict[tuple[int, str], tuple[Points, bool]] = {}
    for row in rows:
        indicator = aggregated[row["indicator_id"]]
        if indicator.aggregation == SotkanetIndicator.Aggregation.SUM:
            value = row["total"]
        elif row["denominator"]:
            value = round(row["total"] / row["denominator"], indicator.decimals)
        else:
            continue
        key = (indicator.pk, row["gender"])
        points, partial = found.get(key, ([], False))
        points.append((row["year"], value))
        found[key] = (points, partial or row["n"] < len(region_ids))
    return found


def area_series(
    indicator: SotkanetIndicator, area: Area, gender: str, regions: list[SotkanetRegion]
) -> tuple[Points, bool, bool]:
    """The area's own series where the data has it, otherwise computed from its
    municipalities' (`regions`). Returns the series, whether it is computed, and whether
    some municipality was missing from the computation."""
    county = county_region(area)
    return _own_or_computed(
        _series(indicator, county.pk, gender) if county else [],
        lambda: computed_series(indicator, [r.pk for r in regions], gender),
    )


def _own_or_computed(
    own: Points, computed: Callable[[], tuple[Points, bool]]
) -> tuple[Points, bool, bool]:
    """The county's own series where the data has it, else the computed one (asked for
    only then): the series, whether it is computed, and whether it is partial."""
    if own:
        return own, False, False
    points, partial = computed()
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
    if municipality.sub_region is not None:
        ids = [r.pk for r in regions if sub_region_of(r) == municipality.sub_region_id]
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
    return [g for g in GENDERS if g in found]


def comparison(
    indicator: SotkanetIndicator, area: Area, year: int | None
) -> tuple[int | None, list[tuple[str, float]]]:
    """The area's municipalities in one year, largest first."""
    regions = area_regions(area)
    ids = [r.pk for r in regions]
    values = SotkanetValue.objects.filter(indicator=indicator, region_id__in=ids, gender="total")
    if year is None:
        year = values.aggregate(latest=Max("year"))["latest"]
    names = {r.pk: r.organisation.name for r in regions if r.organisation is not None}
    rows = values.filter(year=year).values_list("region_id", "value")
    items = sorted(
        ((names[r], v) for r, v in rows if v is not None and r in names), key=lambda item: -item[1]
    )
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
    latest: dict[int | None, int] = dict(
        SotkanetValue.objects.filter(indicator_id__in=indicator_ids, region_id=own, gender="total")
        .values("indicator_id")
        .annotate(year=Max("year"))
        .values_list("indicator_id", "year")
    )
    wanted = Q()
    for indicator_id, year in latest.items():
        wanted |= Q(indicator_id=indicator_id, year__in=[year, year - 1])
    # (indicator, year) → region → value; keys as the followed rows give them (None: none).
    values: dict[tuple[int | None, int | None], dict[int | None, float | None]]
    values = defaultdict(dict)
    if latest:
        for indicator_id, region_id, year, value in SotkanetValue.objects.filter(
            wanted, region_id__in=ids, gender="total"
        ).values_list("indicator_id", "region_id", "year", "value"):
            values[(indicator_id, year)][region_id] = value
    rows = []
    for item in followed:
        latest_year = latest.get(item.sotkanet_id)
        current = values.get((item.sotkanet_id, latest_year), {})
        value = current.get(own)
        ranking = sorted((v for v in current.values() if v is not None), reverse=True)
        rows.append(
            ProfileRow(
                followed=item,
                year=latest_year,
                value=value,
                previous=values.get((item.sotkanet_id, (latest_year or 0) - 1), {}).get(own),
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
) -> list[LevelRow]:
    """The area's followed Sotkanet indicators for a report, each in its latest year up
    to `until` (a fixed number of queries, whatever the number of indicators), in the
    order of their sets."""
    regions = area_regions(area)
    own_region = (
        next((r for r in regions if r.organisation_id == municipality.pk), None)
        if municipality
        else None
    )
    country = country_region()
    sub_ids = (
        [r.pk for r in regions if sub_region_of(r) == municipality.sub_region_id]
        if municipality and municipality.sub_region_id
        else []
    )
    followed = FollowedIndicator.objects.filter(area=area, sotkanet__isnull=False).select_related(
        "sotkanet"
    )
    items = [item for item in followed.order_by("set_code", "pk") if item.sotkanet is not None]
    indicators = [item.sotkanet for item in items if item.sotkanet is not None]
    county = county_region(area)
    # Three queries for the whole table, whatever the number of indicators: the series
    # of the municipality, the county and the country as the data has them; the
    # sub-region's and the area's computed from the municipalities.
    given = series_of(
        [i.pk for i in indicators],
        [r.pk for r in (own_region, county, country) if r],
        GENDERS,
    )
    sub_computed = computed_of(indicators, sub_ids, ["total"])
    area_computed = computed_of(indicators, [r.pk for r in regions], GENDERS)

    def area_points(indicator: SotkanetIndicator, gender: str) -> tuple[Points, bool]:
        """As area_series, from the values read above."""
        points, is_computed, _partial = _own_or_computed(
            given.get((indicator.pk, county.pk, gender), []) if county else [],
            lambda: area_computed.get((indicator.pk, gender), ([], False)),
        )
        return points, is_computed

    rows = []
    for item, indicator in zip(items, indicators, strict=True):
        computed: set[str] = set()
        series: dict[str, Points] = {}
        if own_region:
            series["municipality"] = given.get((indicator.pk, own_region.pk, "total"), [])
        if sub_ids:
            series["sub_region"] = sub_computed.get((indicator.pk, "total"), ([], False))[0]
            computed.add("sub_region")
        series["area"], is_computed = area_points(indicator, "total")
        if is_computed:
            computed.add("area")
        series["country"] = given.get((indicator.pk, country.pk, "total"), []) if country else []
        own = "municipality" if municipality else "area"
        latest = max(
            (y for y, _v in series.get(own, []) if until is None or y <= until), default=None
        )
        if own_region:
            women = _at(given.get((indicator.pk, own_region.pk, "female"), []), latest)
            men = _at(given.get((indicator.pk, own_region.pk, "male"), []), latest)
        else:
            women = _at(area_points(indicator, "female")[0], latest)
            men = _at(area_points(indicator, "male")[0], latest)
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


def sotkanet_search(q: str, limit: int = 50) -> list[SotkanetIndicator]:
    """Sotkanet's indicators whose name has `q` in it, or whose number it is."""
    q = q.strip()
    if not q:
        return []
    by_name = Q(title__icontains=q)
    return list(
        SotkanetIndicator.objects.filter(
            by_name | Q(id=int(q)) if q.isdigit() else by_name
        ).order_by("id")[:limit]
    )
