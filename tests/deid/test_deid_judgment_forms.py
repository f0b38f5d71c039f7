"""Conventions of court and authority documents that the first written judgments lacked
(session 15: a commutation ruling, a non-prosecution decision, penalty notices, a family
estate, masked parties, a foreign party, a bankruptcy, a retrial of Mongolian parties):
each rule found by one of ``tests/deid/judgments/``, checked here on a few lines."""

from __future__ import annotations

import deid

_HEADING = "安徽省合肥市蜀山区人民法院\n刑事裁定书\n（2021）皖0104刑更12号\n"


def _names(text: str) -> set[str]:
    return {text[f.start : f.end] for f in deid.analyze(text) if f.entity_type == "PERSON"}


def _touched(text: str, span: str) -> bool:
    start = text.index(span)
    end = start + len(span)
    return any(
        f.entity_type == "PERSON" and f.start < end and start < f.end for f in deid.analyze(text)
    )


def test_a_minority_name_typed_with_a_full_stop_or_a_black_dot_is_found() -> None:
    text = _HEADING + "证人即同监区罪犯买买提江.吐尔地到庭。\n委托诉讼代理人：艾力●买买提，男。\n"
    names = _names(text)
    assert {"买买提江.吐尔地", "艾力●买买提"} <= names


def test_a_relative_without_a_chinese_surname_is_found() -> None:
    text = _HEADING + "其退伙款已由敖登格日勒之夫宝音代为支付。\n"
    assert "宝音" in _names(text)
    assert _names(_HEADING + "原告称其子女均已成年，其妻子在家务农。\n") == set()


def test_a_given_name_that_is_a_word_stays_whole_after_a_compound_surname() -> None:
    # 国名 is a word too: 诸葛建 was found, 国 left out
    text = _HEADING + "二、被继承人诸葛建国名下银行存款245600元由原告继承。\n"
    assert "诸葛建国" in _names(text)


def test_a_dotless_minority_name_after_a_post_is_found() -> None:
    text = _HEADING + "执行机关代表、监狱刑罚执行科干警热依汗古丽，罪犯到庭参加诉讼。\n"
    assert "热依汗古丽" in _names(text)


def test_a_city_before_a_masked_company_or_a_title_is_no_name() -> None:
    text = (
        "河北省石家庄市长安区人民法院\n民事判决书\n（2021）冀0102民初7789号\n"
        "原告：张某某，女，住河北省石家庄市长安区。\n"
        "被告：石家庄某某房地产经纪有限公司，住所地河北省石家庄市长安区。\n"
    )
    assert "张某某" in _names(text)
    # 庄 is a surname: 庄某某 read as a masked party, 庄 + 市长 as Mayor 庄
    assert not _touched(text, "庄某某房地产")
    assert not _touched(text, "庄市长安区")


def test_a_street_before_a_masked_bar_is_no_name() -> None:
    text = _HEADING + "违法行为人霍志明在广州市天河区天河路某酒吧内与他人发生口角。\n"
    assert not _touched(text, "路某酒吧")
    assert "路某" in _names(_HEADING + "被告人路某，男，1990年出生。\n")
