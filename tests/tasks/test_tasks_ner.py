"""ner: character spans over Chinese text, bounds, labels, duplicates and overlaps."""

from __future__ import annotations

from typing import Any

import pytest

from tasks import InvalidAnswer, InvalidConfig, ProjectConfig, task_type

NER = task_type("ner")
TEXT = "张三在合肥市政务中心办理业务"
CONFIG = NER.validate_config(ProjectConfig(("人名", "地名", "机构"), 2))
OVERLAPPING = NER.validate_config(
    ProjectConfig(("人名", "地名", "机构"), 2, {"allow_overlap": True})
)


def check(spans: object, config: ProjectConfig = CONFIG, text: str = TEXT) -> list[Any]:
    answer = NER.validate_result({"spans": spans}, config, item_text=text)
    result: list[Any] = answer["spans"]
    return result


def test_offsets_are_python_string_indices() -> None:
    assert check([[0, 2, "人名"]], text="张三在合肥") == [[0, 2, "人名"]]
    assert "张三在合肥"[0:2] == "张三"
    assert check([[3, 5, "地名"]], text="张三在合肥") == [[3, 5, "地名"]]


def test_span_may_end_at_the_last_character() -> None:
    assert check([[len(TEXT) - 2, len(TEXT), "机构"]]) == [[12, 14, "机构"]]


def test_spans_come_back_sorted_as_lists() -> None:
    assert check([(3, 6, "地名"), [0, 2, "人名"]]) == [[0, 2, "人名"], [3, 6, "地名"]]


def test_no_span_is_a_valid_answer() -> None:
    assert check([]) == []


def test_emoji_and_astral_characters_count_as_one_offset() -> None:
    text = "😀李四"
    assert check([[1, 3, "人名"]], text=text) == [[1, 3, "人名"]]
    with pytest.raises(InvalidAnswer) as caught:
        check([[1, 4, "人名"]], text=text)
    assert caught.value.params == {"number": 1, "length": 3}


@pytest.mark.parametrize(
    ("spans", "code", "params"),
    [
        (
            [[0, 2, "人名"], [1, 3, "地名"]],
            "overlapping_spans",
            {"start": 0, "end": 2, "other_start": 1, "other_end": 3},
        ),
        (
            [[3, 10, "机构"], [3, 6, "地名"]],
            "overlapping_spans",
            {"start": 3, "end": 6, "other_start": 3, "other_end": 10},
        ),
        # A long span holding several: reported against the first span it overlaps.
        (
            [[0, 14, "机构"], [3, 5, "地名"], [8, 10, "机构"]],
            "overlapping_spans",
            {"start": 0, "end": 14, "other_start": 3, "other_end": 5},
        ),
        (
            [[0, 2, "人名"], [0, 2, "地名"]],
            "overlapping_spans",
            {"start": 0, "end": 2, "other_start": 0, "other_end": 2},
        ),
    ],
)
def test_overlapping_spans_refused_by_default(
    spans: list[Any], code: str, params: dict[str, Any]
) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        check(spans)
    assert (caught.value.code, caught.value.params) == (code, params)


def test_touching_spans_do_not_overlap() -> None:
    assert check([[2, 3, "机构"], [0, 2, "人名"]]) == [[0, 2, "人名"], [2, 3, "机构"]]


def test_overlap_allowed_when_the_project_says_so() -> None:
    spans = [[3, 10, "机构"], [3, 6, "地名"], [3, 6, "机构"]]
    assert check(spans, OVERLAPPING) == [[3, 6, "地名"], [3, 6, "机构"], [3, 10, "机构"]]


@pytest.mark.parametrize("config", [CONFIG, OVERLAPPING])
def test_duplicate_spans_refused_even_with_overlap_allowed(config: ProjectConfig) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        check([[0, 2, "人名"], [3, 5, "地名"], [0, 2, "人名"]], config)
    assert (caught.value.code, caught.value.params) == (
        "duplicate_span",
        {"start": 0, "end": 2, "label": "人名"},
    )


@pytest.mark.parametrize(
    ("span", "code", "params"),
    [
        ([-1, 2, "人名"], "span_bounds", {"number": 1, "length": 14}),
        ([2, 2, "人名"], "span_bounds", {"number": 1, "length": 14}),
        ([3, 2, "人名"], "span_bounds", {"number": 1, "length": 14}),
        ([13, 15, "人名"], "span_bounds", {"number": 1, "length": 14}),
        ([0, 2], "span_shape", {"number": 1}),
        ([0, 2, "人名", 1.0], "span_shape", {"number": 1}),
        ([0.0, 2, "人名"], "span_shape", {"number": 1}),
        ([False, True, "人名"], "span_shape", {"number": 1}),
        (["0", "2", "人名"], "span_shape", {"number": 1}),
        ({"start": 0}, "span_shape", {"number": 1}),
        ([0, 2, "公司"], "unknown_label", {"label": "公司"}),
        ([0, 2, None], "unknown_label", {"label": "None"}),
    ],
)
def test_bad_spans(span: object, code: str, params: dict[str, Any]) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        check([span])
    assert (caught.value.code, caught.value.params) == (code, params)


def test_bad_span_is_numbered_from_one_in_the_answer_order() -> None:
    with pytest.raises(InvalidAnswer) as caught:
        check([[0, 2, "人名"], [3, 5, "地名"], [5, 99, "机构"]])
    assert caught.value.params == {"number": 3, "length": 14}


@pytest.mark.parametrize(
    "result",
    [
        [[0, 2, "人名"]],
        {"spans": "0-2"},
        {"spans": [], "text": TEXT},
        {"entities": []},
    ],
)
def test_answer_shape(result: object) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        NER.validate_result(result, CONFIG, item_text=TEXT)
    assert caught.value.code == "ner_shape"


def test_span_count_is_capped() -> None:
    text = "字" * 20_001
    spans = [[i, i + 1, "人名"] for i in range(10_000)]
    assert len(check(spans, text=text)) == 10_000
    with pytest.raises(InvalidAnswer) as caught:
        check([*spans, [10_000, 10_001, "人名"]], text=text)
    assert (caught.value.code, caught.value.params) == ("too_many_spans", {"limit": 10_000})


def test_item_text_is_required() -> None:
    with pytest.raises(TypeError):
        NER.validate_result({"spans": []}, CONFIG)


@pytest.mark.parametrize(
    ("labels", "accepted"),
    [
        (("人名",), True),
        ((), False),
        (tuple(f"类{i}" for i in range(50)), True),
        (tuple(f"类{i}" for i in range(51)), False),
    ],
)
def test_ner_needs_one_to_fifty_labels(labels: tuple[str, ...], accepted: bool) -> None:
    if accepted:
        assert NER.validate_config(ProjectConfig(labels, 1)).labels == labels
        return
    with pytest.raises(InvalidConfig) as caught:
        NER.validate_config(ProjectConfig(labels, 1))
    assert (caught.value.code, caught.value.params) == ("label_count", {"low": 1, "high": 50})


def test_ner_refuses_options_of_other_types() -> None:
    with pytest.raises(InvalidConfig) as caught:
        NER.validate_config(ProjectConfig(("人名",), 1, {"multi": True}))
    assert (caught.value.code, caught.value.params) == ("unknown_option", {"name": "multi"})
