import os
from pathlib import Path

import pytest
from django.core.cache import cache

from yhdyspinta.testing import clock
from yhdyspinta.testing.snapshot import FAST_HASHERS

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still
# be usable from it in browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]


def pytest_configure(config):
    """Every test lives on the demo's day (testing.clock), whatever day it runs."""
    clock.pin()


def pytest_collection_modifyitems(items):
    """Keep pytest-django's order (plain database tests, then transactional ones, then
    the rest) but start the long tests (a crawl, separate processes, a browser) first in
    each, so that the two test processes end together rather than one waiting on the
    other's last two-minute test."""

    def group(item) -> int:
        marker = item.get_closest_marker("django_db")
        names = set(getattr(item, "fixturenames", ()))
        if (marker is not None and marker.kwargs.get("transaction")) or names & {
            "transactional_db",
            "live_server",
        }:
            return 1
        return 0 if marker is not None or "db" in names else 2

    def long(item) -> bool:
        return any(item.get_closest_marker(name) for name in ("once", "browser"))

    order = {id(item): n for n, item in enumerate(items)}
    items.sort(key=lambda item: (group(item), not long(item), order[id(item)]))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, django_db_blocker
) -> None:
    """PostgreSQL makes each test process's database from a template migrated once per
    run (testing.demo_cache)."""
    from yhdyspinta.testing import demo_cache

    with django_db_blocker.unblock():
        demo_cache.schema_template()


@pytest.fixture(scope="session")
def django_db_use_migrations(request) -> bool:
    """SQLite makes the test database from the models when a migrated schema of this
    code is kept on disk, which is then copied over it (testing.demo_cache)."""
    from yhdyspinta.testing import demo_cache

    return not request.config.getvalue("nomigrations") and not demo_cache.schema_kept()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, migrated: on SQLite from the schema kept on disk, or kept there
    for the next run."""
    from yhdyspinta.testing import demo_cache

    with django_db_blocker.unblock():
        demo_cache.schema()


@pytest.fixture(scope="session")
def demo_db(django_db_setup, django_db_blocker):
    """The demo areas in the test database, for the tests that read them (through the
    `demo` and `login` fixtures, or a module's `usefixtures("demo_db")`): loaded when the
    first of them starts (from a copy kept on disk, testing.demo_cache), so a test of
    factory-made rows starts at once. Each test runs in a transaction that is rolled back,
    so every test sees them unchanged. A copy is kept for the transactional tests, after
    which Django empties the tables (snapshot.demo_data)."""
    from yhdyspinta.testing import demo_cache, snapshot

    with django_db_blocker.unblock():
        demo_cache.load()
        snapshot.take()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.LANGUAGE_CODE = "fi"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {
        **settings.CACHES,
        "progress": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "progress"),
        },
    }
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # The browser keeps the real clock, which may be past a cookie's expiry on the pinned
    # one (testing.clock): the CSRF cookie lasts, like the session's, until it closes.
    settings.CSRF_COOKIE_AGE = None
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_kept_feed_events():
    """Each test starts without the feed events the process kept (by a meeting's id and
    updated_at): a test that changed a demo meeting without save() (a queryset update,
    rolled back afterwards) must not leave its event to the next test."""
    from yhdyspinta.meetings import ics

    ics.forget_kept_events()


@pytest.fixture(autouse=True)
def _fresh_shared_cache(request):
    """A committing test starts with an empty shared cache: Django's flush after the
    previous one leaves the cache table (no model's), with its rate-limit counts and
    the public's kept pages."""
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (
        marker is not None and marker.kwargs.get("transaction")
    ):
        request.getfixturevalue("transactional_db")
        cache.clear()


@pytest.fixture
def no_public_cache(settings):
    """For tests that count a page's own queries: anonymous visitors otherwise get the
    kept copy (web.public_cache) while nothing in the test has written yet."""
    settings.PUBLIC_CACHE_SECONDS = 0


@pytest.fixture
def demo(demo_db, db):
    """The demo areas, as `make run` loads them."""
    from yhdyspinta.areas.models import Area

    return {
        "nk": Area.objects.get(slug="pohjois-karjala"),
        "es": Area.objects.get(slug="etela-savo"),
    }


@pytest.fixture
def small_world(db):
    """One small area made from the factories (testing.factories.SmallWorld), for the
    tests whose point is not the demo's content."""
    from yhdyspinta.testing.factories import small_world

    return small_world()


@pytest.fixture
def login(client, demo_db):
    """Log the test client in as a demo user by username."""
    from django.contrib.auth import get_user_model

    def _login(username: str):
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        return user

    return _login


@pytest.fixture
def deliver():
    """Run the outbox worker's task in the test (messages are queued with the change and
    sent by the worker after commit); returns the sent mail."""
    from django.core import mail

    from yhdyspinta.communications.services import deliver_due

    def _deliver():
        deliver_due()
        return mail.outbox

    return _deliver


@pytest.fixture
def committed_demo(demo_db, transactional_db):
    """The demo areas in a database that other processes and threads can see."""
    from yhdyspinta.testing.snapshot import demo_data

    demo_data()


@pytest.fixture
def worker_env(settings, tmp_path):
    """The environment of a `manage.py db_worker` process that shares this test's
    database, files and progress cache (PostgreSQL: the database must be shareable)."""
    from django.db import connection

    from yhdyspinta.testing.demo_cache import database_url

    db = connection.settings_dict
    return clock.pinned(
        {
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": database_url(db, db["NAME"]),
            "DEBUG": "1",
            "PYTHONPATH": str(ROOT / "src"),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PROGRESS_CACHE_DIR": settings.CACHES["progress"]["LOCATION"],
        }
    )


@pytest.fixture
def run_worker(worker_env):
    """Run `manage.py db_worker --batch` in its own process until the queue is empty;
    returns the finished process (PostgreSQL: the database must be shareable)."""
    import subprocess
    import sys

    def _run(timeout: int = 180):
        return subprocess.run(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                "*",
                "--batch",
                "--interval",
                "0.1",
            ],
            cwd=ROOT,
            env=worker_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    return _run
