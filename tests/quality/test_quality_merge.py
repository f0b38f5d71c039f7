"""Merge rules for entities, boxes and cleaned text, against the module's worked examples."""

from __future__ import annotations

import pytest

from quality.merge import merge_boxes, merge_spans, merge_texts, span_iou


def test_two_experts_with_nearly_the_same_box_merge_into_their_mean() -> None:
    merged = merge_boxes([[(10, 10, 50, 50, "车")], [(12, 12, 52, 52, "车")]])
    assert merged == [(11.0, 11.0, 51.0, 51.0, "车")]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([[(0, 0, 20, 20, "人")], [(0, 0, 20, 20, "车")]], None),  # same place, other label
        ([[(0, 0, 20, 20, "车")], [(60, 60, 80, 80, "车")]], None),  # IoU 0
        ([[], []], []),  # nobody drew a box: that is the consensus
        ([[(0, 0, 20, 20, "车")], [(1, 1, 21, 21, "车")], []], [(0.5, 0.5, 20.5, 20.5, "车")]),
        ([[(0, 0, 20, 20, "车")], [], []], []),  # one of three is outvoted
        (
            [
                [(0, 0, 20, 20, "车"), (50, 50, 90, 90, "人")],
                [(50, 50, 90, 90, "人"), (0, 0, 20, 20, "车")],
            ],
            [(0.0, 0.0, 20.0, 20.0, "车"), (50.0, 50.0, 90.0, 90.0, "人")],
        ),
    ],
)
def test_box_merge_examples(
    answers: list[list[tuple[float, float, float, float, str]]],
    expected: list[tuple[float, float, float, float, str]] | None,
) -> None:
    assert merge_boxes(answers) == expected


def test_span_iou_is_the_jaccard_index_of_character_ranges() -> None:
    assert span_iou((0, 4, "a"), (2, 6, "a")) == pytest.approx(2 / 6)
    assert span_iou((0, 2, "a"), (2, 4, "a")) == 0.0


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ([[(0, 2, "人名")], [(0, 2, "人名")]], [(0, 2, "人名")]),
        ([[(0, 2, "人名")], [(0, 2, "地名")]], None),  # label disagreement: review
        ([[(0, 2, "人名")], []], None),  # one of two marked it: a tie
        ([[(0, 2, "人名")], [(0, 2, "人名")], []], [(0, 2, "人名")]),
        ([[(0, 2, "人名")], [], []], []),
        ([[(0, 2, "人名")], [(0, 3, "人名")]], None),  # matched, boundaries without majority
        ([[(0, 2, "人名")], [(0, 2, "人名")], [(0, 3, "人名")]], [(0, 2, "人名")]),
        (
            [[(0, 2, "人名"), (5, 7, "地名")], [(5, 7, "地名"), (0, 2, "人名")]],
            [(0, 2, "人名"), (5, 7, "地名")],
        ),
    ],
)
def test_span_merge_examples(
    answers: list[list[tuple[int, int, str]]], expected: list[tuple[int, int, str]] | None
) -> None:
    assert merge_spans(answers) == expected


def test_text_merge_takes_the_majority_text_and_its_flags() -> None:
    assert merge_texts(["甲", "甲", "乙"], [["junk"], ["junk", "pii"], []]) == ("甲", ["junk"])
    assert merge_texts(["甲", "乙"]) is None
    assert merge_texts(["甲", "甲"]) == ("甲", [])


@pytest.mark.parametrize("merge", [merge_spans, merge_boxes, merge_texts])
def test_merges_refuse_no_answers(merge: object) -> None:
    with pytest.raises(ValueError):
        merge([])  # type: ignore[operator]
