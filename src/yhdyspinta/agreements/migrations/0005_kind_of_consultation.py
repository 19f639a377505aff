"""Comment and evaluation rounds and their requests become kinds of consultations.Round
and consultations.Request: the shared fields move to the parent rows (created here from
each existing row), the kinds keep their own ids and fields. Nothing is lost."""

import django.db.models.deletion
from django.db import migrations, models

from yhdyspinta.consultations.migration_operations import ChangeBases
from yhdyspinta.core.freeze import DropFreezeTrigger, FreezeTrigger

MESSAGE = "Kierros on suljettu: lausuntoja ja niiden käsittelyä ei voi muuttaa."
OLD_CLOSED = (
    "EXISTS (SELECT 1 FROM agreements_commentrequest r JOIN agreements_commentround c "
    "ON c.id = r.round_id WHERE r.id = {row}.request_id AND c.status = 'closed')"
)
CLOSED = (
    "EXISTS (SELECT 1 FROM agreements_commentrequest r "
    "JOIN agreements_commentround k ON k.id = r.round_id "
    "JOIN consultations_round c ON c.serial = k.consultation_id "
    "WHERE r.id = {row}.request_id AND c.status = 'closed')"
)
ROUND_FIELDS = ("kind", "title", "deadline", "cover_letter", "reply_address", "status", "closed_at")
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
    CommentRound = apps.get_model("agreements", "CommentRound")
    CommentRequest = apps.get_model("agreements", "CommentRequest")
    for old in CommentRound.objects.select_related("version__agreement").order_by("pk"):
        parent = Round.objects.create(
            area_id=old.version.agreement.area_id, **{f: getattr(old, f) for f in ROUND_FIELDS}
        )
        Round.objects.filter(pk=parent.pk).update(
            created_at=old.created_at, updated_at=old.updated_at
        )
        CommentRound.objects.filter(pk=old.pk).update(consultation=parent)
    rounds = dict(CommentRound.objects.values_list("pk", "consultation_id"))
    for old in CommentRequest.objects.order_by("pk"):
        parent = Request.objects.create(
            consultation_id=rounds[old.round_id],
            organisation_id=old.organisation_id,
            **{f: getattr(old, f) for f in REQUEST_FIELDS},
        )
        Request.objects.filter(pk=parent.pk).update(
            created_at=old.created_at, updated_at=old.updated_at
        )
        CommentRequest.objects.filter(pk=old.pk).update(request=parent)
    if schema_editor.connection.vendor == "postgresql":
        # Check the new rows' keys now: the table changes that follow in this
        # transaction cannot wait for deferred checks.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def link(model: str, name: str, to: str, related: str, *, null: bool):
    return models.OneToOneField(
        null=null,
        on_delete=django.db.models.deletion.CASCADE,
        parent_link=True,
        related_name=related,
        to=to,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0001_initial"),
        ("agreements", "0004_freeze_triggers"),
    ]

    operations = [
        DropFreezeTrigger(
            name="freeze_comment", table="agreements_comment", frozen=OLD_CLOSED, message=MESSAGE
        ),
        migrations.AddField(
            model_name="commentround",
            name="consultation",
            field=link("commentround", "consultation", "consultations.round", "comment_round", null=True),
        ),
        migrations.AddField(
            model_name="commentrequest",
            name="request",
            field=link("commentrequest", "request", "consultations.request", "comment_request", null=True),
        ),
        migrations.RunPython(to_consultations, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="commentrequest", name="comment_request_once_per_round"
        ),
        *[
            migrations.RemoveField(model_name="commentround", name=name)
            for name in (*ROUND_FIELDS, "created_at", "updated_at")
        ],
        *[
            migrations.RemoveField(model_name="commentrequest", name=name)
            for name in ("organisation", *REQUEST_FIELDS, "created_at", "updated_at")
        ],
        migrations.AlterField(
            model_name="commentround",
            name="consultation",
            field=link("commentround", "consultation", "consultations.round", "comment_round", null=False),
        ),
        migrations.AlterField(
            model_name="commentrequest",
            name="request",
            field=link("commentrequest", "request", "consultations.request", "comment_request", null=False),
        ),
        ChangeBases(model_name="commentround", bases=("consultations.round",)),
        ChangeBases(model_name="commentrequest", bases=("consultations.request",)),
    ]
