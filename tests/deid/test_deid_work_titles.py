"""Names in the titles of works and surnames standing for a person, which the ``recall``
profile reports (``deid.recognizers.work_titles``), and Tibetan and Mongolian names in any
text (``deid.recognizers.syllable_names``)."""

from __future__ import annotations

import pytest

import deid
from deid.recognizers.work_titles import surname_form_spans, work_title_spans


def _people(text: str, profile: str = "recall") -> list[str]:
    return [
        text[f.start : f.end]
        for f in deid.analyze(text, profile=profile)
        if f.entity_type == "PERSON"
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("已出版发行的楷行草三本《舒同字帖》和《舒同书法集》，深受海内外书法界赞誉。", "舒同"),
        ("早年《致江绍原》直指老师胡适学术“纰缪往往而有”。", "江绍原"),
        ("书店新到《杜重远文集》和《彭德怀年谱》。", "杜重远"),
        ("书店新到《杜重远文集》和《彭德怀年谱》。", "彭德怀"),
    ],
)
def test_a_name_in_a_works_title_is_found_by_the_recall_profile(text: str, name: str) -> None:
    assert name in [text[s:e] for s, e in work_title_spans(text)]
    assert name in _people(text)


def test_a_title_that_is_only_a_word_is_no_name() -> None:
    # a surname and one or two characters is more often a work than a person (out of fold:
    # 46 false alarms, no name)
    text = "他在《文汇报》上发表了评论，研究《宣言》的论文同时刊出。"
    assert work_title_spans(text) == []
    assert "文汇报" not in _people(text)
    assert "宣言" not in _people(text)


def test_a_surname_standing_for_a_person_or_family() -> None:
    text = "被教育过的失足少年都亲切地称她为“尚妈妈”，她在厦门庄氏祖业之地办学。"
    assert [text[s:e] for s, e in surname_form_spans(text)] == ["庄", "尚"]
    people = _people(text)
    assert "尚" in people
    assert any("庄" in person for person in people)  # 庄 or 庄氏


def test_a_clan_is_no_surname() -> None:
    assert surname_form_spans("母系氏族社会里，张氏族人聚居") == []


def test_the_default_profile_keeps_its_precision_on_titles() -> None:
    # the title rules are the recall profile's: the default one does not read 《国外日记》
    text = "书店新到《国外日记》和《宣言》。"
    assert _people(text, "default") == []


@pytest.mark.parametrize("profile", ["default", "recall"])
def test_a_tibetan_name_in_news_is_found(profile: str) -> None:
    text = "1962年12月初，我和爱人才旦卓嘎来北京，彭真同志在他的家中同我们谈了很久。"
    assert "才旦卓嘎" in _people(text, profile)
