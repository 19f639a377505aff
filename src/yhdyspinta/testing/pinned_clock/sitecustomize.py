"""Imported by Python at start-up when this folder is on PYTHONPATH (only the tests put it
there): a process started by a test keeps the test's day (testing/clock.py)."""

import os
import time

if offset := os.environ.get("YHDYSPINTA_TEST_CLOCK_OFFSET"):
    import time_machine

    time_machine.travel(time.time() + float(offset), tick=True).start()
