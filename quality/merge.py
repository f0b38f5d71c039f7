"""Merge rules: the consensus answer of k experts for entities, boxes and cleaned text.

Every rule is a strict majority of the experts who answered the item (more than k / 2):

- **Spans** (``ner``). Spans of different experts belong together when they carry the same
  label and overlap with a character IoU (Jaccard index of the two character ranges) of at
  least ``min_iou`` (0.5); an exact match has IoU 1. A group backed by more than half of the
  experts is kept, with the exact (start, end) that more than half of the experts gave; a
  group backed by fewer than half is outvoted and dropped. There is no consensus (None: the
  item goes to review) when a group is backed by exactly half of the experts (a tie, e.g.
  one of two experts marked it) or when a kept group's boundaries have no majority.
- **Boxes** (``bbox``). Boxes belong together when they carry the same label and their IoU
  is at least 0.5 (PASCAL VOC criterion, Everingham et al. 2010); each expert's boxes are
  matched one-to-one to the groups so far (Hungarian method on IoU). A group backed by more
  than half of the experts becomes one box whose coordinates are the mean of the group's
  boxes; fewer than half: dropped; exactly half: no consensus.
- **Text** (``clean``). The text more than half of the experts gave identically, with the
  flags more than half of the experts set; no such text: no consensus.

Worked examples (tested): two experts drawing (10, 10, 50, 50, 车) and (12, 12, 52, 52, 车)
agree (IoU 0.82) and merge into (11, 11, 51, 51, 车); two experts marking (0, 2, 人名) and
(0, 2, 地名) have no consensus; three experts marking (0, 2, 人名), (0, 2, 人名) and nothing
give [(0, 2, 人名)].
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from quality.boxes import Box, match_boxes
from quality.spans import Span

MIN_SPAN_IOU = 0.5
MIN_BOX_IOU = 0.5


def _majority(votes: int, voters: int) -> bool:
    return 2 * votes > voters


def _tie(votes: int, voters: int) -> bool:
    return 2 * votes == voters


def span_iou(a: Span, b: Span) -> float:
    """Character IoU of two spans ``(start, end, label)`` (end exclusive), labels ignored:
    |A ∩ B| / |A ∪ B| over character positions; 0 for disjoint spans."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


@dataclass
class _SpanGroup:
    anchor: Span
    members: dict[int, Span] = field(default_factory=dict)  # expert → span


def _span_groups(answers: Sequence[Sequence[Span]], min_iou: float) -> list[_SpanGroup]:
    groups: list[_SpanGroup] = []
    for expert, spans in enumerate(answers):
        for span in sorted(set(spans)):
            fits = [
                g
                for g in groups
                if expert not in g.members
                and g.anchor[2] == span[2]
                and span_iou(g.anchor, span) >= min_iou
            ]
            best = max(fits, key=lambda g: span_iou(g.anchor, span), default=None)
            if best is None:
                best = _SpanGroup(span)
                groups.append(best)
            best.members[expert] = span
    return groups


def merge_spans(
    answers: Sequence[Sequence[Span]], min_iou: float = MIN_SPAN_IOU
) -> list[Span] | None:
    """The consensus spans of the experts' answers to one item (see the module doc).

    ``answers[e]`` is expert e's list of ``(start, end, label)``. Returns the kept spans
    sorted by position, ``[]`` when a majority marked nothing, or None when there is no
    consensus (a tie, or boundaries without a majority). Raises ValueError without answers.
    """
    voters = len(answers)
    if not voters:
        raise ValueError("merge_spans needs at least one answer")
    kept: list[Span] = []
    for group in _span_groups(answers, min_iou):
        support = len(group.members)
        if _tie(support, voters):
            return None
        if not _majority(support, voters):
            continue
        span, votes = Counter(group.members.values()).most_common(1)[0]
        if not _majority(votes, voters):
            return None
        kept.append(span)
    return sorted(kept)


@dataclass
class _BoxGroup:
    members: list[Box] = field(default_factory=list)

    def mean(self) -> Box:
        n = len(self.members)
        x0, y0, x1, y1 = (sum(float(b[i]) for b in self.members) / n for i in range(4))
        return (x0, y0, x1, y1, self.members[0][4])


def merge_boxes(answers: Sequence[Sequence[Box]], min_iou: float = MIN_BOX_IOU) -> list[Box] | None:
    """The consensus boxes of the experts' answers to one image (see the module doc).

    ``answers[e]`` is expert e's list of ``(x_min, y_min, x_max, y_max, label)``. Returns
    the merged boxes (mean coordinates of each majority group), ``[]`` when a majority drew
    nothing, or None when there is no consensus (a group backed by exactly half of the
    experts). Raises ValueError without answers or on a malformed box.
    """
    voters = len(answers)
    if not voters:
        raise ValueError("merge_boxes needs at least one answer")
    groups: list[_BoxGroup] = []
    for boxes in answers:
        means = [g.mean() for g in groups]
        joined: set[int] = set()
        for i, j, iou in match_boxes(list(boxes), means):
            if iou >= min_iou:
                groups[j].members.append(boxes[i])
                joined.add(i)
        groups += [_BoxGroup([box]) for i, box in enumerate(boxes) if i not in joined]
    if any(_tie(len(g.members), voters) for g in groups):
        return None
    merged = [g.mean() for g in groups if _majority(len(g.members), voters)]
    return sorted(merged, key=lambda b: (b[1], b[0], b[3], b[2], b[4]))


def merge_texts(
    texts: Sequence[str], flags: Sequence[Sequence[str]] = ()
) -> tuple[str, list[str]] | None:
    """The consensus of cleaned texts: the text more than half of the experts gave
    identically, with the flags more than half of them set (in first-seen order).

    ``flags[e]`` are expert e's flags (none when empty). Returns ``(text, flags)`` or None
    when no text has a majority. Raises ValueError without texts.
    """
    voters = len(texts)
    if not voters:
        raise ValueError("merge_texts needs at least one text")
    text, votes = Counter(texts).most_common(1)[0]
    if not _majority(votes, voters):
        return None
    counts = Counter(flag for chosen in flags for flag in set(chosen))
    order = list(dict.fromkeys(flag for chosen in flags for flag in chosen))
    return text, [flag for flag in order if _majority(counts[flag], voters)]
