"""The yearly follow-up becomes a kind of consultations.Round (with a request to each
responsible organisation, as the other rounds have): "open" becomes the round's status,
and the title is made from the programme and the year. Nothing is lost."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Q

from yhdyspinta.consultations.migration_operations import ChangeBases
from yhdyspinta.core.freeze import DropFreezeTrigger, FreezeTrigger

MESSAGE = "Vuoden seuranta on suljettu: sen raportteja ei voi muuttaa."
JOINS = (
    "EXISTS (SELECT 1 FROM programme_measure m "
    "JOIN programme_goal g ON g.id = m.goal_id "
    "JOIN programme_priority p ON p.id = g.priority_id "
    "JOIN programme_followupround f ON f.programme_id = p.programme_id "
)
OLD_CLOSED = JOINS + "WHERE m.id = {row}.measure_id AND f.year = {row}.year AND f.is_open = FALSE)"
CLOSED = (
    JOINS + "JOIN consultations_round c ON c.serial = f.consultation_id "
    "WHERE m.id = {row}.measure_id AND f.year = {row}.year AND c.status = 'closed')"
)


def to_consultations(apps, schema_editor):
    Round = apps.get_model("consultations", "Round")
    Request = apps.get_model("consultations", "Request")
    FollowUpRound = apps.get_model("programme", "FollowUpRound")
    Organisation = apps.get_model("parties", "Organisation")
    for old in FollowUpRound.objects.select_related("programme").order_by("pk"):
        parent = Round.objects.create(
            area_id=old.programme.area_id,
            kind="follow_up",
            title=f"{old.programme.name}: {old.year}",
            deadline=old.deadline,
            status="open" if old.is_open else "closed",
        )
        Round.objects.filter(pk=parent.pk).update(
            created_at=old.created_at, updated_at=old.updated_at
        )
        FollowUpRound.objects.filter(pk=old.pk).update(consultation=parent)
        responsible = Organisation.objects.filter(
            Q(led_measures__goal__priority__programme=old.programme)
            | Q(measures__goal__priority__programme=old.programme)
        ).distinct()
        for organisation in responsible:
            Request.objects.create(
                consultation=parent, organisation=organisation, sent_at=old.created_at
            )
    if schema_editor.connection.vendor == "postgresql":
        # Check the new rows' keys now: the table changes that follow in this
        # transaction cannot wait for deferred checks.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("programme", "0003_freeze_closed_follow_up"),
    ]

    operations = [
        DropFreezeTrigger(
            name="freeze_measurereport",
            table="programme_measurereport",
            frozen=OLD_CLOSED,
            message=MESSAGE,
        ),
        migrations.AddField(
            model_name="followupround",
            name="consultation",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                parent_link=True,
                related_name="follow_up",
                to="consultations.round",
            ),
        ),
        migrations.RunPython(to_consultations, migrations.RunPython.noop),
        *[
            migrations.RemoveField(model_name="followupround", name=name)
            for name in ("deadline", "is_open", "created_at", "updated_at")
        ],
        migrations.AlterField(
            model_name="followupround",
            name="consultation",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                parent_link=True,
                related_name="follow_up",
                to="consultations.round",
            ),
        ),
        ChangeBases(model_name="followupround", bases=("consultations.round",)),
    ]
