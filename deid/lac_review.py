"""The default profile's second opinion on the names the span judge is unsure of.

Baidu's LAC (``deid.lac``) finds names the character models miss and rejects words they
take for names, but reads a character about four times slower than the whole default
engine.  So it reads only ``WINDOW`` characters either side of each candidate whose
P(name) lies between ``DOUBT_FLOOR`` and ``DOUBT_CEILING`` and that no surer name of the
judge's overlaps (about 1.2 % of a news text's characters), and there:

- a candidate under the ceiling stands only where LAC reads a person over some of it (it
  drops 洪峰, 才华, 原子城 and 天津代表 that the judge half believed);
- a person LAC reads over a candidate the judge left under its threshold is a name, with
  LAC's boundaries (邓自力, 潘占林, 齐达内 and 祝捷, which the judge doubted).

Chosen out of fold on msra_train's judge block (the model card, item 20).  A court's
document (``is_judgment``) is not reviewed: it is judged from a lower threshold, where
every name counts and no precision is asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from deid.lac import PERSON_TAG, Lac, sentences
from deid.span_judge import Judged, SpanJudge

# A candidate the judge gives less than this is not looked at (nor reported).
DOUBT_FLOOR = 0.08
# From this P(name) on the judge is trusted without LAC.
DOUBT_CEILING = 0.35
# Characters LAC reads either side of a doubtful candidate (within its sentence).
WINDOW = 3

Span = tuple[int, int, float]


@dataclass(frozen=True)
class Window:
    """A stretch ``[start, end)`` of a text LAC reads, and the part of it ``[low, high)``
    where its persons are believed: a window cut inside a sentence may cut a word, and
    LAC reads the rest of it into a name (台|湾富绅林尔嘉 → 湾富绅林尔嘉), so a person
    touching such an edge is not taken."""

    start: int
    end: int
    low: int
    high: int


def windows(text: str, doubtful: Sequence[Judged]) -> list[Window]:
    """The stretches of ``text`` LAC reads for the ``doubtful`` candidates: ``WINDOW``
    characters either side of each, not past its sentence's ends, overlapping ones in one
    sentence joined."""
    if not doubtful:
        return []
    bounds = [(offset, offset + len(piece)) for offset, piece in sentences(text)]
    stretches: list[tuple[int, int, int, int]] = []  # start, end, sentence's first, last
    for candidate in sorted(doubtful, key=lambda c: c.start):
        first, last = next((b for b in bounds if b[0] <= candidate.start < b[1]), (0, len(text)))
        start = max(first, candidate.start - WINDOW)
        end = min(max(last, candidate.end), candidate.end + WINDOW)
        if stretches and stretches[-1][2] == first and start <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], max(end, stretches[-1][1]), first, last)
        else:
            stretches.append((start, end, first, last))
    return [
        Window(start, end, start + (start > first), end - (end < last))
        for start, end, first, last in stretches
    ]


def reviewed(
    texts: Sequence[str],
    judged: Sequence[Sequence[Judged]],
    levels: Sequence[float],
    reviewing: Sequence[bool],
    judge: SpanJudge,
    lac: Lac,
) -> list[list[Span]]:
    """The names of each of ``texts``: its ``judged`` candidates the judge keeps from its
    level (``SpanJudge.chosen``), with LAC's second opinion on the doubtful ones of the
    texts ``reviewing`` marks (the module's docstring)."""
    chosen = [judge.chosen(found, level) for found, level in zip(judged, levels, strict=True)]
    doubts = [
        [
            c
            for c in found
            if review
            and DOUBT_FLOOR <= c.chance < DOUBT_CEILING
            and not any(s < c.end and c.start < e for s, e, p in names if p >= DOUBT_CEILING)
        ]
        for found, names, review in zip(judged, chosen, reviewing, strict=True)
    ]
    result: list[list[Span]] = []
    for found, level, names, doubtful, people in zip(
        judged, levels, chosen, doubts, _persons(texts, doubts, lac), strict=True
    ):
        if doubtful:
            dropped = {id(c) for c in doubtful if not _meets(c, people)}
            names = judge.chosen([c for c in found if id(c) not in dropped], level)
            for person in people:
                under = [c.chance for c in doubtful if c.chance < level and _meets(c, [person])]
                if under and not any(s < person[1] and person[0] < e for s, e, _ in names):
                    names.append((person[0], person[1], max(under)))
            names.sort()
        result.append(names)
    return result


def _persons(
    texts: Sequence[str], doubts: Sequence[Sequence[Judged]], lac: Lac
) -> list[list[tuple[int, int]]]:
    """The persons LAC reads in the windows around each text's ``doubts``, all texts'
    windows read together."""
    pieces: list[str] = []
    owners: list[tuple[int, Window]] = []  # the text and window of each piece
    for number, (text, doubtful) in enumerate(zip(texts, doubts, strict=True)):
        for window in windows(text, doubtful):
            pieces.append(text[window.start : window.end])
            owners.append((number, window))
    persons: list[list[tuple[int, int]]] = [[] for _ in texts]
    for (number, window), words in zip(owners, lac.sentence_words(pieces), strict=True):
        for start, end, tag in words:
            start, end = start + window.start, end + window.start
            if tag == PERSON_TAG and window.low <= start and end <= window.high:
                persons[number].append((start, end))
    return persons


def _meets(candidate: Judged, people: Sequence[tuple[int, int]]) -> bool:
    return any(s < candidate.end and candidate.start < e for s, e in people)
