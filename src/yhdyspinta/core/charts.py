"""Hand-made SVG geometry shared by the programme and indicator pages: a line chart of one
or more series (optionally with a target line and dots) and a horizontal bar chart.
Templates draw it inside {% localize off %}; the numbers always also go in a table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format

COLOURS = ["#0b4f8a", "#b35c00", "#1d6b2f", "#6a1b9a", "#4a5560"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", ""]


@dataclass
class Series:
    label: str
    points: Sequence[tuple[int, float]]
    computed: bool = False
    partial: bool = False


@dataclass
class LineGeometry:
    label: str
    points: str
    colour: str
    dash: str
    computed: bool
    dots: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class LineChart:
    width: int
    height: int
    left: int
    right: float
    lines: list[LineGeometry]
    x_ticks: list[tuple[float, int]]
    y_ticks: list[tuple[float, str]]
    target_y: float | None = None


def line_chart(
    lines: Sequence[Series],
    *,
    width: int = 640,
    height: int = 260,
    years: Sequence[int] | None = None,
    target: float | None = None,
    dots: bool = False,
) -> LineChart | None:
    """Coordinates for the series; `years` widens the x axis (e.g. to a programme's end),
    `target` adds a horizontal target line."""
    values = [float(v) for line in lines for _y, v in line.points]
    if not values:
        return None
    years = sorted(set(years or []) | {y for line in lines for y, _v in line.points})
    numbers = values + ([float(target)] if target is not None else [])
    low, high = min(numbers), max(numbers)
    if high == low:
        high = low + 1
    low, high = max(0.0, low - (high - low) * 0.15), high + (high - low) * 0.15
    left, right_pad, top, bottom = 56, 16, 12, 30
    right = width - right_pad

    def x(year: int) -> float:
        if len(years) == 1:
            return round((left + right) / 2, 1)
        return round(left + (year - years[0]) * (right - left) / (years[-1] - years[0]), 1)

    def y(value: float) -> float:
        return round(top + (high - float(value)) / (high - low) * (height - top - bottom), 1)

    geometry = [
        LineGeometry(
            line.label,
            " ".join(f"{x(yr)},{y(v)}" for yr, v in line.points),
            COLOURS[i % len(COLOURS)],
            DASHES[i % len(DASHES)],
            line.computed,
            [(x(yr), y(v)) for yr, v in line.points] if dots else [],
        )
        for i, line in enumerate(lines)
    ]
    step = max(1, len(years) // 8)
    return LineChart(
        width=width,
        height=height,
        left=left,
        right=right,
        lines=geometry,
        x_ticks=[(x(year), year) for year in years[::step]],
        y_ticks=[
            (y(low + (high - low) * i / 4), number_format(low + (high - low) * i / 4, 1))
            for i in range(5)
        ],
        target_y=y(target) if target is not None else None,
    )


@dataclass
class Bar:
    label: str
    value: float
    y: float
    width: float


@dataclass
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    label_width: int = 170
    bar_height: int = 18


def bar_chart(items: list[tuple[str, float]], width: int = 640) -> BarChart | None:
    if not items:
        return None
    top = max(value for _label, value in items) or 1
    usable = width - 170 - 70
    bars = [
        Bar(label, value, 8 + i * 24, round(usable * value / top, 1))
        for i, (label, value) in enumerate(items)
    ]
    return BarChart(width=width, height=16 + 24 * len(items), bars=bars)
