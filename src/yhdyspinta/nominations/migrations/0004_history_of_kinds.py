"""The history of the kinds of rounds follows them; the freeze triggers come back,
reading the round's status where it now lives."""

import django.db.models.deletion
from importlib import import_module

from django.db import migrations, models

from yhdyspinta.core.freeze import FreezeTrigger

kind = import_module("yhdyspinta.nominations.migrations.0003_kind_of_consultation")
CLOSED, triggers = kind.CLOSED, kind.triggers



class Migration(migrations.Migration):

    dependencies = [
        ('consultations', '0001_initial'),
        ('nominations', '0003_kind_of_consultation'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalnominationround',
            name='consultation',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, parent_link=True, related_name='+', to='consultations.round'),
        ),
        migrations.AddField(
            model_name='historicalnominationround',
            name='kind',
            field=models.CharField(choices=[('nomination', 'Nomination round'), ('comments', 'Comment round'), ('evaluation', 'Evaluation round'), ('follow_up', 'Yearly follow-up')], default='nomination', max_length=12, verbose_name='kind'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalnominationround',
            name='serial',
            field=models.BigIntegerField(blank=True, db_index=True, default=0),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='historicalnominationround',
            name='id',
            field=models.BigIntegerField(blank=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='historicalnominationround',
            name='title',
            field=models.CharField(max_length=300, verbose_name='title of the round'),
        ),
        migrations.AlterField(
            model_name='nominationrequest',
            name='id',
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.AlterField(
            model_name='nominationround',
            name='id',
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        *triggers(CLOSED, FreezeTrigger),
    ]
