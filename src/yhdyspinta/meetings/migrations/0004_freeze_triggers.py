"""Records that freeze, in the database too: approved minutes with their items, theme work, agenda and attendance (see yhdyspinta.core.freeze)."""

from django.db import migrations

from yhdyspinta.core.freeze import FreezeTrigger

IN_FROZEN_MINUTES = (
    "EXISTS (SELECT 1 FROM meetings_minutes m WHERE m.id = {row}.minutes_id "
    "AND m.status IN ('approved', 'superseded'))"
)
MESSAGE = "Hyväksyttyä muistiota ei voi muuttaa: tee oikaisu (uusi versio)."


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_historicalminutesitem_historicalthemeworkgroup_and_more")]

    operations = [
        FreezeTrigger(
            name="freeze_minutes",
            table="meetings_minutes",
            frozen="{row}.status IN ('approved', 'superseded')",
            message=MESSAGE,
            columns=(
                "meeting_id",
                "version",
                "summary",
                "correction_note",
                "approval_method",
                "approved_at",
                "approved_by_id",
                "approved_in_id",
            ),
            self_state=True,
            refused="NEW.status NOT IN ('approved', 'superseded')",
        ),
        FreezeTrigger(
            name="freeze_minutesitem",
            table="meetings_minutesitem",
            frozen=IN_FROZEN_MINUTES,
            message=MESSAGE,
        ),
        FreezeTrigger(
            name="freeze_themeworkgroup",
            table="meetings_themeworkgroup",
            frozen=IN_FROZEN_MINUTES,
            message=MESSAGE,
        ),
        FreezeTrigger(
            name="freeze_themeworkidea",
            table="meetings_themeworkidea",
            frozen=(
                "EXISTS (SELECT 1 FROM meetings_themeworkgroup g JOIN meetings_minutes m "
                "ON m.id = g.minutes_id WHERE g.id = {row}.group_id AND m.status IN ('approved', 'superseded'))"
            ),
            message=MESSAGE,
            columns=("group_id", "text", "proposed_by", "actors", "mode"),
        ),
        FreezeTrigger(
            name="freeze_agendaitem",
            table="meetings_agendaitem",
            frozen=(
                "EXISTS (SELECT 1 FROM meetings_minutes m WHERE m.meeting_id = {row}.meeting_id "
                "AND m.status IN ('approved', 'superseded'))"
            ),
            message="Kokouksen muistio on hyväksytty: esityslistaa ja liitteitä ei voi muuttaa.",
        ),
        FreezeTrigger(
            name="freeze_attendance",
            table="meetings_attendance",
            frozen=(
                "EXISTS (SELECT 1 FROM meetings_meeting mt WHERE mt.id = {row}.meeting_id "
                "AND mt.status IN ('minutes_approved', 'published'))"
            ),
            message="Muistio on hyväksytty: läsnäoloja ei voi enää muuttaa.",
        ),
    ]
