"""Writes of the indicators context: following an indicator set, and the one indicator
world, where a programme indicator bound to Sotkanet takes its values from the imported
data. Those values are written here only (after an import and when an indicator is
bound), never typed: programme pages read them where they read every value."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from yhdyspinta.areas.models import Area
from yhdyspinta.programme.models import Indicator, IndicatorValue

from . import selectors, sets
from .models import (
    DataSource,
    FollowedIndicator,
    OwnSet,
    SotkanetIndicator,
    SotkanetRegion,
    SotkanetValue,
)
from .tables import Table

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
    indicator_set = sets.by_code(code, area)
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


# --- the area's own indicator sets ---------------------------------------------------
_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "unit": {
        "percent": ("percent", "%", "prosentti", "prosenttia", "osuus"),
        "per_1000": ("per_1000", "‰", "/1000", "promille", "1000 asukasta kohden"),
        "count": ("count", "lukumäärä", "lkm", "määrä"),
        "score": ("score", "pisteet", "pistettä", "indeksi"),
    },
    "good": {
        "up": ("up", "ylös", "suurempi parempi", "kasvu", "nouseva", "+"),
        "down": ("down", "alas", "pienempi parempi", "lasku", "laskeva", "-"),
    },
    "kind": {
        "process": ("process", "prosessi", "prosessi-indikaattori", "prosessimittari"),
        "outcome": ("outcome", "tulos", "tulosindikaattori", "tulosmittari"),
    },
}


@dataclass(frozen=True)
class SetColumns:
    """Which column of the user's list holds what (None: not in the list), and what a
    row says where its list has no such column."""

    name: int
    key: int | None = None
    group: int | None = None
    sotkanet_id: int | None = None
    unit: int | None = None
    good: int | None = None
    kind: int | None = None
    unit_default: str = "percent"
    good_default: str = "up"
    kind_default: str = "outcome"


def own_set_rows(table: Table, columns: SetColumns) -> tuple[list[dict], list[str]]:
    """The set's rows made of the list's rows, and what is wrong with them (by row and
    column, counted as in the file: the header is row 1)."""
    rows: list[dict] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(table.rows, start=2):

        def cell(index: int | None, line: list[str] = line) -> str:
            return line[index].strip() if index is not None and index < len(line) else ""

        def where(index: int | None, number: int = number) -> str:
            column = table.header[index] if index is not None else ""
            return _("row %(row)s, column %(column)s") % {"row": number, "column": column}

        name = cell(columns.name)
        if not name:
            problems.append(where(columns.name) + ": " + _("The indicator has no name."))
            continue
        key = slugify(cell(columns.key) or name)[:80]
        if key in seen:
            problems.append(
                f"{where(columns.key if columns.key is not None else columns.name)}: "
                + _("The same indicator as on row %(row)s.") % {"row": seen[key]}
            )
            continue
        seen[key] = number
        row: dict[str, Any] = {
            "key": key,
            "name": {"fi": name},
            "group": {"fi": cell(columns.group)},
        }
        for attribute in ("unit", "good", "kind"):
            index = getattr(columns, attribute)
            text = cell(index).lower()
            found = next((v for v, words in _WORDS[attribute].items() if text in words), None)
            if text and found is None:
                allowed = ", ".join(w for words in _WORDS[attribute].values() for w in words[1:3])
                problems.append(
                    f"{where(index)}: "
                    + _("Unknown value %(value)s. Allowed: %(allowed)s.")
                    % {"value": cell(index), "allowed": allowed}
                )
            row[attribute] = found or getattr(columns, f"{attribute}_default")
        number_text = cell(columns.sotkanet_id)
        row["sotkanet_id"] = None
        if number_text:
            if not number_text.isdigit() or int(number_text) <= 0:
                problems.append(
                    f"{where(columns.sotkanet_id)}: "
                    + _("A Sotkanet indicator number is a whole number, e.g. 289.")
                )
            else:
                row["sotkanet_id"] = int(number_text)
        rows.append(row)
    if not rows and not problems:
        problems.append(_("The list has no indicators."))
    return rows, problems


@transaction.atomic
def own_set_save(
    *,
    access: Access,
    area: Area,
    user: Any,
    key: str,
    name: str,
    year: int,
    level: str,
    welfare_report: bool,
    rows: list[dict],
    source: str,
) -> OwnSet:
    """A new version of the area's own set (the first, if the key and year are new); the
    newest version itself when nothing differs from it."""
    if not access.can_edit_area_settings(area):
        raise PermissionDenied
    if any(s.key == key for s in sets.all_sets()):
        raise ValidationError({"key": _("A set shipped with the app has this short name.")})
    latest = (
        OwnSet.objects.select_for_update()
        .filter(area=area, key=key, year=year)
        .order_by("-version")
        .first()
    )
    if latest is not None and (
        latest.name,
        latest.level,
        latest.welfare_report,
        latest.indicators,
    ) == (name, level, welfare_report, rows):
        return latest  # the same set again (a double click, the same file): no new version
    own = OwnSet(
        area=area,
        key=key,
        year=year,
        version=latest.version + 1 if latest else 1,
        name=name,
        level=level,
        welfare_report=welfare_report,
        indicators=rows,
        source=source[:255],
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    own.full_clean()
    sets.parse_data(own.as_data(), name)  # the shape every set has, or SetFileError
    try:
        with transaction.atomic():
            own.save()
    except IntegrityError:  # the same version saved by another at the same moment
        raise ValidationError(
            _("Another version of the set was saved at the same moment: try again.")
        ) from None
    return own
