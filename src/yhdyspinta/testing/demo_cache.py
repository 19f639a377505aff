"""The demo areas of a test database, loaded through the services once and then kept on
disk, so that a test run (and the next one) does not load them again.

Loading the demo through the services takes half a minute; a test process that needs it
(the `demo_db` fixture) takes it from `.cache/test-demo/<key>.sqlite3` instead, a copy of
a SQLite database the demo was loaded into. The key is a hash of everything the demo is
made from (the product's code, templates, translations and the lock file) and of the real
day, so a changed loader, service or migration loads anew. The first process to need it
builds it while the others wait on a lock (pytest-xdist's workers), and then each copies
it into its own test database:

- SQLite: the whole database page by page (sqlite3's backup), in a fraction of a second;
- PostgreSQL: every model table's rows, converted by the fields as the ORM reads and
  writes them, with the tables' own triggers off for the copy (the freeze triggers refuse,
  say, an item inserted into approved minutes, which is what a copy does). Without a kept
  copy PostgreSQL loads the demo itself (the copy is made only on SQLite).

The migrated schema is made once too: on SQLite it is kept as a file beside the demo; on
PostgreSQL each test process's database is created as a copy of a template database on the
same server, which the first process migrates while the others wait (`schema_template`).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.db.models import Model
from django.test import override_settings

from yhdyspinta.testing import clock
from yhdyspinta.testing.snapshot import FAST_HASHERS, disable_triggers

PACKAGE = Path(__file__).resolve().parents[1]
ROOT = PACKAGE.parents[1]
CACHE = Path(os.environ.get("TEST_DEMO_CACHE", ROOT / ".cache" / "test-demo"))
ALIAS = "demo_cache"
NOT_INPUT = {"tests", "tests_browser", "testing", "conftest.py", "__pycache__", "static"}


@functools.cache
def key() -> str:
    """A hash of what the demo is made from, and of the real day: the tests' clock shows
    one day at the real time of day (testing.clock), so a copy kept since an earlier run
    of the same day holds no time later than the tests' now."""
    digest = hashlib.sha256(clock.real_today().isoformat().encode())
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(PACKAGE)
        if path.is_file() and not NOT_INPUT & set(relative.parts) and path.suffix != ".po":
            digest.update(str(relative).encode())
            digest.update(path.read_bytes())
    digest.update((ROOT / "uv.lock").read_bytes())
    return digest.hexdigest()[:16]


def _kept(kind: str) -> Path:
    return CACHE / f"{key()}-{kind}.sqlite3"


def kept_schema_file() -> Path | None:
    """The migrated SQLite database of this code, if a test run has kept one (for a test
    that starts the app in another process on a database file of its own)."""
    kept = _kept("schema")
    return kept if kept.exists() else None


def app_env(database: Path) -> dict[str, str]:
    """The environment of the app a test starts in another process, on the tests' day, on
    a SQLite database of its own at `database` (migrated_sqlite makes it)."""
    return clock.pinned(
        {
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(PACKAGE.parent),
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{database}",
        }
    )


def migrated_sqlite(database: Path, env: dict[str, str]) -> None:
    """A migrated SQLite database at `database` for the app a test starts in another
    process (with `env`, whose DATABASE_URL names it): the schema this run has kept for
    this code, copied, or else migrated (half a minute)."""
    if (kept := kept_schema_file()) is not None:
        database.write_bytes(kept.read_bytes())
        return
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def schema_kept() -> bool:
    """Whether a migrated SQLite schema is kept for this code (then the test database is
    made from the models and the kept one copied over it, triggers and all)."""
    return connection.vendor == "sqlite" and _kept("schema").exists()


def schema() -> None:
    """SQLite: the migrated schema of this code into the test database, from the copy kept
    on disk, or kept now that the migrations have made it (113 migrations take half a
    minute on SQLite, the copy a fraction of a second)."""
    if connection.vendor != "sqlite":
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    kept = _kept("schema")
    with _lock(CACHE / ".lock"):
        if not kept.exists():
            _keep(kept)
            return
    _copy_from(kept)


def schema_template() -> None:
    """PostgreSQL: this process's test database is to be created from a template database
    migrated once for this code on the same server (Django's TEST TEMPLATE), made now by
    `manage.py migrate` if no process has made it yet (`scripts/test.sh` makes it beside
    the SQLite tests, `python -m yhdyspinta.testing.schema_template`). Each test process
    would otherwise migrate its own, some 30 s of CPU each on a 2-core machine that is the
    limit of the suite's time. The template is migrated under another name and renamed
    when whole, so a run stopped halfway leaves no template that looks made; older ones
    are dropped."""
    if connection.vendor != "postgresql":
        return
    settings_dict = connection.settings_dict
    prefix = f"test_{settings_dict['NAME']}_schema_"
    name, partial = prefix + key(), f"{prefix}{key()}_partial"
    quote = connection.ops.quote_name
    CACHE.mkdir(parents=True, exist_ok=True)
    # A lock of its own: the SQLite tests keep their schema and demo meanwhile.
    with _lock(CACHE / ".template.lock"):
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
            existing = {row[0] for row in cursor.fetchall()}
            if name not in existing:
                for old in existing:
                    cursor.execute(f"DROP DATABASE {quote(old)}")
                cursor.execute(f"CREATE DATABASE {quote(partial)}")
        if name not in existing:
            url = database_url(settings_dict, partial)
            environment = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                cwd=ROOT,
                env=clock.pinned(environment),
                check=True,
            )
            with connection._nodb_cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {quote(partial)} RENAME TO {quote(name)}")
    settings_dict.setdefault("TEST", {})["TEMPLATE"] = name


def database_url(settings_dict: dict, name: str) -> str:
    """The DATABASE_URL of a PostgreSQL database on the server of these settings, for a
    process the tests start (a password, host or port left out where the settings have
    none; a socket directory as the host)."""
    password = settings_dict.get("PASSWORD")
    user = quote(settings_dict.get("USER") or "", safe="") + (
        f":{quote(password, safe='')}" if password else ""
    )
    port = settings_dict.get("PORT")
    host = quote(settings_dict.get("HOST") or "", safe="") + (f":{port}" if port else "")
    return f"postgres://{user}@{host}/{quote(name, safe='')}"


def load() -> None:
    """The demo areas into this process's (migrated, empty) test database, committed."""
    from yhdyspinta.demo.loader import load_all

    CACHE.mkdir(parents=True, exist_ok=True)
    kept = _kept("demo")
    with _lock(CACHE / ".lock"):
        if not kept.exists() and connection.vendor == "sqlite":
            with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                load_all()
            _keep(kept)
            return
    if kept.exists():
        _copy_from(kept)
    else:
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            load_all()


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _keep(path: Path) -> None:
    """Write this SQLite database to the path (a whole file or none), dropping older keys."""
    connection.ensure_connection()
    partial = path.with_suffix(".partial")
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    partial.replace(path)
    for old in path.parent.glob("*.sqlite3"):
        if not old.name.startswith(key()):
            old.unlink(missing_ok=True)


def _copy_from(path: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        _copy_rows(path)
    # Content types are cached by id in the process; the copy brought its own ids.
    ContentType.objects.clear_cache()


def _models() -> list[type[Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _copy_rows(path: Path) -> None:
    """Every model table's rows from the SQLite file into this (PostgreSQL) database. The
    file is read through a connection of its own, outside Django's connection handler, so
    that a test that may use only the default database (a live server's) may load it."""
    kept = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}
    configured = connections.configure_settings(
        {DEFAULT_DB_ALIAS: dict(connections.settings[DEFAULT_DB_ALIAS]), ALIAS: kept}
    )
    source = SQLiteWrapper(configured[ALIAS], ALIAS)
    models = _models()
    tables = [model._meta.db_table for model in models]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            enable = disable_triggers(cursor, tables)
            for table in tables:
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for model in models:
                _copy_table(cursor, model, source)
            # Check the foreign keys now: a table with pending checks cannot be altered.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for statement in enable:
                cursor.execute(statement)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    finally:
        source.close()


def _copy_table(cursor, model: type[Model], source: SQLiteWrapper) -> None:
    fields = model._meta.local_concrete_fields
    query = model._base_manager.values_list(*(f.attname for f in fields)).query
    rows = query.get_compiler(connection=source).results_iter(
        tuple_expected=True, chunked_fetch=True, chunk_size=2000
    )
    quote = connection.ops.quote_name
    statement = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(str(f.column)) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    prepared = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        ]
        for row in rows
    ]
    if prepared:
        cursor.executemany(statement, prepared)
