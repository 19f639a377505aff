"""Nomination rounds and their requests become kinds of consultations.Round and
consultations.Request: the shared fields move to the parent rows (created here from each
existing row), the kinds keep their own ids and fields. Nothing is lost."""

import django.db.models.deletion
from django.db import migrations, models

from yhdyspinta.consultations.migration_operations import ChangeBases
from yhdyspinta.core.freeze import DropFreezeTrigger, FreezeTrigger

OLD_CLOSED = (
    "EXISTS (SELECT 1 FROM nominations_nominationrequest r JOIN nominations_nominationround c "
    "ON c.id = r.round_id WHERE r.id = {request} AND c.status = 'closed')"
)
CLOSED = (
    "EXISTS (SELECT 1 FROM nominations_nominationrequest r "
    "JOIN nominations_nominationround n ON n.id = r.round_id "
    "JOIN consultations_round c ON c.serial = n.consultation_id "
    "WHERE r.id = {request} AND c.status = 'closed')"
)
NOMINEE_REQUEST = (
    "(SELECT a.request_id FROM nominations_nominationanswer a WHERE a.id = {row}.answer_id)"
)
MESSAGE = "Kierros on suljettu: vastauksia ei voi muuttaa."


def triggers(closed: str, operation):
    return [
        operation(
            name="freeze_nominationanswer",
            table="nominations_nominationanswer",
            frozen=closed.replace("{request}", "{row}.request_id"),
            message=MESSAGE,
        ),
        operation(
            name="freeze_nominee",
            table="nominations_nominee",
            frozen=closed.replace("{request}", NOMINEE_REQUEST),
            message=MESSAGE,
        ),
    ]


ROUND_FIELDS = ("title", "deadline", "cover_letter", "reply_address", "status", "closed_at")
REQUEST_FIELDS = (
    "sent_at",
    "reminded_at",
    "reminder_count",
    "token_hash",
    "token_expires_at",
    "token_used_at",
)


def to_consultations(apps, schema_editor):
    Round = apps.get_model("consultations", "Round")
    Request = apps.get_model("consultations", "Request")
    NominationRound = apps.get_model("nominations", "NominationRound")
    NominationRequest = apps.get_model("nominations", "NominationRequest")
    for old in NominationRound.objects.order_by("pk"):
        parent = Round.objects.create(
            area_id=old.area_id, kind="nomination", **{f: getattr(old, f) for f in ROUND_FIELDS}
        )
        Round.objects.filter(pk=parent.pk).update(
            created_at=old.created_at, updated_at=old.updated_at
        )
        NominationRound.objects.filter(pk=old.pk).update(consultation=parent)
    rounds = dict(NominationRound.objects.values_list("pk", "consultation_id"))
    for old in NominationRequest.objects.order_by("pk"):
        parent = Request.objects.create(
            consultation_id=rounds[old.round_id],
            organisation_id=old.organisation_id,
            **{f: getattr(old, f) for f in REQUEST_FIELDS},
        )
        Request.objects.filter(pk=parent.pk).update(
            created_at=old.created_at, updated_at=old.updated_at
        )
        NominationRequest.objects.filter(pk=old.pk).update(request=parent)
    if schema_editor.connection.vendor == "postgresql":
        # Check the new rows' keys now: the table changes that follow in this
        # transaction cannot wait for deferred checks.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("nominations", "0002_freeze_triggers"),
        ("bodies", "0002_historicalmembership_nomination_round_and_more"),
    ]

    operations = [
        *triggers(OLD_CLOSED, DropFreezeTrigger),
        migrations.AddField(
            model_name="nominationround",
            name="consultation",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                parent_link=True,
                related_name="nomination",
                to="consultations.round",
            ),
        ),
        migrations.AddField(
            model_name="nominationrequest",
            name="request",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                parent_link=True,
                related_name="nomination",
                to="consultations.request",
            ),
        ),
        migrations.RunPython(to_consultations, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="nominationrequest", name="request_once_per_round"),
        *[
            migrations.RemoveField(model_name="nominationround", name=name)
            for name in ("area", *ROUND_FIELDS, "created_at", "updated_at")
        ],
        *[
            migrations.RemoveField(model_name="nominationrequest", name=name)
            for name in ("organisation", *REQUEST_FIELDS, "created_at", "updated_at")
        ],
        migrations.AlterField(
            model_name="nominationround",
            name="consultation",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                parent_link=True,
                related_name="nomination",
                to="consultations.round",
            ),
        ),
        migrations.AlterField(
            model_name="nominationrequest",
            name="request",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                parent_link=True,
                related_name="nomination",
                to="consultations.request",
            ),
        ),
        ChangeBases(model_name="nominationround", bases=("consultations.round",)),
        ChangeBases(model_name="nominationrequest", bases=("consultations.request",)),
    ]
