"""Clock events are identified by a stable key (a body's rhythm slot, an area event, a
round's deadline), not by their translated title."""

from django.db import migrations, models

AREA_KINDS = {"letter", "forum", "workshop", "follow_up", "deadline"}


def key_of(event, rounds) -> str:
    if event.slot == 99:
        return f"term:{event.kind}"
    if event.kind == "meeting" and event.body_id:
        return f"body:{event.body_id}:{event.slot}"
    if event.kind in {"election", "term", "orientation"} and event.day is None:
        return f"term:{event.kind}"
    for prefix, titles in rounds.items():
        for pk, title in titles:
            if event.title.endswith(title):
                return f"{prefix}:{pk}"
    if event.kind in AREA_KINDS and event.day is None:
        return f"area:{event.kind}:{event.month}"
    return f"legacy:{event.pk}"


def fill_keys(apps, schema_editor):
    ClockEvent = apps.get_model("clock", "ClockEvent")
    NominationRound = apps.get_model("nominations", "NominationRound")
    FollowUpRound = apps.get_model("programme", "FollowUpRound")
    CommentRound = apps.get_model("agreements", "CommentRound")
    rounds = {
        "nomination-round": list(NominationRound.objects.values_list("pk", "title")),
        "comment-round": list(CommentRound.objects.values_list("pk", "title")),
        "follow-up-round": [
            (r.pk, f"{r.programme.name} {r.year}") for r in FollowUpRound.objects.all()
        ],
    }
    seen = set()
    for event in ClockEvent.objects.order_by("pk"):
        key = key_of(event, rounds)
        if (event.area_id, event.year, key) in seen:
            key = f"legacy:{event.pk}"
        seen.add((event.area_id, event.year, key))
        event.key = key
        event.save(update_fields=["key"])


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0001_initial"),
        ("bodies", "0002_historicalmembership_nomination_round_and_more"),
        ("clock", "0001_initial"),
        ("meetings", "0004_freeze_triggers"),
        ("parties", "0001_initial"),
        ("nominations", "0002_freeze_triggers"),
        ("programme", "0001_initial"),
        ("agreements", "0004_freeze_triggers"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="clockevent", name="clock_event_unique"),
        migrations.AddField(
            model_name="clockevent",
            name="key",
            field=models.CharField(default="", max_length=100),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historicalclockevent",
            name="key",
            field=models.CharField(default="", max_length=100),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="clockevent",
            constraint=models.UniqueConstraint(
                fields=("area", "year", "key"), name="clock_event_key_unique"
            ),
        ),
    ]
