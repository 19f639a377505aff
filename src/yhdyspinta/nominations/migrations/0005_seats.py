"""The link from a membership to the nomination round that created it moves out of the
bodies app (the base layer) into a seat of the round; the membership's 'based on' text
keeps naming the round. Every existing link is carried over."""

import django.db.models.deletion
from django.db import migrations, models


def carry_over(apps, schema_editor):
    Membership = apps.get_model("bodies", "Membership")
    Seat = apps.get_model("nominations", "Seat")
    Round = apps.get_model("consultations", "Round")
    titles = dict(Round.objects.values_list("nomination__id", "title").exclude(nomination__id=None))
    for membership in Membership.objects.exclude(nomination_round=None).iterator():
        Seat.objects.create(membership=membership, round_id=membership.nomination_round_id)
        if not membership.source:
            Membership.objects.filter(pk=membership.pk).update(
                source=titles.get(membership.nomination_round_id, "")[:200]
            )


def carry_back(apps, schema_editor):
    Membership = apps.get_model("bodies", "Membership")
    Seat = apps.get_model("nominations", "Seat")
    for seat in Seat.objects.iterator():
        Membership.objects.filter(pk=seat.membership_id).update(nomination_round_id=seat.round_id)


class Migration(migrations.Migration):

    dependencies = [
        ('bodies', '0002_historicalmembership_nomination_round_and_more'),
        ('consultations', '0001_initial'),
        ('nominations', '0004_history_of_kinds'),
    ]

    operations = [
        migrations.CreateModel(
            name='Seat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('membership', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='nomination_seat', to='bodies.membership')),
                ('round', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='seats', to='nominations.nominationround', verbose_name='round')),
            ],
            options={
                'verbose_name': 'seat from a nomination round',
                'verbose_name_plural': 'seats from nomination rounds',
            },
        ),
        migrations.RunPython(carry_over, carry_back),
    ]
