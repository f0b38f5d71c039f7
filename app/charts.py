"""Geometry for the server-rendered SVG charts (no JavaScript chart library)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH = 560, 22, 8, 140


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label, value text and rectangle (``x`` from the plot's left
    edge), and whether the value is below zero."""

    label: str
    text: str
    y: float
    width: float
    x: float = 0.0
    negative: bool = False


@dataclass(frozen=True)
class BarChart:
    """Bars with the chart's height and, when the range reaches below zero, where the zero
    axis runs (from the plot's left edge; None when the bars start at zero)."""

    bars: list[Bar]
    height: float
    zero: float | None


USABLE = WIDTH - LABEL_WIDTH - 60


def bars(
    rows: Sequence[tuple[str, float | None]], low: float = 0.0, high: float = 1.0
) -> tuple[list[Bar], float]:
    """Horizontal bars for values in ``low``..``high``; None draws no bar. Returns bars and
    the chart height."""
    chart = signed_bars(rows, low, high)
    return chart.bars, chart.height


def signed_bars(
    rows: Sequence[tuple[str, float | None]], low: float = 0.0, high: float = 1.0
) -> BarChart:
    """Bars that grow from zero: right for positive values, left for negative ones. The
    range reaches down to the lowest value (no lower than -1, where agreement figures end),
    so a negative α is drawn, not left blank."""
    values = [v for _, v in rows if v is not None]
    low = min([low, *values]) if values else low
    low = max(low, -1.0) if low < 0 else low
    span = (high - low) or 1.0

    def position(value: float) -> float:
        return USABLE * (min(max(value, low), high) - low) / span

    origin = position(0.0) if low < 0 else 0.0
    out = []
    for index, (label, value) in enumerate(rows):
        text = "—" if value is None else f"{value:.3f}"
        y = index * (BAR_HEIGHT + GAP)
        if value is None:
            out.append(Bar(label, text, y, 0.0, origin))
            continue
        end = position(value)
        left, right = min(origin, end), max(origin, end)
        out.append(Bar(label, text, y, round(right - left, 1), round(left, 1), value < 0))
    return BarChart(out, len(rows) * (BAR_HEIGHT + GAP), round(origin, 1) if low < 0 else None)


def polyline(
    values: Sequence[float],
    width: float = WIDTH,
    height: float = 160,
    low: float = -0.2,
    high: float = 1.0,
) -> str:
    """SVG polyline points for a series over time (evenly spaced), values clipped to range."""
    if not values:
        return ""
    step = width / max(len(values) - 1, 1)
    span = high - low
    points = []
    for index, value in enumerate(values):
        clipped = min(max(value, low), high)
        points.append(f"{index * step:.1f},{height - height * (clipped - low) / span:.1f}")
    return " ".join(points)


def heat(matrix: Sequence[Sequence[int]]) -> list[list[tuple[int, float]]]:
    """Each cell's count with its share of its row (0..1), for a confusion heat map."""
    out = []
    for row in matrix:
        total = sum(row) or 1
        out.append([(count, round(count / total, 3)) for count in row])
    return out


def count_bars(rows: Sequence[tuple[str, int]]) -> tuple[list[Bar], float]:
    """Horizontal bars for counts (a histogram): the longest bar is the largest count, each
    bar's text is its count."""
    drawn, height = bars(
        [(label, float(count)) for label, count in rows],
        0.0,
        max([count for _, count in rows] + [1]),
    )
    return [
        Bar(b.label, str(count), b.y, b.width) for b, (_, count) in zip(drawn, rows, strict=True)
    ], height
