"""Hand-made SVG geometry for the indicator pages: a line chart of several series and a
horizontal bar chart. Templates draw it; the numbers are always also in a table."""

from __future__ import annotations

from dataclasses import dataclass

COLOURS = ["#0b4f8a", "#b35c00", "#1d6b2f", "#6a1b9a", "#4a5560"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", ""]


@dataclass
class LineGeometry:
    label: str
    points: str
    colour: str
    dash: str
    computed: bool


@dataclass
class LineChart:
    width: int
    height: int
    lines: list[LineGeometry]
    x_ticks: list[tuple[float, int]]
    y_ticks: list[tuple[float, str]]


def line_chart(lines, width: int = 640, height: int = 260) -> LineChart | None:
    points = [(year, value) for line in lines for year, value in line.points]
    if not points:
        return None
    years = sorted({year for year, _v in points})
    low, high = min(v for _y, v in points), max(v for _y, v in points)
    if high == low:
        high = low + 1
    low, high = max(0.0, low - (high - low) * 0.1), high + (high - low) * 0.1
    left, right, top, bottom = 56, 16, 12, 30

    def x(year):
        if len(years) == 1:
            return (left + width - right) / 2
        return round(left + (year - years[0]) * (width - left - right) / (years[-1] - years[0]), 1)

    def y(value):
        return round(top + (high - value) / (high - low) * (height - top - bottom), 1)

    geometry = [
        LineGeometry(
            line.label,
            " ".join(f"{x(yr)},{y(v)}" for yr, v in line.points),
            COLOURS[i % len(COLOURS)],
            DASHES[i % len(DASHES)],
            line.computed,
        )
        for i, line in enumerate(lines)
    ]
    step = max(1, len(years) // 8)
    return LineChart(
        width=width,
        height=height,
        lines=geometry,
        x_ticks=[(x(year), year) for year in years[::step]],
        y_ticks=[
            (y(low + (high - low) * i / 4), f"{low + (high - low) * i / 4:.1f}") for i in range(5)
        ],
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
