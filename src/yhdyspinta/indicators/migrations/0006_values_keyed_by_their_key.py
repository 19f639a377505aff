"""A Sotkanet value is identified by its indicator, region, year and gender: that key
becomes the primary key, and the surrogate id (never read, a sequence and an index the
import paid for on every row) goes."""

from django.db import migrations, models

KEY = "indicator_id, region_id, year, gender"


def primary_key(apps, schema_editor):
    # Django makes a composite primary key only when it creates a table. SQLite's table is
    # made anew by the operations above, with the key; PostgreSQL's is altered in place.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE indicators_sotkanetvalue ADD PRIMARY KEY ({KEY})")


def no_primary_key(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE indicators_sotkanetvalue DROP CONSTRAINT indicators_sotkanetvalue_pkey"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0005_values_without_redundant_indexes"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="sotkanetvalue",
            name="sotkanet_value_key",
        ),
        migrations.AddField(
            model_name="sotkanetvalue",
            name="pk",
            field=models.CompositePrimaryKey(
                "indicator",
                "region",
                "year",
                "gender",
                blank=True,
                editable=False,
                primary_key=True,
                serialize=False,
            ),
        ),
        migrations.RemoveField(
            model_name="sotkanetvalue",
            name="id",
        ),
        migrations.RunPython(primary_key, no_primary_key, elidable=False),
    ]
