"""Imported by Python at start-up when this folder is on PYTHONPATH (only the tests put it
there, with the package's folder after it): a process started by a test keeps the test's
day (testing/clock.py)."""

import os

if offset := os.environ.get("YHDYSPINTA_TEST_CLOCK_OFFSET"):
    from yhdyspinta.testing.clock import travel

    travel(float(offset))
