"""Records that freeze, in the database too: the reports of a closed yearly follow-up
(see yhdyspinta.core.freeze)."""

from django.db import migrations

from yhdyspinta.core.freeze import FreezeTrigger


class Migration(migrations.Migration):
    dependencies = [("programme", "0002_null_safe_unique")]

    operations = [
        FreezeTrigger(
            name="freeze_measurereport",
            table="programme_measurereport",
            frozen=(
                "EXISTS (SELECT 1 FROM programme_measure m "
                "JOIN programme_goal g ON g.id = m.goal_id "
                "JOIN programme_priority p ON p.id = g.priority_id "
                "JOIN programme_followupround f ON f.programme_id = p.programme_id "
                "WHERE m.id = {row}.measure_id AND f.year = {row}.year AND f.is_open = FALSE)"
            ),
            message="Vuoden seuranta on suljettu: sen raportteja ei voi muuttaa.",
        ),
    ]
