"""classify: single-label answers as before, multi-label answers, the unsure flag."""

from __future__ import annotations

from typing import Any

import pytest

from tasks import InvalidAnswer, InvalidConfig, ProjectConfig, task_type

CLASSIFY = task_type("classify")
SINGLE = CLASSIFY.validate_config(ProjectConfig((" 正面 ", "负面", "", "中性"), 3))
MULTI = CLASSIFY.validate_config(ProjectConfig(("算力", "产业", "保障"), 1, {"multi": True}))


def test_config_strips_labels_and_drops_blanks() -> None:
    assert SINGLE.labels == ("正面", "负面", "中性")
    assert SINGLE.overlap == 3
    assert MULTI.options == {"multi": True}


@pytest.mark.parametrize(
    ("labels", "overlap", "code", "params"),
    [
        (("正面",), 1, "label_count", {"low": 2, "high": 50}),
        (("正面", "  "), 1, "label_count", {"low": 2, "high": 50}),
        (tuple(f"l{i}" for i in range(51)), 1, "label_count", {"low": 2, "high": 50}),
        (("a", "b", " a"), 1, "duplicate_labels", {}),
        (("a", "b" * 101), 1, "label_too_long", {"limit": 100}),
        (("a", "b"), 0, "overlap_range", {"low": 1, "high": 5}),
        (("a", "b"), 6, "overlap_range", {"low": 1, "high": 5}),
        (("a", "b"), True, "overlap_range", {"low": 1, "high": 5}),
    ],
)
def test_config_refusals(
    labels: tuple[str, ...], overlap: int, code: str, params: dict[str, Any]
) -> None:
    with pytest.raises(InvalidConfig) as caught:
        CLASSIFY.validate_config(ProjectConfig(labels, overlap))
    assert (caught.value.code, caught.value.params) == (code, params)


def test_config_accepts_fifty_labels_of_a_hundred_characters() -> None:
    labels = tuple(f"{i:02d}" + "类" * 98 for i in range(50))
    assert CLASSIFY.validate_config(ProjectConfig(labels, 5)).labels == labels


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ({"label": "负面"}, {"label": "负面"}),
        ({"label": "中性", "unsure": True}, {"label": "中性", "unsure": True}),
        ({"label": "中性", "unsure": False}, {"label": "中性"}),
    ],
)
def test_single_label_answers(result: dict[str, Any], expected: dict[str, Any]) -> None:
    assert CLASSIFY.validate_result(result, SINGLE) == expected


def test_single_label_ignores_item_text_and_image() -> None:
    assert CLASSIFY.validate_result(
        {"label": "正面"}, SINGLE, item_text="好", image_size=(10, 10)
    ) == {"label": "正面"}


@pytest.mark.parametrize(
    ("result", "code", "params"),
    [
        ("负面", "classify_shape", {}),
        ({}, "classify_shape", {}),
        ({"label": "负面", "note": "x"}, "classify_shape", {}),
        ({"labels": ["负面"]}, "classify_shape", {}),
        ({"label": "好"}, "unknown_label", {"label": "好"}),
        ({"label": " 正面 "}, "unknown_label", {"label": " 正面 "}),
        ({"label": 1}, "unknown_label", {"label": "1"}),
        ({"label": "x" * 300}, "unknown_label", {"label": "x" * 100}),
        ({"label": "负面", "unsure": "yes"}, "unsure_flag", {}),
        ({"label": "负面", "unsure": 1}, "unsure_flag", {}),
    ],
)
def test_single_label_refusals(result: object, code: str, params: dict[str, Any]) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        CLASSIFY.validate_result(result, SINGLE)
    assert (caught.value.code, caught.value.params) == (code, params)


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ({"labels": ["保障"]}, {"labels": ["保障"]}),
        ({"labels": ["保障", "算力"]}, {"labels": ["算力", "保障"]}),
        (
            {"labels": ["产业", "保障", "算力"], "unsure": True},
            {"labels": ["算力", "产业", "保障"], "unsure": True},
        ),
    ],
)
def test_multi_label_answers_come_back_in_project_label_order(
    result: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert CLASSIFY.validate_result(result, MULTI) == expected


@pytest.mark.parametrize(
    ("result", "code", "params"),
    [
        ({"label": "算力"}, "classify_multi_shape", {}),
        ({"labels": "算力"}, "classify_multi_shape", {}),
        ({"labels": ["算力"], "extra": 1}, "classify_multi_shape", {}),
        ({"labels": []}, "no_label_chosen", {}),
        ({"labels": ["算力", "算力"]}, "duplicate_answer_labels", {}),
        ({"labels": ["算力", "电力"]}, "unknown_label", {"label": "电力"}),
        ({"labels": ["算力"], "unsure": None}, "unsure_flag", {}),
    ],
)
def test_multi_label_refusals(result: object, code: str, params: dict[str, Any]) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        CLASSIFY.validate_result(result, MULTI)
    assert (caught.value.code, caught.value.params) == (code, params)


def test_multi_must_be_a_boolean() -> None:
    with pytest.raises(InvalidConfig) as caught:
        CLASSIFY.validate_config(ProjectConfig(("a", "b"), 1, {"multi": "yes"}))
    assert (caught.value.code, caught.value.params) == ("option_invalid", {"name": "multi"})
