"""text_diff for reviewers and the edit distance behind clean gold scoring."""

from __future__ import annotations

import random

import pytest

from tasks import text_diff
from tasks.textdiff import levenshtein, normalised_edit_distance


def rebuild(ops: list[tuple[str, str]]) -> tuple[str, str]:
    old = "".join(text for op, text in ops if op != "insert")
    new = "".join(text for op, text in ops if op != "delete")
    return old, new


@pytest.mark.parametrize(
    ("old", "new", "ops"),
    [
        ("张三在合肥", "李四在合肥", [("delete", "张三"), ("insert", "李四"), ("equal", "在合肥")]),
        ("合肥的天气", "合肥天气", [("equal", "合肥"), ("delete", "的"), ("equal", "天气")]),
        ("合肥", "安徽合肥", [("insert", "安徽"), ("equal", "合肥")]),
        ("同一段文字", "同一段文字", [("equal", "同一段文字")]),
        ("", "新", [("insert", "新")]),
        ("旧", "", [("delete", "旧")]),
        ("", "", []),
    ],
)
def test_character_level_operations(old: str, new: str, ops: list[tuple[str, str]]) -> None:
    assert text_diff(old, new) == ops


def test_frequent_characters_still_match() -> None:
    # With difflib's autojunk a character in over 1 % of a 200+ character text is ignored,
    # which would turn this one-character edit into a rewrite of everything between 的s.
    old = "的" * 150 + "数据" + "的" * 150
    ops = text_diff(old, old.replace("数据", "资料"))
    assert ops == [
        ("equal", "的" * 150),
        ("delete", "数据"),
        ("insert", "资料"),
        ("equal", "的" * 150),
    ]


def test_frequent_characters_between_two_edits_still_match() -> None:
    old = "甲" + "的" * 300 + "乙"
    assert text_diff(old, "丙" + "的" * 300 + "丁") == [
        ("delete", "甲"),
        ("insert", "丙"),
        ("equal", "的" * 300),
        ("delete", "乙"),
        ("insert", "丁"),
    ]


@pytest.mark.parametrize("seed", range(20))
def test_random_edits_rebuild_both_texts_without_adjacent_repeats(seed: int) -> None:
    rng = random.Random(seed)
    old = "".join(rng.choice("合肥市政务数据。\n") for _ in range(rng.randint(0, 300)))
    new = list(old)
    for _ in range(rng.randint(0, 10)):
        position = rng.randint(0, len(new))
        new[position : position + rng.randint(0, 3)] = rng.choice(["", "皖", "标注。"])
    ops = text_diff(old, "".join(new))
    assert rebuild(ops) == (old, "".join(new))
    assert all(text for _, text in ops)
    assert all(a[0] != b[0] for a, b in zip(ops, ops[1:], strict=False))


def test_long_texts_keep_scattered_edits_small() -> None:
    rng = random.Random(7)
    sentences = [
        "".join(rng.choice("安徽省合肥市数据局标注平台") for _ in range(60)) + "。"
        for _ in range(2_000)
    ]
    old = "".join(sentences)
    changed = list(sentences)
    changed[10] = changed[10].replace("。", "！")
    changed[1500] = "新句子。" + changed[1500]
    ops = text_diff(old, "".join(changed))
    assert rebuild(ops) == (old, "".join(changed))
    assert sum(len(text) for op, text in ops if op != "equal") <= 10


def naive_levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("abc", "", 3),
        ("", "", 0),
        ("张三在合肥", "李四在合肥", 2),
        ("flaw", "lawn", 2),
        ("合肥", "肥合", 2),
    ],
)
def test_levenshtein_known_values(a: str, b: str, distance: int) -> None:
    assert levenshtein(a, b) == distance == levenshtein(b, a)


@pytest.mark.parametrize("seed", range(10))
def test_levenshtein_matches_the_textbook_programme(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(50):
        a = "".join(rng.choice("ab张三c") for _ in range(rng.randint(0, 70)))
        b = "".join(rng.choice("ab张三c") for _ in range(rng.randint(0, 70)))
        assert levenshtein(a, b) == naive_levenshtein(a, b), (a, b)


def test_normalised_distance_divides_by_the_longer_text() -> None:
    assert normalised_edit_distance("张三在合肥", "张三") == pytest.approx(3 / 5)
    assert normalised_edit_distance("", "") == 0.0
    assert normalised_edit_distance("a", "b") == 1.0
