"""One indicator value per indicator, year, level, organisation and sub-region, with
NULLs counted as equal (the area as a whole). Duplicates made before are merged: the
newest value stays."""

import django.db.models.functions.comparison
from django.db import migrations, models


def merge_duplicates(apps, schema_editor):
    IndicatorValue = apps.get_model("programme", "IndicatorValue")
    seen = set()
    for value in IndicatorValue.objects.order_by("-pk"):
        key = (value.indicator_id, value.year, value.level, value.organisation_id,
               value.sub_region_id)
        if key in seen:
            value.delete()
        seen.add(key)


class Migration(migrations.Migration):

    dependencies = [
        ('areas', '0001_initial'),
        ('parties', '0001_initial'),
        ('programme', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='indicatorvalue',
            name='indicatorvalue_unique',
        ),
        migrations.RunPython(merge_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='indicatorvalue',
            constraint=models.UniqueConstraint(models.F('indicator'), models.F('year'), models.F('level'), django.db.models.functions.comparison.Coalesce('organisation', models.Value(0)), django.db.models.functions.comparison.Coalesce('sub_region', models.Value(0)), name='indicatorvalue_unique', violation_error_message='This value has already been recorded.'),
        ),
    ]
