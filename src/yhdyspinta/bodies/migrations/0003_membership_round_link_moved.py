"""A membership no longer points up to a nomination round: nominations.Seat holds the
link (carried over by nominations 0005)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('bodies', '0002_historicalmembership_nomination_round_and_more'),
        ('nominations', '0005_seats'),
    ]

    operations = [
        migrations.RemoveField(model_name='historicalmembership', name='nomination_round'),
        migrations.RemoveField(model_name='membership', name='nomination_round'),
    ]
