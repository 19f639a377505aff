"""The tests' day: every test process, and every Python process a test starts on the
tests' rows (a task worker, a second server), lives on one fixed day, so that no test
depends on the day it runs.

The demo is written as of early December 2026 (demo/story.py: last year complete, this
year's follow-up and nomination deadlines ahead, next year's clock proposed), and is told
as of the day it is loaded. On `TEST_DAY`, the day it is written as of, every date is as
written, so a test meets the demo's rows by the dates and names the code gives them.

The clock is moved, not stopped: it shows `TEST_DAY` at the real time of day and runs on
(time-machine's `tick=True`), so durations, expiry and the order of timestamps behave as
in production, also between runs, since the demo kept on disk (testing.demo_cache) is
kept per real day. A run that passes midnight goes on into the next day rather than back:
the day is counted from the midnight before the run's start (`ANCHOR`, which
`scripts/test.sh` sets once for both passes).

A process the tests start gets the same offset from the real clock through `pinned` (its
environment), and `pinned_clock/sitecustomize.py`, which Python imports at start-up from
`PYTHONPATH`, moves its clock by it, so that a worker and the test that started it agree
on the day. The browser keeps the real clock: the session cookie lasts until the browser
closes, and the tests give the CSRF cookie no expiry either (conftest), so no cookie is
born expired.
"""

from __future__ import annotations

import os
import time
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

TEST_DAY = date(2026, 12, 7)  # demo.story.STORY_DAY
ZONE = ZoneInfo("Europe/Helsinki")
ANCHOR = "YHDYSPINTA_TEST_CLOCK_ANCHOR"
OFFSET = "YHDYSPINTA_TEST_CLOCK_OFFSET"
STARTUP = Path(__file__).resolve().parent / "pinned_clock"
SRC = Path(__file__).resolve().parents[2]

_offset = 0.0


def anchor() -> float:
    """The real midnight the tests' day is counted from: the one before this run."""
    if value := os.environ.get(ANCHOR):
        return float(value)
    return datetime.combine(datetime.now(ZONE).date(), clock_time(), ZONE).timestamp()


def pin() -> None:
    """Move this process's clock to `TEST_DAY` at the real time of day, running on."""
    global _offset
    start = datetime.combine(TEST_DAY, clock_time(), ZONE).timestamp()
    _offset = start - anchor()
    travel(_offset)


def travel(offset: float) -> None:
    """Move this process's clock by `offset` seconds, running on (also what a process the
    tests start does at start-up, pinned_clock/sitecustomize.py)."""
    traveller = time_machine.travel(time.time() + offset, tick=True).start()
    # time-machine's clock starts to run at its first reading, not at start(): read it now
    # and set it right by what that took, so that the real time moved by exactly `offset`
    # is what every process shows (one read later would run behind another's by the gap).
    traveller.shift(offset - (time.time() - time_machine.escape_hatch.time.time()))


def real_today() -> date:
    """The real day (the pinned clock shows `TEST_DAY`)."""
    return datetime.fromtimestamp(time.time() - _offset, ZONE).date()


def pinned(environment: dict[str, str]) -> dict[str, str]:
    """The environment of a process a test starts, with the variables that keep the tests'
    day in it."""
    given = filter(None, environment.get("PYTHONPATH", "").split(os.pathsep))
    paths = [str(STARTUP), *given, str(SRC)]
    return {
        **environment,
        OFFSET: repr(_offset),
        "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths)),
    }
