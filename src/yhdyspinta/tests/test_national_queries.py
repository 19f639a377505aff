"""No page's queries grow with data: every page of the national bench (bench/national.py;
anonymous as built, logged in as the area's administrator, secretary and an
organisation's contact, and every API list with a token) is counted on the demo, then
again after a small national set of the bench's shape is built around it
(bench/national_set.py, a fiftieth of the whole), in this test's transaction. `make bench`
times the same pages on the whole set."""

from __future__ import annotations

import importlib
import os
import sys

import pytest

from yhdyspinta.conftest import ROOT
from yhdyspinta.meetings.models import Meeting

SCALE = 0.02

pytestmark = [pytest.mark.django_db, pytest.mark.once]


@pytest.fixture
def national(settings):
    settings.API_ANONYMOUS_RATE = "1000000/m"  # every endpoint twice, twice
    # The bench's module sets its own environment and paths when imported: the test
    # process's later subprocesses (workers, servers) must not inherit them.
    environment, path = dict(os.environ), list(sys.path)
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        yield importlib.import_module("national")
    finally:
        os.environ.clear()
        os.environ.update(environment)
        sys.path[:] = path


def test_no_pages_queries_grow_with_data(demo, national):
    urls = national.pages()
    demo_counts = national.measure_pages(urls, national.issue_token(), rounds=0)
    meetings = Meeting.objects.count()
    values = round(national.FULL["values"] * SCALE)
    national.build(SCALE, values, seed=2026)
    assert Meeting.objects.count() > 5 * meetings  # the pages now read a larger world
    national_counts = national.measure_pages(urls, national.issue_token(), rounds=0)
    assert len(urls) > 50
    grown = {
        name: f"{demo_counts[name][1]} → {national_counts[name][1]}"
        for name in urls
        if national_counts[name][1] > demo_counts[name][1]
    }
    assert not grown, grown
