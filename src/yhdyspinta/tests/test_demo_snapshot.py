"""The kept copy of the demo that transactional tests start from: after Django empties
the tables, every row comes back as the session loaded it, and the database's own
guards (the freeze triggers, the sequences) work again."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from yhdyspinta.meetings.models import Minutes, MinutesItem
from yhdyspinta.testing import snapshot


def _counts() -> dict[str, tuple[int, int]]:
    with connection.cursor() as cursor:
        counts = {}
        for table in snapshot._tables():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            live = cursor.fetchone()[0]
            kept = connection.ops.quote_name(snapshot.PREFIX + table)
            cursor.execute(f"SELECT COUNT(*) FROM {kept}")  # noqa: S608
            counts[table] = (live, cursor.fetchone()[0])
        return counts


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's flush cannot empty approved minutes"
)
@pytest.mark.django_db(transaction=True)
def test_the_emptied_tables_get_the_demo_back_with_their_guards():
    call_command("flush", interactive=False, verbosity=0)
    assert not Minutes.objects.exists()
    snapshot.demo_data()
    counts = _counts()
    assert counts["meetings_minutes"][0] > 0
    assert {table: live for table, (live, _kept) in counts.items()} == {
        table: kept for table, (_live, kept) in counts.items()
    }
    approved = Minutes.objects.filter(status="approved").exclude(items=None).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        MinutesItem.objects.filter(minutes=approved).update(decision="Muutettu")
    assert not _behind(), "a sequence would give an id that is taken"


def _behind() -> list[str]:
    """The tables, through tables too, whose next id is one a row has already."""
    behind = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table, column = model._meta.db_table, model._meta.pk.column
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
            sequence = cursor.fetchone()[0]
            if sequence is None:
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END "  # noqa: S608
                f"FROM {sequence}), (SELECT MAX({connection.ops.quote_name(column)}) FROM {quoted})"
            )
            issued, highest = cursor.fetchone()
            if highest is not None and issued < highest:
                behind.append(table)
    return behind
