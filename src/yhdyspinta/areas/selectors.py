"""Reads shared by the pages of the area: the list of areas, the structure picture,
sub-regions with their municipalities, and object history."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_m2m_reverse_field_name

from yhdyspinta.bodies.models import Body, Level, Membership
from yhdyspinta.parties.models import Organisation, OrganisationKind

from .models import Area, SubRegion

__all__ = [
    "area_list",
    "history_entries",
    "structure_picture",
    "sub_regions_with_municipalities",
]


def area_list() -> QuerySet[Area]:
    return Area.objects.order_by("name")


def sub_regions_with_municipalities(*, area: Area) -> QuerySet[SubRegion]:
    return area.sub_regions.prefetch_related(
        Prefetch(
            "organisations",
            queryset=Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by(
                "name"
            ),
            to_attr="municipalities",
        )
    )


def active_memberships(day: date | None = None) -> QuerySet[Membership]:
    day = day or timezone.localdate()
    return Membership.objects.filter(starts_on__lte=day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day)
    )


# --- the structure picture --------------------------------------------------------

PICTURE_WIDTH = 1200
LABEL_WIDTH = 190
ROW_HEIGHT = 150
BOX_HEIGHT = 112
BOX_GAP = 16
MAX_BOX_WIDTH = 300
MAX_PER_LINE = 5


@dataclass
class PictureBox:
    body: Body
    x: int
    y: int
    width: int
    height: int
    name_lines: list[str]
    convener: str
    rhythm: list[str]
    rhythm_short: str
    organisations: list[str]

    @property
    def center_x(self) -> int:
        return self.x + self.width // 2


@dataclass
class PictureRow:
    level: str
    label: str
    y: int
    lines: int = 1
    boxes: list[PictureBox] = field(default_factory=list)

    @property
    def height(self) -> int:
        return self.lines * ROW_HEIGHT - (ROW_HEIGHT - BOX_HEIGHT)

    @property
    def label_lines(self) -> list[str]:
        return textwrap.wrap(self.label, 20)

    @property
    def label_y(self) -> int:
        return self.y + self.height // 2 - 9 * (len(self.label_lines) - 1)


@dataclass
class PictureEdge:
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass
class StructurePicture:
    width: int
    height: int
    rows: list[PictureRow]
    edges: list[PictureEdge]

    @property
    def body_count(self) -> int:
        return sum(len(r.boxes) for r in self.rows)


def _wrap(text: str, width_px: int, max_lines: int, px_per_char: float = 9) -> list[str]:
    chars = max(8, int(width_px // px_per_char))
    lines = textwrap.wrap(text, chars) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: chars - 1].rstrip() + "…"
    return lines


def structure_bodies(*, area: Area) -> list[Body]:
    """The area's current bodies with convener, rhythm and member organisations, in
    three queries whatever their number."""
    return list(
        Body.objects.filter(area=area, ended_on__isnull=True)
        .select_related("convener", "sub_region", "parent")
        .prefetch_related(
            "rhythm_rules",
            Prefetch(
                "memberships",
                queryset=active_memberships().select_related("organisation"),
                to_attr="active_memberships",
            ),
        )
        .order_by("sub_region__order", "name")
    )


def structure_picture(*, area: Area) -> StructurePicture:
    """Lay the area's bodies out by level, top-down, as boxes with lines to the body
    each reports to. The template draws it as SVG and as a list with the same content."""
    bodies = structure_bodies(area=area)
    level_labels = dict(Level.choices)
    rows: list[PictureRow] = []
    boxes_by_body: dict[int, PictureBox] = {}
    y = 20
    usable = PICTURE_WIDTH - LABEL_WIDTH - 20
    for level in Level.order():
        in_level = [b for b in bodies if b.level == level]
        if not in_level:
            continue
        lines = [in_level[i : i + MAX_PER_LINE] for i in range(0, len(in_level), MAX_PER_LINE)]
        row = PictureRow(level=level, label=str(level_labels[level]), y=y, lines=len(lines))
        per_line = len(lines[0])
        width = min(MAX_BOX_WIDTH, (usable - BOX_GAP * (per_line - 1)) // per_line)
        for line_index, line in enumerate(lines):
            total = width * len(line) + BOX_GAP * (len(line) - 1)
            x = LABEL_WIDTH + (usable - total) // 2
            line_y = y + line_index * ROW_HEIGHT
            for body in line:
                box = _box(body, x, line_y, width)
                row.boxes.append(box)
                boxes_by_body[body.pk] = box
                x += width + BOX_GAP
        rows.append(row)
        y += ROW_HEIGHT * len(lines)
    edges = []
    for box in boxes_by_body.values():
        parent = boxes_by_body.get(box.body.parent_id or 0)
        if parent is None:
            continue
        if parent.y < box.y:
            edges.append(PictureEdge(box.center_x, box.y, parent.center_x, parent.y + BOX_HEIGHT))
        else:
            edges.append(PictureEdge(box.center_x, box.y + BOX_HEIGHT, parent.center_x, parent.y))
    return StructurePicture(width=PICTURE_WIDTH, height=max(y, 60), rows=rows, edges=edges)


def _box(body: Body, x: int, y: int, width: int) -> PictureBox:
    organisations = sorted({m.organisation.name for m in body.active_memberships})
    return PictureBox(
        body=body,
        x=x,
        y=y,
        width=width,
        height=BOX_HEIGHT,
        name_lines=_wrap(body.name, width - 16, 2),
        convener=_wrap(body.convener.name, width - 90, 1, 7)[0],
        rhythm=[r.describe() for r in body.rhythm_rules.all()],
        rhythm_short=_wrap(
            "; ".join(r.describe() for r in body.rhythm_rules.all()), width - 16, 1, 7
        )[0],
        organisations=organisations,
    )


# --- history ----------------------------------------------------------------------


@dataclass
class HistoryEntry:
    when: object
    who: str
    kind: str
    changes: list[tuple[str, str, str]]
    reason: str = ""


# simple-history ships no Finnish or Swedish labels for its record types.
HISTORY_KINDS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def history_entries(obj: Model, limit: int = 200) -> list[HistoryEntry]:
    """The object's change history, newest first, each entry with its field changes.
    Foreign keys are shown by name, fetched in one query per related model."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-pk")[:limit]
    )
    m2m_fields = list(getattr(obj.history.model, "_history_m2m_fields", []))
    m2m_values = _m2m_values(records, m2m_fields)
    raw: list[list[tuple]] = []
    wanted: dict[type, set] = {}
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            for m2m_field in m2m_fields:
                old = m2m_values[m2m_field.name].get(previous.pk, set())
                new = m2m_values[m2m_field.name].get(record.pk, set())
                if old != new:
                    wanted.setdefault(m2m_field.related_model, set()).update(old | new)
                    changes.append((m2m_field, _M2MChange(m2m_field.name, old, new)))
            excluded = [f.name for f in m2m_fields]
            diff = record.diff_against(
                previous, foreign_keys_are_objs=False, excluded_fields=excluded
            )
            for change in diff.changes:
                model_field = _model_field(obj, change.field)
                if model_field is not None and model_field.many_to_one:
                    wanted.setdefault(model_field.related_model, set()).update(
                        v for v in (change.old, change.new) if v is not None
                    )
                changes.append((model_field, change))
        raw.append(changes)
    names = {
        model: {o.pk: str(o) for o in model._default_manager.filter(pk__in=ids)}
        for model, ids in wanted.items()
    }
    entries = []
    for record, changes in zip(records, raw, strict=True):
        shown = []
        for model_field, change in changes:
            label = str(model_field.verbose_name) if model_field is not None else change.field
            if model_field is not None and model_field.many_to_one:
                lookup = names[model_field.related_model]
                old, new = lookup.get(change.old, change.old), lookup.get(change.new, change.new)
            elif isinstance(change, _M2MChange):
                lookup = names[model_field.related_model]
                old = sorted(lookup.get(pk, str(pk)) for pk in change.old)
                new = sorted(lookup.get(pk, str(pk)) for pk in change.new)
            else:
                old, new = change.old, change.new
            shown.append((label, _show(old), _show(new)))
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else "—",
                kind=str(HISTORY_KINDS.get(record.history_type, record.history_type)),
                changes=shown,
                reason=record.history_change_reason or "",
            )
        )
    return entries


@dataclass
class _M2MChange:
    field: str
    old: set
    new: set


def _m2m_values(records: list, m2m_fields: list) -> dict[str, dict[int, set]]:
    """For each many-to-many field, the related ids of every history record: one query
    per field instead of two per record."""
    values: dict[str, dict[int, set]] = {}
    for m2m_field in m2m_fields:
        values[m2m_field.name] = {}
        if not records:
            continue
        through = getattr(records[0], m2m_field.name).model
        target = get_m2m_reverse_field_name(m2m_field)
        rows = through.objects.filter(history__in=[r.pk for r in records]).values_list(
            "history_id", target
        )
        for history_id, related_id in rows:
            values[m2m_field.name].setdefault(history_id, set()).add(related_id)
    return values


def _model_field(obj: Model, name: str):
    try:
        return obj._meta.get_field(name)
    except Exception:  # a name only the history model has
        return None


def _show(value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v.get("theme", v)) if isinstance(v, dict) else str(v) for v in value)
    return str(value)
