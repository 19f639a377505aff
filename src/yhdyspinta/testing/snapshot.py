"""The demo data of a test database, kept once and put back by SQL.

Tests that need the data committed (the browser's live server, worker processes, two
servers) run as transactional tests, and Django empties every table after each of them.
Loading the demo anew through the services takes half a minute on the CI machine; copying
it back from tables kept beside the real ones takes a second or two. The copy is
taken right after the session loads the demo (conftest.django_db_setup), so it is exactly
what every other test sees.

The kept tables (`demo_snapshot__<table>`) are no model's, so Django's flush leaves them
alone. Putting rows back disables the user triggers of the tables for the copy (the freeze
triggers refuse, say, an item inserted into approved minutes, which is what a copy does);
foreign keys are deferred to the commit, so the order of the tables does not matter.

PostgreSQL only: on SQLite the flush itself cannot empty approved minutes (the freeze
triggers refuse its DELETE; PostgreSQL's TRUNCATE fires no row trigger), so the
transactional tests that need the demo run on PostgreSQL.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

PREFIX = "demo_snapshot__"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def demo_data() -> None:
    """The demo areas in the database, committed: as the session loaded them, put back
    from the kept copy after a transactional test emptied the tables."""
    from yhdyspinta.areas.models import Area
    from yhdyspinta.testing import demo_cache

    if not Area.objects.exists() and not restore():
        demo_cache.load()


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def take() -> None:
    """Keep a copy of every model table's rows."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for table in _tables():
            kept = _quote(PREFIX + table)
            cursor.execute(f"DROP TABLE IF EXISTS {kept}")
            cursor.execute(f"CREATE TABLE {kept} AS SELECT * FROM {_quote(table)}")  # noqa: S608


def restore() -> bool:
    """Put the kept rows back into emptied tables; False when nothing was kept."""
    if connection.vendor != "postgresql":
        return False
    tables = _tables()
    kept = set(connection.introspection.table_names())
    if not tables or any(PREFIX + table not in kept for table in tables):
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        enable = disable_triggers(cursor, tables)
        for table in tables:
            # The flush's post_migrate has made content types and permissions anew.
            cursor.execute(f"DELETE FROM {_quote(table)}")  # noqa: S608
            cursor.execute(
                f"INSERT INTO {_quote(table)} SELECT * FROM {_quote(PREFIX + table)}"  # noqa: S608
            )
        # Check the foreign keys now: a table with pending checks cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in enable:
            cursor.execute(statement)
        for statement in connection.ops.sequence_reset_sql(
            no_style(), apps.get_models(include_auto_created=True)
        ):
            cursor.execute(statement)
    return True


def disable_triggers(cursor, tables: list[str]) -> list[str]:
    """Turn the tables' own triggers off for this transaction; returns what turns them on."""
    cursor.execute(
        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relname = ANY(%s)",
        [tables],
    )
    names = [row[0] for row in cursor.fetchall()]
    for name in names:
        cursor.execute(f"ALTER TABLE {_quote(name)} DISABLE TRIGGER USER")
    return [f"ALTER TABLE {_quote(name)} ENABLE TRIGGER USER" for name in names]
