"""The national list of municipalities and of the 22 areas that organise health and social
services (21 wellbeing services counties and the City of Helsinki; Åland is listed apart),
shipped as data: `data/municipalities.csv` and `data/areas.csv`, from Statistics Finland's
classifications kunta_1_20260101 and kunta_1_20260101#hyvinvointialue_1_20260101
(CC BY 4.0). A municipality merged into another keeps its number with the last day it
existed (`until`), so that records of earlier years still name it; a new area chooses
from the municipalities of today.

A new year's classification replaces the two files; nothing else changes."""

from __future__ import annotations

import csv
import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

__all__ = [
    "ALAND",
    "Municipality",
    "NationalArea",
    "area",
    "areas",
    "municipalities",
    "municipality",
]

DATA = Path(__file__).with_name("data")
# Åland's municipalities organise their services under the autonomy act, outside the
# wellbeing services reform: listed, never offered as an area of this law.
ALAND = "91"


@dataclass(frozen=True)
class NationalArea:
    code: str
    name_fi: str
    name_sv: str

    @property
    def name(self) -> str:
        return self.name_sv if (get_language() or "").startswith("sv") else self.name_fi

    def municipalities(self) -> list[Municipality]:
        return [m for m in municipalities() if m.area_code == self.code]


@dataclass(frozen=True)
class Municipality:
    number: str
    name_fi: str
    name_sv: str
    area_code: str
    until: datetime.date | None

    @property
    def name(self) -> str:
        return self.name_sv if (get_language() or "").startswith("sv") else self.name_fi

    @property
    def current(self) -> bool:
        return self.until is None


@cache
def _areas() -> dict[str, NationalArea]:
    with (DATA / "areas.csv").open(encoding="utf-8", newline="") as f:
        return {
            r["code"]: NationalArea(r["code"], r["name"], r["name_sv"]) for r in csv.DictReader(f)
        }


@cache
def _municipalities() -> dict[str, Municipality]:
    with (DATA / "municipalities.csv").open(encoding="utf-8", newline="") as f:
        return {
            r["number"]: Municipality(
                number=r["number"],
                name_fi=r["name"],
                name_sv=r["name_sv"],
                area_code=r["area"],
                until=datetime.date.fromisoformat(r["until"]) if r["until"] else None,
            )
            for r in csv.DictReader(f)
        }


def areas(*, with_aland: bool = False) -> list[NationalArea]:
    """The 22 areas in the classification's order (Åland too when asked)."""
    return [a for a in _areas().values() if with_aland or a.code != ALAND]


def area(code: str) -> NationalArea | None:
    return _areas().get(code)


def municipalities(*, current: bool = True) -> list[Municipality]:
    """The municipalities by number: today's, or with the merged ones too."""
    return [m for m in _municipalities().values() if m.current or not current]


def municipality(number: str) -> Municipality | None:
    """A municipality by its number, a merged one too; None for a number never given."""
    return _municipalities().get(number)
