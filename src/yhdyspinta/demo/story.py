"""The demo's calendar: the demo is always this year.

The demo is written as of `STORY_DAY`, early December 2026: 2025 complete with its reports,
2026 in progress with its follow-up and nomination deadlines ahead, 2027's clock proposed.
Loaded on another day it is told as of that day, so that a newcomer in any month meets the
same picture: last year complete, this year in progress with deadlines ahead, next year
proposed.

- Every year other than the story's own moves by whole years (2025 → last year, 2027 →
  next year), to the same day of the month.
- The story's own year becomes this year, and its dates are spread over it in the same
  order: what had happened by the story day happened between 1 January and yesterday,
  what was ahead lies between tomorrow and 31 December. So a meeting held is in the past,
  a meeting planned and a deadline open are ahead, and each stays in its calendar year
  (the year an obligation is judged in). Only on 1 January (nothing of this year has
  happened yet) do the year's past days fall on 31 December, and on 31 December its
  coming days on 1 January.
- A meeting's day (`at`) that moved onto a weekend moves to the nearest weekday that keeps
  those bounds; a date without a time (a term, a deadline) stays where it falls.

On `STORY_DAY` every date is as written, which is what the tests meet: they live on that
day (testing.clock). Texts name the story's years and dates in braces, `{2026}` and
`{15.12.2026}`, and `text()` tells them as of the day.

The day is the one the demo was first loaded on (its first area's creation), so that
loading it again later finds the same rows rather than adding a second, moved history.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

STORY_DAY = date(2026, 12, 7)
HELSINKI = ZoneInfo("Europe/Helsinki")
_BRACED = re.compile(r"\{(?:(\d{1,2})\.(\d{1,2})\.)?(\d{4})\}")


@dataclass(frozen=True)
class Story:
    """The story told as of `today`."""

    today: date

    @property
    def years(self) -> int:
        return self.today.year - STORY_DAY.year

    def year(self, year: int) -> int:
        return year + self.years

    def day(self, year: int, month: int, day: int) -> date:
        """The day the story's `day.month.year` falls on."""
        written = date(year, month, day)
        if year != STORY_DAY.year:
            return _same_day(self.year(year), month, day)
        first, last = date(self.today.year, 1, 1), date(self.today.year, 12, 31)
        if written < STORY_DAY:
            passed, span = (written - date(year, 1, 1)).days, (STORY_DAY - date(year, 1, 1)).days
            room = (self.today - first).days  # the days of this year before today
            return first + timedelta(days=passed * room // span) if room else self.today - _DAY
        if written > STORY_DAY:
            ahead, span = (written - STORY_DAY).days, (date(year, 12, 31) - STORY_DAY).days
            room = (last - self.today).days  # the days of this year after today
            return self.today + timedelta(days=-(-ahead * room // span) if room else 1)
        return self.today

    def at(self, year: int, month: int, day: int, hour: int = 13, minute: int = 0) -> datetime:
        """The moment of an event the story sets at `hour:minute` on `day.month.year`."""
        moved = self.day(year, month, day)
        if moved != date(year, month, day):
            moved = self._weekday(moved, written_past=date(year, month, day) < STORY_DAY)
        return datetime.combine(moved, time(hour, minute), HELSINKI)

    def _weekday(self, day: date, *, written_past: bool) -> date:
        first, last = date(day.year, 1, 1), date(day.year, 12, 31)
        if day.year == self.today.year:
            if written_past:
                last = min(last, self.today - _DAY)
            else:
                first = max(first, self.today + _DAY)
        friday = day - timedelta(days=day.weekday() - 4)
        monday = day + timedelta(days=7 - day.weekday())
        if day.weekday() < 5:
            return day
        if first <= friday <= last:
            return friday
        return monday if first <= monday <= last else day

    def finnish(self, year: int, month: int, day: int) -> str:
        moved = self.day(year, month, day)
        return f"{moved.day}.{moved.month}.{moved.year}"

    def text(self, written: str) -> str:
        """`written` with its braced years and dates told as of the day."""

        def told(match: re.Match[str]) -> str:
            day, month, year = match.groups()
            if day is None:
                return str(self.year(int(year)))
            return self.finnish(int(year), int(month), int(day))

        return _BRACED.sub(told, written)


_DAY = timedelta(days=1)
_told: ContextVar[Story | None] = ContextVar("demo_story", default=None)


def _same_day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:  # 29 February in a common year
        return date(year, month, day - 1)


def current() -> Story:
    """The story being told: as of the day `told_as_of` set, else as of today."""
    return _told.get() or Story(timezone.localdate())


@contextmanager
def told_as_of(today: date) -> Iterator[Story]:
    token = _told.set(Story(today))
    try:
        yield _told.get() or Story(today)
    finally:
        _told.reset(token)


def year(year: int) -> int:
    return current().year(year)


def day(year: int, month: int, day: int) -> date:
    return current().day(year, month, day)


def at(year: int, month: int, day: int, hour: int = 13, minute: int = 0) -> datetime:
    return current().at(year, month, day, hour, minute)


def text(written: str) -> str:
    return current().text(written)
