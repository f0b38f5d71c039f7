"""clean: rewritten text, flags, the empty-text rule and the stored diff."""

from __future__ import annotations

from typing import Any

import pytest

from tasks import InvalidAnswer, InvalidConfig, ProjectConfig, task_type

CLEAN = task_type("clean")
CONFIG = CLEAN.validate_config(ProjectConfig((), 2, {"gold_ratio": 0.1}))
ORIGINAL = "张三  在合肥<br>办理业务"


def test_answer_keeps_text_and_records_the_diff_against_the_item() -> None:
    answer = CLEAN.validate_result(
        {"text": "张三在合肥办理业务", "flags": []}, CONFIG, item_text=ORIGINAL
    )
    assert answer == {
        "text": "张三在合肥办理业务",
        "flags": [],
        "diff": [
            ["equal", "张三"],
            ["delete", "  "],
            ["equal", "在合肥"],
            ["delete", "<br>"],
            ["equal", "办理业务"],
        ],
    }


def test_without_item_text_there_is_no_diff() -> None:
    assert CLEAN.validate_result({"text": "好"}, CONFIG) == {"text": "好", "flags": []}


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], []),
        (["needs_redaction"], ["needs_redaction"]),
        (["needs_redaction", "junk"], ["junk", "needs_redaction"]),
        (["duplicate", "duplicate"], ["duplicate"]),
        (["needs_redaction", "duplicate", "junk"], ["junk", "duplicate", "needs_redaction"]),
    ],
)
def test_flags_come_back_unique_in_fixed_order(flags: list[str], expected: list[str]) -> None:
    answer = CLEAN.validate_result({"text": "文本", "flags": flags}, CONFIG)
    assert answer["flags"] == expected


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("", ["junk"]),
        ("", ["duplicate"]),
        ("  \n", ["junk", "needs_redaction"]),
    ],
)
def test_text_may_be_emptied_when_the_item_is_junk_or_a_duplicate(
    text: str, flags: list[str]
) -> None:
    answer = CLEAN.validate_result({"text": text, "flags": flags}, CONFIG, item_text="广告")
    assert answer["text"] == text
    assert answer["diff"] == [["delete", "广告"]] + ([["insert", text]] if text else [])


@pytest.mark.parametrize(
    ("result", "code", "params"),
    [
        ({"text": ""}, "empty_text_unflagged", {}),
        ({"text": " ", "flags": ["needs_redaction"]}, "empty_text_unflagged", {}),
        ({"text": "好", "flags": ["spam"]}, "unknown_flag", {"flag": "spam"}),
        ({"text": "好", "flags": [None]}, "unknown_flag", {"flag": "None"}),
        ({"text": "好", "flags": "junk"}, "clean_shape", {}),
        ({"text": None}, "clean_shape", {}),
        ({"flags": []}, "clean_shape", {}),
        ({"text": "好", "diff": []}, "clean_shape", {}),
        ("好", "clean_shape", {}),
        ({"text": "字" * 1_000_001}, "text_too_long", {"limit": 1_000_000}),
    ],
)
def test_refusals(result: object, code: str, params: dict[str, Any]) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        CLEAN.validate_result(result, CONFIG, item_text=ORIGINAL)
    assert (caught.value.code, caught.value.params) == (code, params)


def test_text_at_the_length_cap_is_accepted() -> None:
    text = "字" * 1_000_000
    assert CLEAN.validate_result({"text": text}, CONFIG)["text"] == text


def test_clean_takes_no_labels() -> None:
    assert CLEAN.validate_config(ProjectConfig(("", " "), 1)).labels == ()
    with pytest.raises(InvalidConfig) as caught:
        CLEAN.validate_config(ProjectConfig(("垃圾",), 1))
    assert (caught.value.code, caught.value.params) == ("labels_not_used", {"type": "clean"})
