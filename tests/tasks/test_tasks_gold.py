"""Gold scoring per task type and the pause rule for experts who fail gold items."""

from __future__ import annotations

from typing import Any

import pytest

from tasks import (
    InvalidAnswer,
    InvalidConfig,
    ProjectConfig,
    expert_is_paused,
    gold_item_passed,
    score_against_gold,
)
from tasks.gold import box_iou

CONFIG = ProjectConfig(("a", "b", "c", "d"), 1)


@pytest.mark.parametrize(
    ("answer", "gold", "score"),
    [
        ({"label": "a"}, {"label": "a"}, 1.0),
        ({"label": "a", "unsure": True}, {"label": "a"}, 1.0),
        ({"label": "b"}, {"label": "a"}, 0.0),
        ({"labels": ["a", "b"]}, {"labels": ["a", "b"]}, 1.0),
        ({"labels": ["a", "b"]}, {"labels": ["a"]}, 0.5),
        ({"labels": ["a", "b", "c"]}, {"labels": ["b", "c", "d"]}, 0.5),
        ({"labels": ["a"]}, {"labels": ["b", "c"]}, 0.0),
        ({"labels": ["a", "b", "c", "d"]}, {"labels": ["a"]}, 0.25),
    ],
)
def test_classify_is_exact_or_jaccard(
    answer: dict[str, Any], gold: dict[str, Any], score: float
) -> None:
    assert score_against_gold("classify", answer, gold, CONFIG) == pytest.approx(score)


@pytest.mark.parametrize(
    ("answer", "gold", "score"),
    [
        ([[0, 2, "人名"], [3, 5, "地名"]], [[0, 2, "人名"], [3, 5, "地名"]], 1.0),
        # 1 of 2 found, 1 of 1 right: P = 1, R = 1/2, F1 = 2/3.
        ([[0, 2, "人名"]], [[0, 2, "人名"], [3, 5, "地名"]], 2 / 3),
        # A boundary off by one character is no match.
        ([[0, 3, "人名"], [3, 5, "地名"]], [[0, 2, "人名"], [3, 5, "地名"]], 0.5),
        ([[0, 2, "地名"]], [[0, 2, "人名"]], 0.0),
        # P = 1/3, R = 1/2: F1 = 2 · 1 / (3 + 2) = 0.4.
        ([[0, 2, "人名"], [3, 5, "地名"], [6, 8, "机构"]], [[0, 2, "人名"], [9, 10, "人名"]], 0.4),
        ([], [], 1.0),
        ([], [[0, 2, "人名"]], 0.0),
        ([[0, 2, "人名"]], [], 0.0),
    ],
)
def test_ner_is_exact_span_f1(answer: list[Any], gold: list[Any], score: float) -> None:
    assert score_against_gold("ner", {"spans": answer}, {"spans": gold}, CONFIG) == (
        pytest.approx(score)
    )


@pytest.mark.parametrize(
    ("answer", "gold", "score"),
    [
        ("张三在合肥", "张三在合肥", 1.0),
        ("张三在合肥", "李四在合肥", 1 - 2 / 5),
        ("合肥", "张三在合肥", 1 - 3 / 5),
        ("", "", 1.0),
        ("", "广告", 0.0),
    ],
)
def test_clean_is_one_minus_normalised_edit_distance(answer: str, gold: str, score: float) -> None:
    result = score_against_gold(
        "clean", {"text": answer, "flags": []}, {"text": gold, "flags": ["junk"]}, CONFIG
    )
    assert result == pytest.approx(score)


@pytest.mark.parametrize(
    ("a", "b", "iou"),
    [
        ((0, 0, 10, 10), (0, 0, 10, 10), 1.0),
        ((0, 0, 10, 10), (5, 0, 10, 10), 50 / 150),
        ((0, 0, 10, 10), (0, 0, 10, 5), 0.5),
        ((0, 0, 10, 10), (10, 0, 10, 10), 0.0),
        ((0, 0, 10, 10), (20, 20, 5, 5), 0.0),
        ((0, 0, 4, 4), (1, 1, 2, 2), 4 / 16),
    ],
)
def test_box_iou(a: tuple[float, ...], b: tuple[float, ...], iou: float) -> None:
    assert box_iou(a, b) == pytest.approx(iou) == pytest.approx(box_iou(b, a))


@pytest.mark.parametrize(
    ("answer", "gold", "score"),
    [
        ([[0, 0, 10, 10, "a"]], [[0, 0, 10, 10, "a"]], 1.0),
        # IoU 0.5 exactly still matches: a hit, whatever its IoU.
        ([[0, 0, 10, 5, "a"]], [[0, 0, 10, 10, "a"]], 1.0),
        # IoU 0.49 does not.
        ([[0, 0, 10, 4.9, "a"]], [[0, 0, 10, 10, "a"]], 0.0),
        # IoU 1/3 is below the threshold: no match at all.
        ([[5, 0, 10, 10, "a"]], [[0, 0, 10, 10, "a"]], 0.0),
        # Same place, other label: no match.
        ([[0, 0, 10, 10, "b"]], [[0, 0, 10, 10, "a"]], 0.0),
        # One perfect box and one missed: 2 · 1 / (1 + 2).
        ([[0, 0, 10, 10, "a"]], [[0, 0, 10, 10, "a"], [50, 50, 10, 10, "b"]], 2 / 3),
        # Both matched, IoUs 1 and 0.8: 2 · 2 / 4.
        (
            [[0, 0, 10, 10, "a"], [50, 50, 10, 8, "b"]],
            [[0, 0, 10, 10, "a"], [50, 50, 10, 10, "b"]],
            1.0,
        ),
        # Four of five gold boxes found, nothing extra: 2 · 4 / 9.
        (
            [[x, 0, 5, 5, "a"] for x in (0, 10, 20, 30)],
            [[x, 0, 5, 5, "a"] for x in (0, 10, 20, 30, 40)],
            8 / 9,
        ),
        # One answer box over two gold boxes counts once, for its best gold box.
        ([[0, 0, 10, 10, "a"]], [[0, 0, 10, 10, "a"], [0, 0, 10, 9, "a"]], 2 / 3),
        ([], [], 1.0),
        ([[0, 0, 1, 1, "a"]], [], 0.0),
    ],
)
def test_bbox_is_f1_at_iou_one_half(answer: list[Any], gold: list[Any], score: float) -> None:
    result = score_against_gold("bbox", {"boxes": answer}, {"boxes": gold}, CONFIG)
    assert result == pytest.approx(score)


def test_bbox_matching_prefers_the_highest_iou_pair() -> None:
    # The first answer box overlaps both gold boxes, the second only the first gold box.
    # Matching in list order would take the first gold box for the first answer box and leave
    # the second unmatched (score 0.5); by highest IoU first both match: 1.0.
    answer = [[0, 0, 10, 10, "a"], [0, 0, 10, 4, "a"]]
    gold = [[0, 0, 10, 6, "a"], [0, 0, 10, 9, "a"]]
    result = score_against_gold("bbox", {"boxes": answer}, {"boxes": gold}, CONFIG)
    assert result == pytest.approx(1.0)


def test_collect_cannot_be_scored() -> None:
    with pytest.raises(InvalidConfig) as caught:
        score_against_gold("collect", {"text": "a"}, {"text": "a"}, CONFIG)
    assert (caught.value.code, caught.value.params) == ("gold_not_supported", {"type": "collect"})


def test_unknown_type_cannot_be_scored() -> None:
    with pytest.raises(InvalidConfig) as caught:
        score_against_gold("rank", {}, {}, CONFIG)
    assert caught.value.code == "unknown_type"


@pytest.mark.parametrize(
    ("kind", "answer"),
    [
        ("classify", {}),
        ("classify", {"labels": []}),
        ("ner", {"spans": [[0, 1]]}),
        ("clean", {"text": None}),
        ("bbox", {"boxes": [[0, 0, 1]]}),
    ],
)
def test_malformed_answers_are_reported(kind: str, answer: dict[str, Any]) -> None:
    gold = {
        "classify": {"label": "a"},
        "ner": {"spans": []},
        "clean": {"text": ""},
        "bbox": {"boxes": []},
    }[kind]
    with pytest.raises(InvalidAnswer) as caught:
        score_against_gold(kind, answer, gold, CONFIG)
    assert (caught.value.code, caught.value.params) == ("gold_answer_shape", {"type": kind})


@pytest.mark.parametrize(
    ("score", "passed"), [(1.0, True), (0.8, True), (0.79, False), (0.0, False)]
)
def test_gold_item_passes_at_point_eight(score: float, passed: bool) -> None:
    assert gold_item_passed(score) is passed


def test_the_project_sets_the_score_a_check_answer_needs() -> None:
    from tasks import ProjectConfig, gold_item_pass_score

    assert gold_item_pass_score(CONFIG) == 0.8
    strict = gold_item_pass_score(ProjectConfig(options={"gold_item_threshold": 1.0}))
    assert strict == 1.0
    assert gold_item_passed(2 / 3, 2 / 3 + 1e-12) and not gold_item_passed(0.66, 2 / 3)


@pytest.mark.parametrize(
    ("correct", "total", "threshold", "min_items", "paused"),
    [
        (0, 4, 0.8, 5, False),  # too few gold answers to judge
        (3, 5, 0.8, 5, True),
        (4, 5, 0.8, 5, False),  # accuracy equal to the mark passes
        (7, 10, 0.7, 5, False),
        (7, 25, 0.28, 5, False),  # 0.28 · 25 is 7.000000000000001 in floats
        (6, 10, 0.7, 5, True),
        (29, 100, 0.3, 5, True),
        (30, 100, 0.3, 5, False),
        (0, 1, 0.5, 1, True),
        (0, 0, 0.5, 1, False),
        (0, 20, 0.0, 5, False),  # mark 0 never pauses
        (19, 20, 1.0, 5, True),
        (20, 20, 1.0, 5, False),
    ],
)
def test_expert_is_paused(
    correct: int, total: int, threshold: float, min_items: int, paused: bool
) -> None:
    assert expert_is_paused(correct, total, threshold, min_items) is paused


@pytest.mark.parametrize(
    ("correct", "total", "threshold", "min_items"),
    [
        (-1, 5, 0.5, 5),
        (6, 5, 0.5, 5),
        (1, 5, 1.5, 5),
        (1, 5, -0.1, 5),
        (1, 5, 0.5, 0),
    ],
)
def test_expert_is_paused_refuses_impossible_counts(
    correct: int, total: int, threshold: float, min_items: int
) -> None:
    with pytest.raises(ValueError):
        expert_is_paused(correct, total, threshold, min_items)
