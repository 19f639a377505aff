"""Two people at once, in a test: the same call made from several threads released
together, each on its own database connection (PostgreSQL: SQLite serialises writers);
and waiting for another process (a worker) to have done something."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.db import connection


def at_once[T](call: Callable[[], T], times: int) -> list[T | Exception]:
    """What each of `times` simultaneous calls returned, or the exception it raised."""
    barrier = threading.Barrier(times)
    outcomes: list[T | Exception] = []

    def run() -> None:
        try:
            barrier.wait()
            outcomes.append(call())
        except Exception as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def wait_until(condition: Callable[[], object], seconds: float = 60) -> None:
    """Wait for another process's work to show (a liveness bound, not a measure of
    speed): AssertionError when it has not within `seconds`."""
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("timed out")
        time.sleep(0.1)
