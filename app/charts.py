"""Geometry for the server-rendered SVG charts (no JavaScript chart library)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH, BAR_HEIGHT, GAP, LABEL_WIDTH = 560, 22, 8, 140


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: its label, value text and rectangle."""

    label: str
    text: str
    y: float
    width: float


def bars(
    rows: Sequence[tuple[str, float | None]], low: float = 0.0, high: float = 1.0
) -> tuple[list[Bar], float]:
    """Horizontal bars for values in ``low``..``high``; None draws no bar. Returns bars and
    the chart height."""
    span = (high - low) or 1.0
    usable = WIDTH - LABEL_WIDTH - 60
    out = []
    for index, (label, value) in enumerate(rows):
        clipped = None if value is None else min(max(value, low), high)
        width = 0.0 if clipped is None else usable * (clipped - low) / span
        out.append(
            Bar(
                label,
                "—" if value is None else f"{value:.3f}",
                index * (BAR_HEIGHT + GAP),
                round(width, 1),
            )
        )
    return out, len(rows) * (BAR_HEIGHT + GAP)


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
