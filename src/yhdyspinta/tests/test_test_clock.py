"""The tests' clock (testing/clock.py): the tests and the processes they start live on the
demo's day, whatever the real day, with the clock running."""

import subprocess
import sys
import time

from django.utils import timezone

from yhdyspinta.testing import clock

CHILD = (
    "import time, datetime, zoneinfo; "
    "print(time.time(), datetime.datetime.now(zoneinfo.ZoneInfo('Europe/Helsinki')).date())"
)


def test_the_tests_and_a_process_they_start_live_on_the_demo_day():
    assert timezone.localdate() == clock.TEST_DAY
    started = time.time()
    child = subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "-c", CHILD],
        env=clock.pinned({"PATH": "/usr/bin:/bin"}),
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, day = child.stdout.split()
    assert day == clock.TEST_DAY.isoformat()
    assert started <= float(seconds) <= time.time()  # the same clock, running on
