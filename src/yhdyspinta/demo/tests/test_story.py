"""The demo is always this year (story.py): loaded on any day, last year is complete,
this year in progress with its deadlines ahead, next year's clock proposed; loaded again
later it finds its rows where they are."""

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yhdyspinta.demo.story import HELSINKI, STORY_DAY, Story
from yhdyspinta.testing import clock, demo_cache

ROOT = Path(__file__).resolve().parents[4]
DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2040, 12, 31))
WRITTEN = st.dates(min_value=date(2021, 1, 1), max_value=date(2029, 12, 31))
# Pure arithmetic, but a busy machine may pause a draw: no deadline, no slowness check.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_on_the_story_day_every_date_is_as_written():
    assert clock.TEST_DAY == STORY_DAY  # so the tests meet the demo as written
    story = Story(STORY_DAY)
    for written in (date(2023, 11, 30), date(2026, 1, 1), date(2026, 12, 3), date(2026, 12, 31)):
        assert story.day(written.year, written.month, written.day) == written
    assert story.at(2026, 3, 3, 13).date() == date(2026, 3, 3)  # a Tuesday; a Sunday too:
    assert story.at(2024, 3, 3, 13).date() == date(2024, 3, 3)
    assert story.text("Jäsenet {2027}–{2028}, viimeistään {18.12.2026}") == (
        "Jäsenet 2027–2028, viimeistään 18.12.2026"
    )


@PROPERTY
@given(today=DAYS, written=WRITTEN)
def test_a_day_keeps_its_year_and_its_side_of_today(today, written):
    story = Story(today)
    moved = story.day(written.year, written.month, written.day)
    if written.year != STORY_DAY.year:
        assert moved.year == written.year + today.year - STORY_DAY.year
        assert moved.month == written.month
        assert written.day - moved.day in (0, 1)  # 29 February: the 28th in a common year
        return
    if written < STORY_DAY:
        assert moved < today
        assert moved.year == today.year or today == date(today.year, 1, 1)
    elif written > STORY_DAY:
        assert moved > today
        assert moved.year == today.year or today == date(today.year, 12, 31)
    else:
        assert moved == today


@PROPERTY
@given(today=DAYS, first=WRITTEN, second=WRITTEN)
def test_the_order_of_days_and_meetings_is_kept(today, first, second):
    first, second = sorted((first, second))
    story = Story(today)
    assert story.day(*first.timetuple()[:3]) <= story.day(*second.timetuple()[:3])
    assert story.at(*first.timetuple()[:3]) <= story.at(*second.timetuple()[:3])


@PROPERTY
@given(today=DAYS, written=WRITTEN)
def test_a_moved_meeting_is_on_a_weekday_near_its_day_and_on_its_side_of_today(today, written):
    story = Story(today)
    day = story.at(written.year, written.month, written.day).date()
    moved = story.day(written.year, written.month, written.day)
    assert day.year == moved.year
    assert abs((day - moved).days) <= 2
    if day != written and day.weekday() >= 5:  # only in a weekend at either end of the year
        assert written.year == STORY_DAY.year
        assert today.timetuple().tm_yday <= 3 or (date(today.year, 12, 31) - today).days <= 2
    if written.year == STORY_DAY.year and date(today.year, 1, 1) < today < date(today.year, 12, 31):
        assert (day < today) == (written < STORY_DAY)


# Loads the demo on the day its process's clock shows and says what a newcomer meets.
LOAD_AND_LOOK = """
import json, re
from django.apps import apps
from django.db import models
from django.utils import timezone
from yhdyspinta.agreements.models import CommentRound
from yhdyspinta.areas.models import CouncilTerm
from yhdyspinta.clock.models import ClockEvent
from yhdyspinta.demo.loader import load_all
from yhdyspinta.meetings.models import Meeting, MeetingStatus
from yhdyspinta.nominations.models import NominationRound
from yhdyspinta.programme.models import FollowUpRound

load_all()
now, today = timezone.now(), timezone.localdate()
braced = []
for model in apps.get_models():
    for field in model._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            filtered = model.objects.filter(**{f"{field.name}__regex": r"[{][0-9]"})
            braced += [f"{model.__name__}.{field.name}" for _ in filtered[:1]]
rounds = [
    (kind.__name__, str(deadline))
    for kind in (NominationRound, FollowUpRound, CommentRound)
    for deadline in kind.objects.filter(status="open").values_list("deadline", flat=True)
]
print(json.dumps({
    "today": str(today),
    "meetings": Meeting.objects.count(),
    "recorded_ahead": Meeting.objects.filter(starts_at__gt=now)
        .exclude(status__in=MeetingStatus.upcoming()).count(),
    "meeting_years": sorted({m.year for m in Meeting.objects.values_list("starts_at", flat=True)}),
    "clock_years": sorted(set(ClockEvent.objects.values_list("year", flat=True))),
    "open_rounds": rounds,
    "last_year_followed_up": list(FollowUpRound.objects.filter(year=today.year - 1)
        .values_list("status", flat=True)),
    "term_now": CouncilTerm.objects.filter(kind="joint", starts_on__lte=today,
        ends_on__gte=today).count(),
    "braced": braced,
}))
"""


def _load_on(day: date, env: dict[str, str]) -> dict:
    moved = {
        **env,
        clock.OFFSET: repr(float(env[clock.OFFSET]) + (day - clock.TEST_DAY).days * 86400),
    }
    done = subprocess.run(  # noqa: S603 - this repository's own command
        [sys.executable, "manage.py", "shell", "-c", LOAD_AND_LOOK],
        cwd=ROOT,
        env=moved,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-1500:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.once
@pytest.mark.django_db
def test_loaded_on_another_day_the_demo_is_that_year(tmp_path, demo):
    from yhdyspinta.meetings.models import Meeting

    database = tmp_path / "app.sqlite3"
    env = demo_cache.app_env(database)
    demo_cache.migrated_sqlite(database, env)
    day = date(2028, 3, 18)  # a Saturday in a leap year, two years on
    seen = _load_on(day, env)
    assert seen["today"] == "2028-03-18"
    assert seen["meetings"] == Meeting.objects.count()  # the story's meetings, each on a day
    assert seen["recorded_ahead"] == 0
    assert seen["meeting_years"] == [2026, 2027, 2028]
    assert seen["clock_years"] == [2027, 2028, 2029]
    assert sorted(kind for kind, _ in seen["open_rounds"]) == [
        "CommentRound",
        "FollowUpRound",
        "NominationRound",
    ]
    assert all(deadline > "2028-03-18" for _, deadline in seen["open_rounds"])
    assert all(deadline < "2029-01-01" for _, deadline in seen["open_rounds"])
    assert seen["last_year_followed_up"] == ["closed"]
    assert seen["term_now"] == 2  # each area is in its joint council term
    assert seen["braced"] == []


@pytest.mark.django_db
def test_loaded_again_later_the_demo_is_told_as_of_the_day_it_was_first_loaded():
    """So a second `load_demo` finds the rows it made rather than adding a moved history."""
    from yhdyspinta.areas.models import Area
    from yhdyspinta.demo import data, loader

    slug = data.NORTH_KARELIA["slug"]
    area, _ = Area.objects.get_or_create(slug=slug, defaults={"name": "Pohjois-Karjala"})
    first = datetime(2027, 3, 18, 23, 30, tzinfo=HELSINKI)  # late: the day is Helsinki's
    Area.objects.filter(pk=area.pk).update(created_at=first)
    assert loader._story_day() == date(2027, 3, 18)
    Area.objects.filter(pk=area.pk).update(slug="muu")
    assert loader._story_day() == clock.TEST_DAY  # nothing loaded yet: today
