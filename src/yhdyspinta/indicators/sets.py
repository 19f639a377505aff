"""Indicator sets as data: the county HYTE-kerroin and other lists that THL publishes,
one JSON file a set and year in `sets/`. Each row names its indicator, its group, whether
it is a process or an outcome indicator, which way is good, its unit and, where it has
been confirmed, its Sotkanet id. A row without a confirmed id is unbound: the app shows it
as such, never a guess. An area follows a set in one step (`services.follow_set`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

from yhdyspinta.areas.models import Area

from .models import OwnSet

FOLDER = Path(__file__).resolve().parent / "sets"
KINDS = ("process", "outcome")
GOOD = ("up", "down")
UNITS = ("percent", "per_1000", "count", "score")


class SetFileError(ValueError):
    """A set file that cannot be read; the message names the file and the row."""


def _text(value: dict | str) -> str:
    if isinstance(value, str):
        return value
    language = (get_language() or "fi")[:2]
    return value.get(language) or value.get("fi") or next(iter(value.values()), "")


@dataclass(frozen=True)
class SetRow:
    key: str
    names: dict
    groups: dict
    kind: str
    good: str
    unit: str
    sotkanet_id: int | None
    id_status: str

    @property
    def name(self) -> str:
        return _text(self.names)

    @property
    def group(self) -> str:
        return _text(self.groups)


@dataclass(frozen=True)
class IndicatorSet:
    key: str
    year: int
    names: dict
    level: str
    kerroin: bool
    source: str
    note: str
    parameters: dict = field(default_factory=dict)
    rows: tuple[SetRow, ...] = ()
    # A list the welfare report shows as its own tables (THL's minimum content).
    welfare_report: bool = False
    # How many rows the published list has, where the file holds only part of it: the
    # pages and the report then say so instead of passing the part off as the whole.
    expected_rows: int | None = None
    # The area's own set (models.OwnSet), which its administrator edits in the app.
    own: bool = False

    @property
    def complete(self) -> bool:
        return self.expected_rows is None or len(self.rows) >= self.expected_rows

    @property
    def name(self) -> str:
        return _text(self.names)

    @property
    def code(self) -> str:
        """The set and its year: what an area follows."""
        return f"{self.key}-{self.year}"

    def row(self, key: str) -> SetRow | None:
        return next((r for r in self.rows if r.key == key), None)


def parse(text: str, name: str = "") -> IndicatorSet:
    try:
        data = json.loads(text)
    except ValueError as error:
        raise SetFileError(f"{name}: {error}") from error
    return parse_data(data, name)


def parse_data(data: object, name: str = "") -> IndicatorSet:
    """A set from its data: a shipped file's, or an area's own set (models.OwnSet)."""
    if not isinstance(data, dict):
        raise SetFileError(f"{name}: not an object")
    for wanted in ("key", "year", "name", "indicators"):
        if wanted not in data:
            raise SetFileError(f"{name}: '{wanted}' is missing")
    rows, seen = [], set()
    for number, item in enumerate(data["indicators"], start=1):
        where = f"{name}: indicator {number}"
        if not isinstance(item, dict) or not item.get("key") or not item.get("name"):
            raise SetFileError(f"{where}: a key and a name are needed")
        if item["key"] in seen:
            raise SetFileError(f"{where}: the key '{item['key']}' is used twice")
        seen.add(item["key"])
        for attribute, allowed in (("kind", KINDS), ("good", GOOD), ("unit", UNITS)):
            if item.get(attribute) not in allowed:
                raise SetFileError(f"{where}: '{attribute}' must be one of {', '.join(allowed)}")
        sotkanet_id = item.get("sotkanet_id")
        if sotkanet_id is not None and (not isinstance(sotkanet_id, int) or sotkanet_id <= 0):
            raise SetFileError(f"{where}: 'sotkanet_id' must be a positive number or null")
        rows.append(
            SetRow(
                key=item["key"],
                names=item["name"] if isinstance(item["name"], dict) else {"fi": item["name"]},
                groups=item.get("group") or {},
                kind=item["kind"],
                good=item["good"],
                unit=item["unit"],
                sotkanet_id=sotkanet_id,
                id_status=item.get("id_status") or ("confirmed" if sotkanet_id else "unknown"),
            )
        )
    return IndicatorSet(
        key=data["key"],
        year=int(data["year"]),
        names=data["name"] if isinstance(data["name"], dict) else {"fi": data["name"]},
        level=data.get("level", "area"),
        kerroin=bool(data.get("kerroin")),
        source=data.get("source", ""),
        note=data.get("note", ""),
        parameters=data.get("parameters") or {},
        rows=tuple(rows),
        welfare_report=bool(data.get("welfare_report")),
        expected_rows=_expected(data.get("expected_rows"), name),
        own=bool(data.get("own")),
    )


def _expected(value, name: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise SetFileError(f"{name}: 'expected_rows' must be a positive number or null")
    return value


@cache
def all_sets() -> tuple[IndicatorSet, ...]:
    """Every set shipped with the app, newest year first."""
    found = [parse(path.read_text(encoding="utf-8"), path.name) for path in FOLDER.glob("*.json")]
    return tuple(sorted(found, key=lambda s: (s.key, -s.year)))


def own_sets(area: Area) -> tuple[IndicatorSet, ...]:
    """The sets the area brought from its own files, each as its newest version."""
    newest: dict[tuple[str, int], IndicatorSet] = {}
    for own in OwnSet.objects.filter(area=area).order_by("key", "-year", "-version"):
        if (own.key, own.year) not in newest:
            newest[own.key, own.year] = parse_data(own.as_data(), own.name)
    return tuple(newest.values())


def area_sets(area: Area | None) -> tuple[IndicatorSet, ...]:
    """The sets shipped with the app, and the area's own."""
    return all_sets() + own_sets(area) if area is not None else all_sets()


def report_sets(area: Area | None = None) -> tuple[IndicatorSet, ...]:
    """The sets whose rows the welfare report shows as tables of their own."""
    return tuple(s for s in area_sets(area) if s.welfare_report)


def by_code(code: str, area: Area | None = None) -> IndicatorSet | None:
    return next((s for s in area_sets(area) if s.code == code), None)
