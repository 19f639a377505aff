"""The history of the kinds of rounds follows them; the freeze triggers come back,
reading the round's status where it now lives."""

from importlib import import_module

from django.db import migrations, models

from yhdyspinta.core.freeze import FreezeTrigger

kind = import_module("yhdyspinta.programme.migrations.0004_kind_of_consultation")
CLOSED, MESSAGE = kind.CLOSED, kind.MESSAGE



class Migration(migrations.Migration):

    dependencies = [
        ('programme', '0004_kind_of_consultation'),
    ]

    operations = [
        migrations.AlterField(
            model_name='followupround',
            name='id',
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        FreezeTrigger(
            name="freeze_measurereport",
            table="programme_measurereport",
            frozen=CLOSED,
            message=MESSAGE,
        ),
    ]
