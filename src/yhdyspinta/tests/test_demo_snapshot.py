"""The kept copy of the demo that transactional tests start from: after Django empties
the tables, every row comes back as the session loaded it, and the database's own
guards (the freeze triggers, the sequences) work again."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from yhdyspinta.meetings.models import Minutes, MinutesItem
from yhdyspinta.parties.models import Organisation
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
    highest = Organisation.objects.order_by("-pk").values_list("pk", flat=True).first()
    area = Organisation.objects.first().area
    assert Organisation.objects.create(area=area, name="Uusi yhdistys", kind="ngo").pk > highest
