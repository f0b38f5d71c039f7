"""What the ``recall`` profile reports besides the span judge's names: its word sources
(jieba's unknown words and person tags) only where a name is plausible, and never a weather
forecast's words."""

from __future__ import annotations

import numpy as np
import pytest

import deid
from deid.recognizers.person_words import WORD_SOURCE_CHANCE, word_source_plausible


def _people(text: str, profile: str) -> list[str]:
    return [
        text[f.start : f.end]
        for f in deid.analyze(text, profile=profile)
        if f.entity_type == "PERSON"
    ]


@pytest.mark.parametrize("profile", ["default", "recall"])
@pytest.mark.parametrize(
    "forecast",
    [
        # a forecast's table: 雷 and 阴 are surnames, 沙小雨 the end of 长沙 and the rain
        "北京多云２２℃／３３℃天津雷阵雨２１℃／２９℃长沙小雨转阴２２℃／３０℃",
        "华北、东北南部有阵雨或雷阵雨，局部地区有短时雷雨大风等强对流天气。",
        "受冷空气影响，内蒙古东部有小到中雨，局部地区有大雨。",
    ],
)
def test_a_weather_forecast_names_nobody(forecast: str, profile: str) -> None:
    assert _people(forecast, profile) == []


@pytest.mark.parametrize("profile", ["default", "recall"])
@pytest.mark.parametrize(
    "text",
    [
        "记者张小雨报道：今天北京多云，最高气温３３℃。",
        # 小雨 is a given name too: not before 等 or 或
        "张小雨等人参加了会议。",
        "张小雨或其家属应当到场。",
    ],
)
def test_a_name_beside_the_weather_is_still_found(text: str, profile: str) -> None:
    assert _people(text, profile) == ["张小雨"]


def test_common_words_jieba_tags_as_names_are_not_reported() -> None:
    # jieba's dictionary tags 文明 and 青少年 nr; the name models give them almost nothing
    found = _people("要大力弘扬文明新风，关怀青少年成长。", "recall")
    assert "文明" not in found
    assert "青少年" not in found


@pytest.mark.parametrize(
    ("text", "name", "by_default"),
    [
        # a word jieba's dictionary lacks: always reported
        ("七、免去朱应鹿的中华人民共和国驻挪威王国特命全权大使职务。", "朱应鹿", False),
        # a rare word it tags nr, which the models doubt but do not rule out (法拉第 here
        # before: the default profile finds him now, by the famous people's list; and 焦耳
        # since LAC reviews the default profile's doubts, deid.lac_review)
        ("他说焦耳发现电流生热的规律之后，一位官员问他有什么用。", "焦耳", True),
    ],
)
def test_names_only_the_word_sources_find_are_still_reported(
    text: str, name: str, by_default: bool
) -> None:
    assert (name in _people(text, "default")) == by_default
    assert name in _people(text, "recall")


def test_the_rule_reads_the_dictionary_and_the_models() -> None:
    text = "弘扬文明新风朱应鹿"
    none = np.zeros(len(text), dtype=np.float32)
    some = np.full(len(text), 2 * WORD_SOURCE_CHANCE, dtype=np.float32)
    assert not word_source_plausible(text, 0, 2, none)  # 弘扬 (430 in the dictionary)
    assert word_source_plausible(text, 0, 2, some)  # ... when the models give it a chance
    assert not word_source_plausible(text, 2, 4, some + 1)  # 文明 (6,584): too common
    assert word_source_plausible(text, 6, 9, none)  # 朱应鹿: unknown to the dictionary
    assert word_source_plausible(text, 0, 2, None)  # no models' chances: kept


@pytest.mark.parametrize("profile", ["default", "recall"])
@pytest.mark.parametrize(
    ("text", "name"),
    [
        # the recall profile's whole candidates 解列宁 and 理周恩来 open inside 理解 and 总理:
        # cut to the name, not dropped (jieba tags 列宁 a name, 周恩来 a time word)
        ("建设是政治建设的基础，深刻理解列宁所指出的“没有革命的理论也就不行”。", "列宁"),
        ("这所学校的校名是第一任总理周恩来亲自题写的。", "周恩来"),
    ],
)
def test_a_name_after_a_word_it_is_read_into_is_still_found(
    text: str, name: str, profile: str
) -> None:
    assert _people(text, profile) == [name]
