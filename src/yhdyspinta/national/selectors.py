"""The national picture: for every area of the installation, the year's statutory picture
as the area's public obligations page shows it (612/2021 §7 and §6, 611/2021 §14), its
bodies by level and its HYTE-kerroin position where the data is there.

Each area's row is computed by the obligations engine for the public and kept in the
cache under that area's version of the public pages (web.public_cache), so a write in
one area makes only that area's row anew; the page and the API read the rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from yhdyspinta.accounts.visibility import PUBLIC
from yhdyspinta.areas import national
from yhdyspinta.areas.models import Area
from yhdyspinta.bodies.models import Body, Level
from yhdyspinta.bodies.selectors import working
from yhdyspinta.indicators.cockpit import cockpit
from yhdyspinta.obligations import engine
from yhdyspinta.obligations.models import Rule
from yhdyspinta.web import public_cache

__all__ = ["SORTS", "AreaRow", "left_out", "rows", "sort"]


@dataclass(frozen=True)
class AreaRow:
    """One area's year, in numbers and status codes (the words are the page's)."""

    slug: str
    name: str
    county_code: str
    year: int
    term: str  # the council term 611/2021 §14 is judged over, e.g. "2025–2029"
    negotiation_status: str  # §7: engine status (met, pending, due, at_risk, not_met)
    negotiation_on: date | None  # the day of the negotiation that meets §7
    municipalities: int
    municipalities_met: int  # §6 met
    term_met: int  # §14 met over the term
    term_judged: int  # municipalities §14 is judged for (0 without a term)
    bodies: dict[str, int] = field(default_factory=dict)  # by level
    kerroin: float | None = None
    kerroin_rank: int | None = None
    kerroin_of: int = 0

    @property
    def county(self) -> str:
        county = national.area(self.county_code) if self.county_code else None
        return county.name if county else ""

    @property
    def negotiation_label(self) -> str:
        return str(engine.STATUS_LABELS[self.negotiation_status])

    @property
    def negotiation_symbol(self) -> str:
        return engine.SYMBOLS[self.negotiation_status]

    @property
    def municipalities_share(self) -> int | None:
        """§6: the share of the area's municipalities that meet it, in per cent."""
        if not self.municipalities:
            return None
        return round(100 * self.municipalities_met / self.municipalities)

    @property
    def term_share(self) -> int | None:
        if not self.term_judged:
            return None
        return round(100 * self.term_met / self.term_judged)

    @property
    def bodies_total(self) -> int:
        return sum(self.bodies.values())

    def bodies_by_level(self) -> list[tuple[str, int]]:
        return [(level, self.bodies.get(level, 0)) for level in Level.order()]


def _row(area: Area, year: int, today: date) -> AreaRow:
    report = engine.evaluate(area=area, year=year, today=today, audience=PUBLIC)
    negotiation = report.area_results[0]
    on = min((e.meeting.starts_at for e in negotiation.evidence), default=None)
    sixes = [by_rule.get(Rule.MUNICIPALITY_612_6) for _m, by_rule in report.municipality_rows]
    terms = [
        by_rule[Rule.TERM_611_14]
        for _m, by_rule in report.municipality_rows
        if Rule.TERM_611_14 in by_rule
    ]
    # The bodies working on the day (the year's last, for a year that is over).
    on_day = min(today, date(year, 12, 31))
    bodies = {
        b["level"]: b["n"]
        for b in Body.objects.filter(working(on_day), area=area)
        .order_by()
        .values("level")
        .annotate(n=Count("pk"))
    }
    estimate = cockpit(area).estimate
    return AreaRow(
        slug=area.slug,
        name=area.name,
        county_code=area.national_code,
        year=year,
        term=(
            f"{report.term.starts_on.year}–{report.term.ends_on.year}"
            if report.term and report.term.ends_on
            else ""
        ),
        negotiation_status=negotiation.status,
        negotiation_on=timezone.localtime(on).date() if on else None,
        municipalities=len(sixes),
        municipalities_met=sum(1 for r in sixes if r is not None and r.status == engine.MET),
        term_met=sum(1 for r in terms if r.status == engine.MET),
        term_judged=len(terms),
        bodies=bodies,
        kerroin=estimate.kerroin,
        kerroin_rank=estimate.rank,
        kerroin_of=estimate.of,
    )


# A row's key names the day, so a row is not read after it; it expires soon after.
ROW_SECONDS = 24 * 3600


def _key(area: Area, year: int, today: date, version: str) -> str:
    return f"national-row:{version}:{area.slug}:{year}:{today.isoformat()}"


def rows(year: int, today: date | None = None) -> list[AreaRow]:
    """Every area's row that is in the national view, by name. A row is read from the
    cache while its area's public pages are of the same version, else made anew."""
    today = today or timezone.localdate()
    areas = list(Area.objects.filter(in_national_view=True).order_by("name"))
    known = public_cache.versions([a.slug for a in areas])
    keys = {
        a.slug: _key(a, year, today, version) if (version := known[a.slug]) else None for a in areas
    }
    kept = cache.get_many([k for k in keys.values() if k])
    result = []
    for area in areas:
        key = keys[area.slug]
        row = kept.get(key) if key else None
        if row is None:
            row = _row(area, year, today)
            if key:
                cache.set(key, row, ROW_SECONDS)
        result.append(row)
    return result


def left_out() -> list[str]:
    """The names of the areas that have chosen to leave the national view."""
    return list(
        Area.objects.filter(in_national_view=False).order_by("name").values_list("name", flat=True)
    )


# From the worst to the best.
NEGOTIATION_ORDER = [engine.NOT_MET, engine.AT_RISK, engine.DUE, engine.PENDING, engine.MET]

# The sortable columns: each row's value, None where the area has none.
SORTS: dict[str, Callable[[AreaRow], object]] = {
    "name": lambda r: r.name.lower(),
    "negotiation": lambda r: NEGOTIATION_ORDER.index(r.negotiation_status),
    "municipalities": lambda r: r.municipalities_share,
    "term": lambda r: r.term_share,
    "bodies": lambda r: r.bodies_total,
    "kerroin": lambda r: r.kerroin,
}


def sort(found: list[AreaRow], by: str, descending: bool = False) -> list[AreaRow]:
    """The rows by a column; the rows without a value last, in either direction."""
    value = SORTS.get(by, SORTS["name"])
    having = [r for r in found if value(r) is not None]
    having.sort(key=value, reverse=descending)  # type: ignore[arg-type]
    return having + [r for r in found if value(r) is None]
