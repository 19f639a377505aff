"""Writes of the indicators context: following an indicator set, and the one indicator
world, where a programme indicator bound to Sotkanet takes its values from the imported
data. Those values are written here only (after an import and when an indicator is
bound), never typed: programme pages read them where they read every value."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from yhdyspinta.areas.models import Area
from yhdyspinta.programme.models import Indicator, IndicatorValue

from . import selectors, sets
from .models import DataSource, FollowedIndicator, SotkanetIndicator, SotkanetRegion, SotkanetValue

if TYPE_CHECKING:
    from yhdyspinta.accounts.permissions import Access

SOTKANET = "sotkanet"


@transaction.atomic
def follow_set(*, access: Access, area: Area, code: str) -> tuple[int, int]:
    """The area follows every row of the set (idempotent: a row it follows already is
    kept with its own binding). A row with a confirmed Sotkanet id that has been imported
    is bound to it; the others stay unbound until the area binds them. Returns
    (added, bound)."""
    if not access.can_edit_area_settings(area):
        raise PermissionDenied
    indicator_set = sets.by_code(code)
    if indicator_set is None:
        raise ValidationError(_("No such indicator set."))
    source = DataSource.objects.filter(area=area, name__istartswith="Sotkanet").first()
    if source is None:
        source = DataSource.objects.create(
            area=area,
            name="Sotkanet (THL)",
            description=indicator_set.source,
            url="https://sotkanet.fi",
        )
    known = set(
        SotkanetIndicator.objects.filter(
            pk__in=[r.sotkanet_id for r in indicator_set.rows if r.sotkanet_id]
        ).values_list("pk", flat=True)
    )
    added = bound = 0
    for row in indicator_set.rows:
        sotkanet_id = row.sotkanet_id if row.sotkanet_id in known else None
        # A row followed already keeps its own binding; two administrators following the
        # set at once add each row once (get_or_create and the unique constraint).
        _followed, created = FollowedIndicator.objects.get_or_create(
            area=area,
            set_code=code,
            row_key=row.key,
            defaults={
                "source": source,
                "sotkanet_id": sotkanet_id,
                "name": row.names.get("fi", row.name),
            },
        )
        added += created
        bound += created and sotkanet_id is not None
    return added, bound


@transaction.atomic
def choose_area_region(*, access: Access, area: Area, region: SotkanetRegion) -> SotkanetRegion:
    """The Sotkanet region (a wellbeing services county) whose figures are the area's own:
    the cockpit ranks it among the counties, the reports show it as the area's level."""
    if not access.can_edit_area_settings(area):
        raise PermissionDenied
    region = SotkanetRegion.objects.select_for_update().get(pk=region.pk)
    if region.category != SotkanetRegion.COUNTY:
        raise ValidationError(_("Choose a wellbeing services county."))
    if region.area_id not in (None, area.pk):
        raise ValidationError(
            _("%(region)s is already the region of %(area)s.")
            % {"region": region.title, "area": region.area}
        )
    SotkanetRegion.objects.filter(area=area, category=SotkanetRegion.COUNTY).exclude(
        pk=region.pk
    ).update(area=None)
    region.area = area
    region.save(update_fields=["area"])
    return region


@transaction.atomic
def bind_programme_indicator(
    *, access: Access, indicator: Indicator, sotkanet: SotkanetIndicator, gender: str = "total"
) -> int:
    """A programme indicator takes its values from Sotkanet from now on: the values typed
    for it so far are replaced by the imported ones. Returns the number of values."""
    area = indicator.goal.priority.programme.area
    if not access.can_edit_area_settings(area):
        raise PermissionDenied
    indicator.source = Indicator.Source.SOTKANET
    indicator.sotkanet_id = sotkanet.pk
    indicator.sotkanet_gender = gender
    indicator.source_name = ""
    indicator.full_clean()
    indicator.save()
    return sync_programme_values(indicators=[indicator])


def _decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


def sync_programme_values(*, indicators: list[Indicator] | None = None) -> int:
    """Write the values of Sotkanet-bound programme indicators from the imported data:
    each municipality of the area, each sub-region and the area (computed from the
    municipalities where the area's own figure is not in the data). Runs after every
    import on the worker and when an indicator is bound. Returns the values written."""
    if indicators is None:
        indicators = list(
            Indicator.objects.filter(
                source=Indicator.Source.SOTKANET, sotkanet_id__isnull=False
            ).select_related("goal__priority__programme__area")
        )
    written = 0
    known = {
        i.pk: i
        for i in SotkanetIndicator.objects.filter(pk__in=[i.sotkanet_id for i in indicators])
    }
    for indicator in indicators:
        sotkanet = known.get(indicator.sotkanet_id) if indicator.sotkanet_id else None
        with transaction.atomic():
            IndicatorValue.objects.filter(indicator=indicator).delete()
            if sotkanet is None:
                continue  # bound to an indicator not imported yet: no values, never zeros
            rows = _values_for(indicator, sotkanet, indicator.goal.priority.programme.area)
            IndicatorValue.objects.bulk_create(rows)
            written += len(rows)
    return written


def _values_for(
    indicator: Indicator, sotkanet: SotkanetIndicator, area: Area
) -> list[IndicatorValue]:
    gender = indicator.sotkanet_gender or "total"
    regions = selectors.area_regions(area)
    by_region = {r.pk: r for r in regions}
    common = {"indicator": indicator, "source": SOTKANET, "is_demo": sotkanet.is_synthetic}
    rows = []
    for region_id, year, value in SotkanetValue.objects.filter(
        indicator=sotkanet, region_id__in=list(by_region), gender=gender, value__isnull=False
    ).values_list("region_id", "year", "value"):
        if value is None:  # excluded by the query; this tells the type checker
            continue
        rows.append(
            IndicatorValue(
                **common,
                year=year,
                level=IndicatorValue.Level.MUNICIPALITY,
                organisation_id=by_region[region_id].organisation_id,
                value=_decimal(value),
            )
        )
    for sub_region in area.sub_regions.all():
        ids = [r.pk for r in regions if selectors.sub_region_of(r) == sub_region.pk]
        points, _partial = selectors.computed_series(sotkanet, ids, gender)
        rows += [
            IndicatorValue(
                **common,
                year=year,
                level=IndicatorValue.Level.SUB_REGION,
                sub_region=sub_region,
                value=_decimal(value),
            )
            for year, value in points
        ]
    points, _computed, _partial = selectors.area_series(sotkanet, area, gender, regions)
    rows += [
        IndicatorValue(**common, year=year, level=IndicatorValue.Level.AREA, value=_decimal(value))
        for year, value in points
    ]
    return rows
