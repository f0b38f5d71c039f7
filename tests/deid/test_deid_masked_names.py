"""Masked and partial names as published judgments and penalty notices write them: found
whole, and a masked place or company is not a name."""

from __future__ import annotations

import pytest

import deid
from deid.recognizers.masked import masked_name_spans

JUDGMENT = (
    "公诉机关安徽省合肥市蜀山区人民检察院。被告人张某甲，男，1985年出生，汉族。"
    "被告人张某乙，女，1990年出生。证人王XX、李**、刘*、赵××到庭作证。"
    "被害人陈某某与张某1、张某2系同事关系。"
)


def _persons(text: str) -> list[str]:
    return [text[f.start : f.end] for f in deid.analyze(text) if f.entity_type == "PERSON"]


def test_masked_names_in_a_judgment_are_found_whole() -> None:
    names = _persons(JUDGMENT)
    for name in ("张某甲", "张某乙", "王XX", "李**", "刘*", "赵××", "陈某某", "张某1", "张某2"):
        assert name in names
    # never a piece of one instead of the whole
    assert "张某" not in names and "赵×" not in names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("处罚对象：王ＸＸ，住所地合肥市。", "王ＸＸ"),
        ("当事人李＊＊于2023年5月被查获。", "李＊＊"),
        ("申请人刘＊不服该决定。", "刘＊"),
        ("证人王×称其当晚在家。", "王×"),
        ("经查，孙*明等人未取得许可。", "孙*明"),
        ("当事人欧阳某某经营食品。", "欧阳某某"),
        ("被告人李某某某到庭。", "李某某某"),
        ("被告甲○○、乙○○共同竊盜。", "乙○○"),
        ("告訴人丙〇〇報警。", "丙〇〇"),
    ],
)
def test_full_width_and_partial_masks_keep_original_offsets(text: str, name: str) -> None:
    assert name in _persons(text)


@pytest.mark.parametrize(
    "text",
    [
        "浙江**科技有限公司未按规定申报。",
        "住所地合肥市**区**路18号。",
        "长江**段禁止捕捞。",
        "该小区**栋存在安全隐患。",
        "王**公司拖欠工资。",
        "鉴于某些原因，某种情况下可以从事某一方面的工作。",
        "2018年3月于某日凌晨将赃物藏匿于某处。",
    ],
)
def test_masked_places_and_companies_are_not_names(text: str) -> None:
    assert masked_name_spans(text) == []


def test_a_villager_is_still_a_masked_name() -> None:
    text = "李某某村民反映"
    assert [text[s:e] for s, e in masked_name_spans(text)] == ["李某某"]


def test_dates_and_amounts_after_a_mask_are_not_swallowed() -> None:
    text = "王某2018年借款12000元"
    assert [text[s:e] for s, e in masked_name_spans(text)] == ["王某"]
