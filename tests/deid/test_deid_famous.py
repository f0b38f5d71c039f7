"""People a dictionary names (``deid.famous``, built from CC-CEDICT by
``deid.training.famous_people``): the list, how it is found in text, and what the engine
makes of it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import deid
from deid import famous
from deid.famous import FAMOUS_FILE, famous_people, famous_spans
from deid.span_judge import SpanJudge
from deid.training.famous_people import cedict_lines, person_kind
from deid.training.famous_people import famous_people as build_people


@pytest.mark.parametrize(
    ("pinyin", "sense", "kind"),
    [
        ("Ma3 ke4 si1", "Marx (name)", "name"),
        ("Lu3 Xun4", "Lu Xun (1881-1936), one of the earliest modern Chinese writers", "dated"),
        ("Li3 Bai2", "Li Bai (701-762), famous Tang Dynasty poet", "dated"),
        ("Kong3 zi3", "Confucius (551-479 BC), Chinese thinker", "dated"),
        ("Bao1 gong1", "Lord Bao or Judge Bao, fictional nickname of Bao Zheng, official", "role"),
        # a war, a dynasty, a place, a work: no person, dated or not
        ("Zhong1 Fa3 Zhan4 zheng1", "Sino-French War (1883-1885)", None),
        ("Bei3 Liang2", "Northern Liang of the Sixteen Kingdoms (398-439)", None),
        ("Ba1 li2", "Paris, capital of France", None),
        ("Si4 chuan1 Da4 di4 zhen4", "Great Sichuan Earthquake (2008)", None),
        # a name alone is mostly a place (Uruguay, Atlanta): not taken
        ("Bi4 jia1 suo3", "Picasso", None),
        # lower-case pinyin: a common word, not a proper noun (老子 "I, your father")
        ("lao3 zi5", "father (1900-)", None),
    ],
)
def test_a_dictionary_sense_names_a_person_or_not(
    pinyin: str, sense: str, kind: str | None
) -> None:
    assert person_kind(pinyin, sense) == kind


def test_only_chinese_headwords_of_two_to_five_characters_are_listed() -> None:
    lines = [
        "魯迅 鲁迅 [Lu3 Xun4] /Lu Xun (1881-1936), writer/",
        "孔 孔 [Kong3] /surname Kong (1900-1901) writer/",
        "約瑟夫·斯大林 约瑟夫·斯大林 [Yue1 se4 fu1 · Si1 da4 lin2] /Joseph Stalin (1879-1953)/",
        "X光 X光 [X guang1] /X-ray (1895-)/",
        "# CC-CEDICT comment line",
    ]
    assert build_people(lines) == {"鲁迅": "dated"}


def test_the_shipped_list_is_what_the_builder_writes_from_cc_cedict() -> None:
    shipped = [
        line.split("\t")
        for line in FAMOUS_FILE.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    assert dict(shipped) == build_people(cedict_lines())
    assert "CC BY-SA 4.0" in FAMOUS_FILE.read_text(encoding="utf-8").splitlines()[0]
    assert famous_people()["纳兰性德"] == "dated"


def test_names_are_found_in_each_text_overlapping_and_never_across_texts() -> None:
    texts = ["周恩来总理读纳兰性德的词", "", "包", "公", "包公戏", "李鸿章签约"]
    found = famous_spans(texts)
    assert [[t[s:e] for s, e in spans] for t, spans in zip(texts, found, strict=True)] == [
        ["周恩来", "纳兰性德"],
        [],
        [],
        [],
        ["包公"],
        # 鸿章 is listed too (a name that opens inside another one is found as well)
        ["李鸿章", "鸿章"],
    ]


@pytest.mark.parametrize("profile", ["default", "recall"])
@pytest.mark.parametrize(
    ("text", "name"),
    [
        # the models read these as words; the dictionary knows the people
        ("包公戏在民间流传很广。", "包公"),
        ("他最爱读纳兰性德的词。", "纳兰性德"),
    ],
)
def test_a_famous_person_without_a_title_is_found(text: str, name: str, profile: str) -> None:
    people = [text[f.start : f.end] for f in deid.analyze(text, profile=profile)]
    assert name in people


def test_no_judge_loads_without_the_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    judge = tmp_path / "judge.npz"
    SpanJudge(np.zeros(2**10, dtype=np.float32), 10, 0.5).save(judge)
    monkeypatch.setattr(famous, "FAMOUS_FILE", tmp_path / "missing.tsv")
    famous.famous_people.cache_clear()
    famous._tables.cache_clear()
    try:
        with pytest.raises(OSError):
            SpanJudge.load(judge)
    finally:
        famous.famous_people.cache_clear()
        famous._tables.cache_clear()
