"""Reads of the overview pages: the list of areas, the structure picture and the
sub-regions with their municipalities."""

from __future__ import annotations

import textwrap
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, QuerySet
from django.utils.translation import ngettext

from yhdyspinta.areas.models import Area, SubRegion
from yhdyspinta.bodies.models import Body, Level, RhythmRule
from yhdyspinta.bodies.selectors import active_memberships, working
from yhdyspinta.core.lookups import AnyOf
from yhdyspinta.parties.models import Organisation, OrganisationKind

__all__ = [
    "area_list",
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


# --- the structure picture --------------------------------------------------------

PICTURE_WIDTH = 1200
LABEL_WIDTH = 190
ROW_HEIGHT = 150
BOX_HEIGHT = 112
BOX_GAP = 16
MAX_BOX_WIDTH = 300
MAX_PER_LINE = 5
# A level draws at most four lines of boxes (a county's twenty-odd municipal groups fit):
# a picture of a hundred boxes shows no structure, and the page would grow with the
# area's bodies. The rest of a level are counted in the last box, which opens the list
# of the level's bodies.
MAX_LINES = 4
MAX_BOXES = MAX_PER_LINE * MAX_LINES


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
class MoreBox:
    """The last box of a level with more bodies than it draws: how many are left out."""

    count: int
    label: str
    x: int
    y: int
    width: int
    height: int
    label_lines: list[str]


@dataclass
class PictureRow:
    level: str
    label: str
    y: int
    lines: int = 1
    boxes: list[PictureBox] = field(default_factory=list)
    more: MoreBox | None = None  # the level's bodies left out of the picture

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


# The bodies of a sub-region first, in its order, then the area-wide (on both databases).
DRAWING_ORDER = (F("sub_region__order").asc(nulls_last=True), "name", "pk")


def structure_bodies(*, area: Area) -> tuple[list[Body], dict[str, int]]:
    """The area's current bodies that the picture draws, with convener, rhythm and the
    names of their member organisations (`member_names`, from values), and how many of
    each level are left out (more than `MAX_BOXES`: the first `MAX_BOXES - 1` are drawn,
    the last box counts the rest). Four queries whatever their number; only the drawn
    bodies are read in full."""
    by_level: dict[str, list[int]] = defaultdict(list)
    for pk, level in (
        Body.objects.filter(working(), area=area)
        .order_by(*DRAWING_ORDER)
        .values_list("pk", "level")
    ):
        by_level[level].append(pk)
    drawn, left_out = [], {}
    for level, pks in by_level.items():
        if len(pks) > MAX_BOXES:
            left_out[level] = len(pks) - (MAX_BOXES - 1)
            pks = pks[: MAX_BOXES - 1]
        drawn.extend(pks)
    # The ids as one array (lookups.AnyOf): a national area draws some 60 bodies, and a
    # query of over 50 parameters is parsed anew on every run.
    bodies = list(
        Body.objects.filter(AnyOf(F("pk"), drawn))
        .select_related("convener", "sub_region", "parent")
        .prefetch_related(
            # In a body's own order, without the joins the rules' default order adds.
            Prefetch("rhythm_rules", queryset=RhythmRule.objects.order_by("period", "meeting_kind"))
        )
        .order_by(*DRAWING_ORDER)
    )
    names = defaultdict(set)
    for body_id, name in (
        active_memberships()
        .filter(AnyOf(F("body_id"), [b.pk for b in bodies]))
        .order_by()  # sorted below: the seats' own order would join area, body and person
        .values_list("body_id", "organisation__name")
    ):
        names[body_id].add(name)
    for body in bodies:
        body.member_names = sorted(names[body.pk])
    return bodies, left_out


def structure_picture(*, area: Area) -> StructurePicture:
    """Lay the area's bodies out by level, top-down, as boxes with lines to the body
    each reports to. The template draws it as SVG and as a list with the same content."""
    bodies, left_out = structure_bodies(area=area)
    level_labels = dict(Level.choices)
    rows: list[PictureRow] = []
    boxes_by_body: dict[int, PictureBox] = {}
    y = 20
    usable = PICTURE_WIDTH - LABEL_WIDTH - 20
    for level in Level.order():
        in_level: list[Body | None] = [b for b in bodies if b.level == level]
        if not in_level:
            continue
        if level in left_out:
            in_level.append(None)  # the box that counts the rest
        lines = [in_level[i : i + MAX_PER_LINE] for i in range(0, len(in_level), MAX_PER_LINE)]
        row = PictureRow(level=level, label=str(level_labels[level]), y=y, lines=len(lines))
        per_line = len(lines[0])
        width = min(MAX_BOX_WIDTH, (usable - BOX_GAP * (per_line - 1)) // per_line)
        for line_index, line in enumerate(lines):
            total = width * len(line) + BOX_GAP * (len(line) - 1)
            x = LABEL_WIDTH + (usable - total) // 2
            line_y = y + line_index * ROW_HEIGHT
            for body in line:
                if body is None:
                    row.more = _more(left_out[level], x, line_y, width)
                    continue
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


def _more(count: int, x: int, y: int, width: int) -> MoreBox:
    label = ngettext(
        "%(counter)s more body at this level", "%(counter)s more bodies at this level", count
    ) % {"counter": count}
    return MoreBox(count, label, x, y, width, BOX_HEIGHT, _wrap(f"+ {label}", width - 16, 3))


def _box(body: Body, x: int, y: int, width: int) -> PictureBox:
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
        organisations=body.member_names,
    )
