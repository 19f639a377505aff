"""The history of the kinds of rounds follows them; the freeze triggers come back,
reading the round's status where it now lives."""

import django.db.models.deletion
from importlib import import_module

from django.db import migrations, models

from yhdyspinta.core.freeze import FreezeTrigger

kind = import_module("yhdyspinta.agreements.migrations.0005_kind_of_consultation")
CLOSED, MESSAGE = kind.CLOSED, kind.MESSAGE



class Migration(migrations.Migration):

    dependencies = [
        ('agreements', '0005_kind_of_consultation'),
        ('areas', '0001_initial'),
        ('consultations', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalcommentrequest',
            name='consultation',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='consultations.round'),
        ),
        migrations.AddField(
            model_name='historicalcommentrequest',
            name='request',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, parent_link=True, related_name='+', to='consultations.request'),
        ),
        migrations.AddField(
            model_name='historicalcommentrequest',
            name='serial',
            field=models.BigIntegerField(blank=True, db_index=True, default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalcommentround',
            name='area',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='areas.area'),
        ),
        migrations.AddField(
            model_name='historicalcommentround',
            name='consultation',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, parent_link=True, related_name='+', to='consultations.round'),
        ),
        migrations.AddField(
            model_name='historicalcommentround',
            name='serial',
            field=models.BigIntegerField(blank=True, db_index=True, default=0),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='commentrequest',
            name='id',
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.AlterField(
            model_name='commentround',
            name='id',
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.AlterField(
            model_name='historicalcommentrequest',
            name='id',
            field=models.BigIntegerField(blank=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='historicalcommentround',
            name='id',
            field=models.BigIntegerField(blank=True, db_index=True),
        ),
        migrations.AlterField(
            model_name='historicalcommentround',
            name='kind',
            field=models.CharField(choices=[('nomination', 'Nomination round'), ('comments', 'Comment round'), ('evaluation', 'Evaluation round'), ('follow_up', 'Yearly follow-up')], max_length=12, verbose_name='kind'),
        ),
        migrations.AlterField(
            model_name='historicalcommentround',
            name='reply_address',
            field=models.EmailField(blank=True, help_text="E.g. the registry's address.", max_length=254, verbose_name='written answers to'),
        ),
        FreezeTrigger(
            name="freeze_comment", table="agreements_comment", frozen=CLOSED, message=MESSAGE
        ),
    ]
