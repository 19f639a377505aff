"""The HYTE-kerroin cockpit: for the county (among all wellbeing services counties in the
data) or one municipality (among all municipalities), each indicator of the kerroin sets
the area follows: its latest value and trend, its rank, the distance to the best
quartile, and the programme's measures aimed at it; the weakest first. Then an estimate
of the kerroin on the 0–100 scale and of the euro effect of one point.

The estimate ("arvio"): each indicator is scaled 0–100 among the peers (the worst 0, the
best 100, by the row's direction of good), the process and the outcome indicators are
averaged, and the two parts weighted by the area's parameters (KerroinParameters, with
their source). THL computes the official kerroin; its public description does not give
one exact rule for all of it, so the page names this an estimate and its source.

Reads make a fixed number of queries however many values the country has."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from yhdyspinta.areas.models import Area
from yhdyspinta.parties.models import Organisation
from yhdyspinta.programme.models import Measure

from . import selectors, sets
from .models import FollowedIndicator, KerroinParameters, SotkanetRegion, SotkanetValue


@dataclass
class Row:
    followed: FollowedIndicator
    row: sets.SetRow
    year: int | None = None
    value: float | None = None
    previous: float | None = None
    rank: int | None = None
    of: int = 0
    best_quartile: float | None = None
    distance: float | None = None
    score: float | None = None
    missing: str = ""
    measures: list = field(default_factory=list)

    @property
    def trend(self) -> str:
        """'better', 'worse' or 'same' against the year before, by the direction of good."""
        if self.value is None or self.previous is None:
            return ""
        if self.value == self.previous:
            return "same"
        rising = self.value > self.previous
        return "better" if rising == (self.row.good == "up") else "worse"

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 2)


@dataclass
class Estimate:
    kerroin: float | None
    process: float | None
    outcome: float | None
    rank: int | None
    of: int
    peers_mean: float | None
    euro_per_point: float | None
    parameters: KerroinParameters | None
    missing: str = ""


@dataclass
class Cockpit:
    region: SotkanetRegion | None
    peers: str
    rows: list[Row]
    estimate: Estimate
    indicator_sets: list[sets.IndicatorSet]
    synthetic: bool
    # False when a municipality's page reads the county kerroin's indicators, because the
    # area follows no set of the municipal kerroin (the page then says so).
    own_sets: bool = True


def score(value: float, values: list[float], good: str) -> float:
    """0 for the worst of the peers, 100 for the best (50 when all are equal)."""
    low, high = min(values), max(values)
    if high == low:
        return 50.0
    share = (value - low) / (high - low)
    return round(100 * (share if good == "up" else 1 - share), 1)


def rank_of(value: float, values: list[float], good: str) -> int:
    """1 for the best; equal values share their rank."""
    better = [v for v in values if (v > value if good == "up" else v < value)]
    return len(better) + 1


def best_quartile(values: list[float], good: str) -> float:
    """The value a region must reach to be in the best quarter of its peers."""
    if len(values) < 2:
        return values[0]
    q1, _q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q3 if good == "up" else q1


def distance_to(value: float, threshold: float, good: str) -> float:
    """How much the value must still change to reach the threshold (0 when it has)."""
    gap = threshold - value if good == "up" else value - threshold
    return round(max(0.0, gap), 2)


def kerroin_sets(level: str = "area") -> list[sets.IndicatorSet]:
    """The kerroin sets of a level: the county's ("area") or the municipal one."""
    return [s for s in sets.all_sets() if s.kerroin and s.level == level]


def sets_for(area: Area, municipality: Organisation | None) -> tuple[list, bool]:
    """The kerroin sets a cockpit reads, and whether they are the subject's own: for a
    municipality the municipal kerroin's sets the area follows, else the county's."""
    if municipality:
        own = kerroin_sets("municipality")
        followed = set(
            FollowedIndicator.objects.filter(
                area=area, set_code__in=[s.code for s in own]
            ).values_list("set_code", flat=True)
        )
        if followed:
            return [s for s in own if s.code in followed], True
        return kerroin_sets(), False
    return kerroin_sets(), True


def cockpit(area: Area, municipality: Organisation | None = None, year: int | None = None):
    chosen, own_sets = sets_for(area, municipality)
    codes = [s.code for s in chosen]
    followed = list(
        FollowedIndicator.objects.filter(area=area, set_code__in=codes)
        .select_related("sotkanet")
        .order_by("pk")
    )
    if municipality:
        category = SotkanetRegion.MUNICIPALITY
        region = SotkanetRegion.objects.filter(organisation=municipality, category=category).first()
    else:
        category = SotkanetRegion.COUNTY
        region = selectors.county_region(area)
    peer_ids = list(SotkanetRegion.objects.filter(category=category).values_list("pk", flat=True))
    bound = [f.sotkanet_id for f in followed if f.sotkanet_id]
    latest = {}
    if region and bound:
        latest = dict(
            SotkanetValue.objects.filter(
                indicator_id__in=bound, region=region, gender="total", value__isnull=False
            )
            .values("indicator_id")
            .annotate(year=Max("year"))
            .values_list("indicator_id", "year")
        )
        if year:
            latest = {k: min(v, year) for k, v in latest.items()}
    values: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    if latest:
        years = {y for latest_year in latest.values() for y in (latest_year, latest_year - 1)}
        for indicator_id, region_id, value_year, value in SotkanetValue.objects.filter(
            indicator_id__in=list(latest),
            region_id__in=peer_ids,
            gender="total",
            year__in=sorted(years),
            value__isnull=False,
        ).values_list("indicator_id", "region_id", "year", "value"):
            values[(indicator_id, value_year)][region_id] = value
    measures = defaultdict(list)
    for measure in (
        Measure.objects.filter(
            goal__priority__programme__area=area, target_indicator__sotkanet_id__in=bound
        )
        .select_related("target_indicator", "lead", "goal__priority__programme")
        .order_by("goal__priority__programme", "name")
    ):
        measures[measure.target_indicator.sotkanet_id].append(measure)

    rows: list[Row] = []
    peer_scores: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for item in followed:
        indicator_set = sets.by_code(item.set_code)
        set_row = indicator_set.row(item.row_key) if indicator_set else None
        if set_row is None:
            continue  # a row a later version of the set no longer has
        row = Row(followed=item, row=set_row, measures=measures.get(item.sotkanet_id, []))
        rows.append(row)
        if not item.sotkanet_id:
            row.missing = (
                _("Not bound to a Sotkanet indicator: the set file could not confirm its id.")
                if set_row.id_status != "confirmed"
                else _("Its Sotkanet indicator has not been imported.")
            )
            continue
        if region is None:
            row.missing = _("The region is not in the imported Sotkanet regions.")
            continue
        row.year = latest.get(item.sotkanet_id)
        if row.year is None:
            row.missing = _("No value for this region in the imported data.")
            continue
        current = values.get((item.sotkanet_id, row.year), {})
        row.value = current.get(region.pk)
        row.previous = values.get((item.sotkanet_id, row.year - 1), {}).get(region.pk)
        if row.value is None:
            row.missing = _("No value for %(year)s.") % {"year": row.year}
            continue
        peers = list(current.values())
        row.of = len(peers)
        row.rank = rank_of(row.value, peers, set_row.good)
        row.best_quartile = round(best_quartile(peers, set_row.good), 2)
        row.distance = distance_to(row.value, row.best_quartile, set_row.good)
        row.score = score(row.value, peers, set_row.good)
        for peer, value in current.items():
            peer_scores[peer][set_row.kind].append(score(value, peers, set_row.good))
    rows.sort(key=lambda r: (r.score is None, r.score if r.score is not None else 0))

    parameters = (
        KerroinParameters.objects.filter(area=area)
        .filter(**({"year__lte": year} if year else {}))
        .order_by("-year")
        .first()
    )
    estimate = _estimate(rows, peer_scores, parameters, municipality is None, chosen)
    synthetic = any(r.followed.sotkanet and r.followed.sotkanet.is_synthetic for r in rows)
    return Cockpit(
        region=region,
        # "among all …": Finnish wants the genitive plural here.
        peers=pgettext("among all", "wellbeing services counties")
        if not municipality
        else pgettext("among all", "municipalities"),
        rows=rows,
        estimate=estimate,
        indicator_sets=chosen,
        synthetic=synthetic,
        own_sets=own_sets,
    )


def _weights(parameters: KerroinParameters | None, defaults: dict) -> tuple[float, float]:
    if parameters:
        return float(parameters.process_weight), float(parameters.outcome_weight)
    return float(defaults.get("process_weight", 0.5)), float(defaults.get("outcome_weight", 0.5))


def combine(process: list[float], outcome: list[float], weights: tuple[float, float]):
    """The weighted mean of the two parts' means; None when a part has no indicator."""
    if not process or not outcome or sum(weights) <= 0:
        return None, None, None
    p, o = statistics.fmean(process), statistics.fmean(outcome)
    total = (weights[0] * p + weights[1] * o) / (weights[0] + weights[1])
    return round(total, 1), round(p, 1), round(o, 1)


def _estimate(rows, peer_scores, parameters, whole_area: bool, chosen) -> Estimate:
    defaults = chosen[0].parameters if chosen else {}
    weights = _weights(parameters, defaults)
    own = [r for r in rows if r.score is not None]
    kerroin, process, outcome = combine(
        [r.score for r in own if r.row.kind == "process"],
        [r.score for r in own if r.row.kind == "outcome"],
        weights,
    )
    empty = Estimate(None, process, outcome, None, 0, None, None, parameters)
    if kerroin is None:
        empty.missing = _(
            "The estimate needs at least one process and one outcome indicator with a value."
        )
        return empty
    # Peers with values for the same indicators are compared on the same footing.
    wanted = {(r.row.kind) for r in own}
    peers = []
    for parts in peer_scores.values():
        total, _p, _o = combine(parts.get("process", []), parts.get("outcome", []), weights)
        if total is not None and wanted <= set(parts):
            peers.append(total)
    peers_mean = round(statistics.fmean(peers), 1) if peers else None
    euro = None
    if (
        whole_area
        and parameters
        and parameters.funding_eur
        and parameters.population
        and parameters.national_population
        and peers_mean
    ):
        pool = Decimal(parameters.funding_eur) * parameters.hyte_share_percent / 100
        # The hyte share is divided by population weighted by the kerroin: one point more
        # moves about pool × population / (all counties' population × the mean kerroin).
        euro = round(
            float(pool) * parameters.population / (parameters.national_population * peers_mean)
        )
    return Estimate(
        kerroin=kerroin,
        process=process,
        outcome=outcome,
        rank=rank_of(kerroin, peers, "up") if peers else None,
        of=len(peers),
        peers_mean=peers_mean,
        euro_per_point=euro,
        parameters=parameters,
    )
