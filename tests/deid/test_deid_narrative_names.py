"""Names in the facts of a criminal case as the court tells them, with no party block to go
by: surnames rarer than the ranking's head (逄, 訾, 仉, 笪, 禚, 郦), surnames that are common
words taken after a party's role or a post only (由, the Dai surname 刀, the Dai names'
岩), and a name's end before what a judgment writes after it (张伟于2016年)."""

from __future__ import annotations

import re

import deid
from tests.deid.person_findings import person_names, touched

FACTS = (
    "公诉机关指控，2016年3月28日20时许，被告人刀建华与被害人岩温在勐海县打洛镇曼山村因琐事"
    "发生争执，刀建华持刀将岩温砍伤。经鉴定，岩温的损伤程度为轻伤一级。"
    "2017年5月，被告人由喜贵伙同逄先知、尉健行在合肥市蜀山区盗窃电动车三辆。案发后，"
    "由喜贵主动投案。被告人訾国庆与被害人仉小凤系夫妻关系，訾国庆因家庭琐事殴打仉小凤。"
    "被告人亓凯、禚伟、笪红军共谋诈骗，由亓凯负责联系被害人郦某，禚伟负责取款。"
    "景洪市司法局嘎洒司法所所长刀建华出具了社区矫正调查评估意见。"
    "经被告人韩冬梅同意，被告人钟国强将货物运至其住处。"
)
PEOPLE = ("刀建华", "岩温", "由喜贵", "逄先知", "尉健行", "訾国庆", "仉小凤", "亓凯", "禚伟")
PEOPLE += ("韩冬梅", "钟国强")  # 强将 is a word of jieba's, a rare one
PEOPLE += ("笪红军", "郦某")


def test_every_mention_of_a_rare_surname_in_the_facts_is_redacted() -> None:
    found = [f for f in deid.analyze(FACTS) if f.entity_type == "PERSON"]
    covered = {i for f in found for i in range(f.start, f.end)}
    missed = [
        (person, match.start())
        for person in PEOPLE
        for match in re.finditer(person, FACTS)
        if not set(range(match.start(), match.end())) <= covered
    ]
    assert missed == []
    redaction = deid.anonymize(FACTS, found, deid.Policy())
    assert not [person for person in PEOPLE if person in redaction.text]
    assert "勐海县" in redaction.text and "合肥市" in redaction.text


def test_a_surname_that_is_a_word_is_no_name_without_a_role_before_it() -> None:
    for text, word in (
        ("被告人依法应当从重处罚。", "依法"),
        ("被害人由其家属代为出庭。", "由其"),
        ("证人召集村民开会。", "召集"),
        ("所长由张某陪同前往现场。", "由张"),
        ("局长由于身体原因未到。", "由于"),
        ("此事由喜来登酒店负责接待，刀具已被扣押。", "由喜"),
        ("被告人刀具已被扣押，岩石滚落。", "刀具"),
    ):
        assert not touched(text, word[0], "PERSON"), text


def test_what_a_judgment_writes_after_a_name_is_not_the_name() -> None:
    text = (
        "经审理查明，被告人张伟于2016年3月在本市某小区盗窃。被告人王丽系某公司职工，"
        "王丽于2018年起挪用公款。被告人刘洋将被害人打伤，刘洋因涉嫌故意伤害罪被刑事拘留。"
        "被告人欧阳红于2015年离婚。以罪犯岩温犯运输毒品罪判处有期徒刑，现对罪犯岩温予以假释。"
    )
    names = person_names(text)
    assert {"张伟", "王丽", "刘洋", "欧阳红", "岩温"} <= names
    assert not [name for name in names if name[-1] in "于系将因犯予"]
    redaction = deid.anonymize(text, deid.analyze(text), deid.Policy())
    assert redaction.text.count("于2016年") == 1 and "系某公司职工" in redaction.text
