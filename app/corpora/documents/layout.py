"""Lines and paragraphs from positioned text (PDF and OFD pages).

A page gives runs of text with a position and a font size, the y axis pointing down. Runs are
joined into lines; lines into paragraphs. A new paragraph starts after a vertical gap larger
than 1.4 times the page's usual line spacing (the median gap), at an indented line (the first
line of a paragraph in 公文 is indented two characters, GB/T 9704-2012), or after a line that
ends well before the right margin. A paragraph that runs over a page break is joined again
when the page ends on a full line and the next one starts without an indent.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    """Text drawn at ``(x, y)`` (y down) in a font of ``size``; ``end`` is its right edge."""

    x: float
    y: float
    size: float
    text: str
    end: float = 0.0


def is_wide(ch: str) -> bool:
    """True for characters set a full em wide in Chinese text (UAX #11 W, F and A).

    Ambiguous characters (“”, ‘’, —, ·, §) are full width in CJK fonts.
    """
    return unicodedata.east_asian_width(ch) in "WFA"


def advance(text: str, size: float) -> float:
    """Estimated width of a text: a full em for wide (CJK) characters, half for others."""
    wide = sum(1 for ch in text if is_wide(ch))
    return size * (wide + 0.5 * (len(text) - wide))


def run(x: float, y: float, size: float, text: str) -> Run:
    """A Run whose right edge is estimated from its characters."""
    return Run(x, y, size, text, x + advance(text, size))


def _same_line(a: Run, b: Run) -> bool:
    return abs(a.y - b.y) <= 0.5 * max(a.size, b.size, 1e-6)


def _join_runs(runs: list[Run]) -> Run:
    first = runs[0]
    text = "".join(r.text for r in runs)
    return Run(first.x, first.y, max(r.size for r in runs), text, max(r.end for r in runs))


def lines_in_stream_order(runs: Iterable[Run]) -> list[Run]:
    """Join consecutive runs on the same baseline into lines, keeping the drawing order."""
    lines: list[list[Run]] = []
    for item in runs:
        if lines and _same_line(lines[-1][-1], item):
            lines[-1].append(item)
        else:
            lines.append([item])
    return [_join_runs(line) for line in lines]


def lines_in_reading_order(runs: Iterable[Run]) -> list[Run]:
    """Lines sorted top to bottom, runs in a line left to right (for unordered content)."""
    lines: list[list[Run]] = []
    for item in sorted(runs, key=lambda r: (r.y, r.x)):
        if lines and _same_line(lines[-1][0], item):
            lines[-1].append(item)
        else:
            lines.append([item])
    return [_join_runs(sorted(line, key=lambda r: r.x)) for line in lines]


def _joiner(left: str, right: str) -> str:
    if not left or not right:
        return ""
    # Latin text breaks lines at a space, which the line break replaced; CJK text anywhere.
    return "" if is_wide(left[-1]) or is_wide(right[0]) else " "


_SENTENCE_ENDS = ("。", "！", "？", "；", "：", ".", "!", "?", "。”", "！”", "？”", "…")
_PAGE_NUMBER = re.compile(r"^[-—–‒\s]*(第\s*)?\d{1,4}(\s*页)?[-—–‒\s]*$")


@dataclass(frozen=True)
class PageText:
    """A page's paragraphs, and whether its first and last ones run on across the page break."""

    paragraphs: list[str]
    continued: bool = False
    open_end: bool = False


def _indented(line: Run, left: float) -> bool:
    # An indent is either drawn as an offset or typed as leading (ideographic) spaces.
    return line.x > left + 0.9 * line.size or line.text.startswith(("\u3000", "  "))


def _short(line: Run, right: float) -> bool:
    return line.end < right - 2.5 * line.size


def _breaks(lines: list[Run], left: float, right: float) -> list[bool]:
    gaps = [b.y - a.y for a, b in zip(lines, lines[1:], strict=False)]
    usual = statistics.median(g for g in gaps if g > 0) if any(g > 0 for g in gaps) else 0.0
    breaks = [True]
    for previous, line, gap in zip(lines, lines[1:], gaps, strict=False):
        breaks.append(
            gap > 1.4 * usual + 0.1 or gap < 0 or _indented(line, left) or _short(previous, right)
        )
    return breaks


def _without_page_numbers(lines: list[Run]) -> list[Run]:
    lines = [line for line in lines if line.text.strip()]
    while lines and _PAGE_NUMBER.match(lines[-1].text):
        lines.pop()
    while lines and _PAGE_NUMBER.match(lines[0].text):
        lines.pop(0)
    return lines


def margins(
    pages: list[list[Run]], sheet: tuple[float, float] | None = None
) -> tuple[float, float]:
    """The text block's left and right edges over all pages (a sparse page has no margin).

    With the sheet's left and right edges, the right margin is taken to be at least as wide
    as the left one, so a notice of one-line paragraphs still shows where lines would end.
    """
    lines = [line for page in pages for line in page if line.text.strip()]
    if not lines:
        return 0.0, 0.0
    left, right = min(line.x for line in lines), max(line.end for line in lines)
    if sheet is not None and sheet[0] <= left < sheet[1]:
        right = max(right, sheet[1] - (left - sheet[0]))
    return left, right


def page_text(lines: list[Run], left: float, right: float) -> PageText:
    """Group the lines of one page into paragraphs; page numbers above or below are dropped.

    ``left`` and ``right`` are the text block's edges (``margins``).
    """
    lines = _without_page_numbers(lines)
    if not lines:
        return PageText([])
    result: list[str] = []
    for line, starts in zip(lines, _breaks(lines, left, right), strict=True):
        text = line.text.strip()
        if starts:
            result.append(text)
        else:
            result[-1] += _joiner(result[-1], text) + text
    return PageText(result, not _indented(lines[0], left), not _short(lines[-1], right))


def pages_text(pages: list[list[Run]], sheet: tuple[float, float] | None = None) -> list[str]:
    """The paragraphs of a document given the lines of each page (and the sheet's edges)."""
    left, right = margins(pages, sheet)
    return join_pages([page_text(lines, left, right) for lines in pages])


def join_pages(pages: list[PageText]) -> list[str]:
    """The paragraphs of all pages, a paragraph broken by a page break joined again.

    A page that ends a sentence (。！？ …) ends its paragraph, whatever the next page does.
    """
    result: list[str] = []
    open_end = False
    for page in pages:
        if not page.paragraphs:
            continue
        first, *rest = page.paragraphs
        if result and open_end and page.continued and not result[-1].endswith(_SENTENCE_ENDS):
            result[-1] += _joiner(result[-1], first) + first
        else:
            result.append(first)
        result += rest
        open_end = page.open_end
    return result
