"""Pure geometry for the dashboard's SVG charts: axes, horizontal bars and lines, in viewBox units.

No Flask and no text: the template draws the shapes and writes the (translated) labels. Every scale copes with
all-zero data, so an empty chart is drawn as an empty axis instead of dividing by zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 640

#: Line styles: colour, dash pattern and marker all differ between neighbours, so colour never carries meaning alone.
_COLOURS = ("#00527a", "#b34700", "#0b6a98", "#3d3d3d")
_DASHES = ("", "8 4", "2 3", "10 3 2 3")
_MARKERS = ("circle", "square", "triangle", "diamond")
LINE_STYLES = tuple(
    {"colour": _COLOURS[i % 4], "dash": _DASHES[(i + i // 4) % 4], "marker": _MARKERS[(i + 2 * (i // 4)) % 4]}
    for i in range(8)
)


@dataclass(frozen=True)
class Tick:
    value: float
    #: Position along the axis (x for a horizontal axis, y for a vertical one).
    pos: float


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    value: int


@dataclass
class BarRow:
    """One horizontal bar (made of stacked segments) with its label line above it."""

    label: str
    label_y: float
    y: float
    height: float
    segments: list[Segment]

    @property
    def end(self) -> float:
        """Where the bar stops: the value text goes right after it."""
        last = self.segments[-1]
        return last.x + last.width


@dataclass
class BarChart:
    width: float
    height: float
    plot_x: float
    plot_y: float
    plot_width: float
    plot_height: float
    ticks: list[Tick]
    rows: list[BarRow]

    @property
    def axis_y(self) -> float:
        return self.plot_y + self.plot_height


@dataclass
class Line:
    points: str
    #: (x, y) of each value, for the markers.
    marks: list[tuple[float, float]]
    style: dict = field(default_factory=dict)


@dataclass
class LineChart:
    width: float
    height: float
    plot_x: float
    plot_y: float
    plot_width: float
    plot_height: float
    #: Horizontal gridlines and their labels (values on the y axis).
    y_ticks: list[Tick]
    #: Labelled points on the x axis; `value` is an index into the days.
    x_ticks: list[Tick]
    lines: list[Line]

    @property
    def axis_y(self) -> float:
        return self.plot_y + self.plot_height


def nice_axis(maximum: float, target_ticks: int = 5) -> tuple[int, int]:
    """(top, step) of a whole-number axis that holds `maximum`, in steps of 1, 2 or 5 × 10ⁿ; at least (1, 1)."""
    if maximum <= 0:
        return 1, 1
    rough = maximum / target_ticks
    magnitude = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= rough)
    return step * math.ceil(maximum / step), step


def scale(value: float, top: float, length: float) -> float:
    """`value` as a length on an axis running from 0 to `top`; 0 when the axis is empty."""
    if top <= 0:
        return 0.0
    return round(length * min(max(value, 0), top) / top, 2)


def ticks(top: int, step: int, start: float, length: float, *, reverse: bool = False) -> list[Tick]:
    """Ticks 0, step, … top along an axis of `length` from `start` (reverse: 0 at the far end, as on a y axis)."""
    result = []
    for value in range(0, top + 1, step):
        offset = scale(value, top, length)
        result.append(Tick(value, round(start + length - offset, 2) if reverse else round(start + offset, 2)))
    return result


def bar_rows(labels: Sequence[str], values: Sequence[Sequence[int]], top: float, *, x: float, y: float,
             width: float, bar_height: float = 20, label_height: float = 18, gap: float = 14) -> list[BarRow]:
    """One row per label: the label line, then a bar whose segments (e.g. confirmed, wait-listed) lie end to end."""
    rows = []
    row_y = y
    for label, parts in zip(labels, values, strict=True):
        segments, left, running = [], x, 0
        for part in parts:
            running += part
            right = x + scale(running, top, width)
            segments.append(Segment(round(left, 2), round(right - left, 2), part))
            left = right
        rows.append(BarRow(label, round(row_y + label_height - 5, 2), round(row_y + label_height, 2), bar_height,
                           segments))
        row_y += label_height + bar_height + gap
    return rows


def bar_chart(labels: Sequence[str], values: Sequence[Sequence[int]], *, top: int | None = None,
              step: int | None = None, width: float = WIDTH, value_margin: float = 170) -> BarChart:
    """A horizontal bar chart; the scale fits the longest bar unless `top`/`step` fix it (say 100 for %)."""
    if top is None or step is None:
        top, step = nice_axis(max((sum(parts) for parts in values), default=0))
    # Room on the left for half of the "0" / "0%" tick label, which is centred on the axis start.
    plot_x, plot_y = 16.0, 8.0
    plot_width = width - plot_x - value_margin
    rows = bar_rows(labels, values, top, x=plot_x, y=plot_y, width=plot_width)
    plot_height = (rows[-1].y + rows[-1].height + 8 - plot_y) if rows else 24.0
    return BarChart(width, plot_y + plot_height + 28, plot_x, plot_y, plot_width, plot_height,
                    ticks(top, step, plot_x, plot_width), rows)


def x_positions(days: Sequence[int], x: float, width: float) -> list[float]:
    """Positions of day numbers (ordinals) on a time axis; a single day sits in the middle."""
    if not days:
        return []
    first, last = min(days), max(days)
    if first == last:
        return [round(x + width / 2, 2) for _ in days]
    return [round(x + width * (day - first) / (last - first), 2) for day in days]


def tick_indices(count: int, most: int = 6) -> list[int]:
    """Which of `count` points get a label: the first, the last and evenly spread ones in between."""
    if count <= most:
        return list(range(count))
    return sorted({round(i * (count - 1) / (most - 1)) for i in range(most)})


def line_points(xs: Sequence[float], values: Sequence[int], top: float, y: float, height: float) -> Line:
    """A polyline through the values on a y axis from 0 (bottom, at y + height) to `top`."""
    marks = [(px, round(y + height - scale(v, top, height), 2)) for px, v in zip(xs, values, strict=True)]
    return Line(" ".join(f"{px:g},{py:g}" for px, py in marks), marks)


def line_chart(days: Sequence[int], series: Sequence[Sequence[int]], *, width: float = WIDTH,
               height: float = 280) -> LineChart:
    """Lines over a shared time axis of day numbers, with styles from LINE_STYLES in turn."""
    plot_x, plot_y, right, bottom = 48.0, 12.0, 24.0, 40.0
    plot_width, plot_height = width - plot_x - right, height - plot_y - bottom
    top, step = nice_axis(max((max(values, default=0) for values in series), default=0))
    xs = x_positions(days, plot_x, plot_width)
    lines = []
    for index, values in enumerate(series):
        line = line_points(xs, values, top, plot_y, plot_height)
        line.style = LINE_STYLES[index % len(LINE_STYLES)]
        lines.append(line)
    x_ticks = [Tick(i, xs[i]) for i in tick_indices(len(xs))]
    return LineChart(width, height, plot_x, plot_y, plot_width, plot_height,
                     ticks(top, step, plot_y, plot_height, reverse=True), x_ticks, lines)
