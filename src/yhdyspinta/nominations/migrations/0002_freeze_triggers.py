"""Records that freeze, in the database too: the answers of a closed nomination round (see yhdyspinta.core.freeze)."""

from django.db import migrations

from yhdyspinta.core.freeze import FreezeTrigger

CLOSED = (
    "EXISTS (SELECT 1 FROM nominations_nominationrequest r JOIN nominations_nominationround c "
    "ON c.id = r.round_id WHERE r.id = {request} AND c.status = 'closed')"
)
MESSAGE = "Kierros on suljettu: vastauksia ei voi muuttaa."


class Migration(migrations.Migration):
    dependencies = [("nominations", "0001_initial")]

    operations = [
        FreezeTrigger(
            name="freeze_nominationanswer",
            table="nominations_nominationanswer",
            frozen=CLOSED.replace("{request}", "{row}.request_id"),
            message=MESSAGE,
        ),
        FreezeTrigger(
            name="freeze_nominee",
            table="nominations_nominee",
            frozen=CLOSED.replace(
                "{request}",
                "(SELECT a.request_id FROM nominations_nominationanswer a "
                "WHERE a.id = {row}.answer_id)",
            ),
            message=MESSAGE,
        ),
    ]
