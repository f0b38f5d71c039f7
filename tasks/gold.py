"""Scoring an expert's answer to a gold item, and pausing experts who fail too many.

Answers are the normalised dicts the task types' ``validate_result`` returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from tasks.config import ProjectConfig
from tasks.errors import InvalidAnswer, InvalidConfig
from tasks.textdiff import normalised_edit_distance

IOU_THRESHOLD = 0.5
#: A gold answer scoring at least this counts as correct unless the project sets its own
#: ``gold_item_threshold`` (for single-label classify: the exact label).
GOLD_ITEM_PASS_SCORE = 0.8
#: Scores are ratios of small counts (2/3, 4/5 …); a float a hair under its threshold after
#: rounding still passes.
GOLD_SCORE_TOLERANCE = 1e-9

Answer = Mapping[str, Any]


def score_against_gold(
    kind: str, answer: Answer, gold_answer: Answer, config: ProjectConfig
) -> float:
    """How well ``answer`` matches the gold answer of the same item, in [0, 1].

    - classify: Jaccard index |A ∩ G| / |A ∪ G| of the chosen label sets — for single-label
      answers 1.0 when the labels are equal, else 0.0; the "unsure" flag is ignored.
    - ner: F1 of exactly matching (start, end, label) spans, 2·|A ∩ G| / (|A| + |G|).
    - clean: 1 − Levenshtein distance / longer length of the two texts (flags ignored).
    - bbox: F1 at IoU ≥ 0.5 — boxes of equal label matched one-to-one greedily by highest
      IoU (the PASCAL VOC criterion, Everingham et al. 2010), pairs below IoU 0.5 unmatched;
      score 2·|matched| / (|A| + |G|).
    Two empty answers (no span, no box) agree fully: 1.0.
    Raises InvalidConfig: unknown_type (name), gold_not_supported (type) for collect;
    InvalidAnswer: gold_answer_shape (type) when an answer lacks the type's fields.
    """
    if kind == "collect":
        raise InvalidConfig("gold_not_supported", type=kind)
    scorer = _SCORERS.get(kind)
    if scorer is None:
        raise InvalidConfig("unknown_type", name=kind[:40])
    try:
        return scorer(answer, gold_answer)
    except (LookupError, TypeError, ValueError):
        raise InvalidAnswer("gold_answer_shape", type=kind) from None


def _labels(answer: Answer) -> set[str]:
    labels = set(answer["labels"]) if "labels" in answer else {answer["label"]}
    if not labels:
        raise ValueError("a classify answer chooses at least one label")
    return labels


def _classify(answer: Answer, gold: Answer) -> float:
    chosen, right = _labels(answer), _labels(gold)
    return len(chosen & right) / len(chosen | right)


def _f1(matched: float, found: int, expected: int) -> float:
    return 2 * matched / (found + expected) if found + expected else 1.0


def _ner(answer: Answer, gold: Answer) -> float:
    found = {(s, e, label) for s, e, label in answer["spans"]}
    expected = {(s, e, label) for s, e, label in gold["spans"]}
    return _f1(len(found & expected), len(found), len(expected))


def _clean(answer: Answer, gold: Answer) -> float:
    text, right = answer["text"], gold["text"]
    if not isinstance(text, str) or not isinstance(right, str):
        raise TypeError("clean answers hold text")
    return 1.0 - normalised_edit_distance(text, right)


def box_iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two (x, y, w, h) boxes with w, h > 0, in [0, 1]."""
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    inter = max(width, 0.0) * max(height, 0.0)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def _bbox(answer: Answer, gold: Answer) -> float:
    found = [(tuple(map(float, box[:4])), box[4]) for box in answer["boxes"]]
    expected = [(tuple(map(float, box[:4])), box[4]) for box in gold["boxes"]]
    pairs = sorted(
        (
            (box_iou(a, g), i, j)
            for i, (a, a_label) in enumerate(found)
            for j, (g, g_label) in enumerate(expected)
            if a_label == g_label
        ),
        reverse=True,
    )
    used_found: set[int] = set()
    used_expected: set[int] = set()
    for iou, i, j in pairs:
        if iou < IOU_THRESHOLD:
            break
        if i not in used_found and j not in used_expected:
            used_found.add(i)
            used_expected.add(j)
    return _f1(len(used_found), len(found), len(expected))


_SCORERS: dict[str, Callable[[Answer, Answer], float]] = {
    "classify": _classify,
    "ner": _ner,
    "clean": _clean,
    "bbox": _bbox,
}


def gold_item_passed(score: float, pass_score: float = GOLD_ITEM_PASS_SCORE) -> bool:
    """Whether one gold answer counts as correct: ``score`` (from :func:`score_against_gold`)
    is at least ``pass_score`` (within :data:`GOLD_SCORE_TOLERANCE`). Raises nothing."""
    return score >= pass_score - GOLD_SCORE_TOLERANCE


def gold_item_pass_score(config: ProjectConfig) -> float:
    """The score a check answer needs to count as correct: the project's
    ``gold_item_threshold``, else :data:`GOLD_ITEM_PASS_SCORE`. For single-label
    classification scores are 0 or 1, so any threshold above 0 asks for the exact label."""
    value = config.options.get("gold_item_threshold")
    return float(value) if value is not None else GOLD_ITEM_PASS_SCORE


def expert_is_paused(correct: int, total: int, threshold: float, min_items: int = 5) -> bool:
    """Whether an expert's gold record is bad enough to stop serving them tasks.

    Input: gold items answered correctly (see :func:`gold_item_passed`) and answered in
    all; ``threshold`` the project's ``gold_pass_mark``; ``min_items`` gold answers needed
    before judging. Output: True when total >= min_items and correct / total < threshold
    (an accuracy equal to the threshold passes). Raises ValueError when counts are negative,
    correct > total, threshold is outside [0, 1] or min_items < 1.
    """
    if correct < 0 or total < correct or min_items < 1 or not 0.0 <= threshold <= 1.0:
        raise ValueError("need 0 <= correct <= total, min_items >= 1, 0 <= threshold <= 1")
    # Compared as fractions: 0.28 * 25 is 7.000000000000001 in floats, which would pause 7/25.
    return total >= min_items and Fraction(correct, total) < _decimal(threshold)


def _decimal(value: float) -> Fraction:
    return Fraction(value).limit_denominator(1_000_000)
