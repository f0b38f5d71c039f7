"""Structured identifiers in Chinese sentences: found with exact spans, or rightly left alone."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import deid
from deid.recognizers.person_rules import foreign_titled_spans, form_name_spans

Found = Callable[..., list[tuple[str, str]]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # written straight after the Chinese label, where a \b regex never fires
        ("身份证号11010519491231002X。", ("CN_RESIDENT_ID", "11010519491231002X")),
        ("公民身份号码:11010519491231002x", ("CN_RESIDENT_ID", "11010519491231002x")),
        ("手机13912345678联系", ("CN_PHONE", "13912345678")),
        ("电话+86 139-1234-5678。", ("CN_PHONE", "+86 139-1234-5678")),
        ("请致电0551-62345678转8001咨询", ("CN_PHONE", "0551-62345678转8001")),
        ("电话(0551)6234 5678", ("CN_PHONE", "(0551)6234 5678")),
        ("卡号6222600260001072444,户名", ("CN_BANK_CARD", "6222600260001072444")),
        ("银行卡4111 1111 1111 1111已冻结", ("CN_BANK_CARD", "4111 1111 1111 1111")),
        ("开户行账号1234567890123已核实", ("CN_BANK_CARD", "1234567890123")),
        ("统一社会信用代码91350100M000100Y43。", ("CN_USCC", "91350100M000100Y43")),
        ("护照号码E12345678", ("CN_PASSPORT", "E12345678")),
        ("往来港澳通行证C12345678", ("CN_HK_MACAU_PERMIT", "C12345678")),
        ("车牌号皖A12345的车辆", ("CN_LICENSE_PLATE", "皖A12345")),
        ("新能源车皖AD12345驶入", ("CN_LICENSE_PLATE", "皖AD12345")),
        ("邮箱zhang.san@ahszf.gov.cn联系", ("EMAIL_ADDRESS", "zhang.san@ahszf.gov.cn")),
        ("服务器192.168.10.25宕机", ("IP_ADDRESS", "192.168.10.25")),
        ("地址2001:db8::8a2e:370:7334可达", ("IP_ADDRESS", "2001:db8::8a2e:370:7334")),
        # the shortest shapes the recognizers' quick checks let through (``needs``,
        # ``min_digits``): seven digits, a lower-case plate, an IPv6 address without a digit
        ("电话6123456", ("CN_PHONE", "6123456")),
        ("车牌皖a12345的车辆", ("CN_LICENSE_PLATE", "皖a12345")),
        ("地址fd::ab可达", ("IP_ADDRESS", "fd::ab")),
        ("护照号码G1234567", ("CN_PASSPORT", "G1234567")),
        ("回乡证H12345678", ("CN_HK_MACAU_PERMIT", "H12345678")),
        (
            "详见https://www.ah.gov.cn/zwgk/index.html。",
            ("URL", "https://www.ah.gov.cn/zwgk/index.html"),
        ),
    ],
)
def test_identifier_next_to_chinese_is_found_exactly(
    found: Found, text: str, expected: tuple[str, str]
) -> None:
    assert expected in found(text)


def test_full_width_digits_are_found_at_their_original_offsets() -> None:
    text = "身份证号１１０１０５１９４９１２３１００２Ｘ，电话１３９１２３４５６７８"
    findings = deid.analyze(text)
    kinds = {(f.entity_type, text[f.start : f.end]) for f in findings}
    assert ("CN_RESIDENT_ID", "１１０１０５１９４９１２３１００２Ｘ") in kinds
    assert ("CN_PHONE", "１３９１２３４５６７８") in kinds


def test_offsets_survive_characters_that_normalise_to_several() -> None:
    text = "①号文件㎡,手机13912345678"
    [finding] = [f for f in deid.analyze(text) if f.entity_type == "CN_PHONE"]
    assert text[finding.start : finding.end] == "13912345678"


def test_legacy_fifteen_digit_id_needs_context(found: Found) -> None:
    assert ("CN_RESIDENT_ID", "110105491231002") in found("身份证号码:110105491231002")
    assert not found("编号110105491231002的批次")


def test_checksum_failures_are_not_reported(found: Found) -> None:
    # An ID-shaped number with a wrong check digit is reported (at a lower score: see
    # test_deid_identifiers.py); one with no real province or birth date is not.
    assert not found("编号990105194912310021,批次4111111111111112")
    assert not found("编号110105194913310021")
    assert not found("统一社会信用代码91350100M000100Y44")


@pytest.mark.parametrize(
    "text",
    [
        "请拨打政务服务便民热线12345,报警110,急救120,客服95588,热线400-888-1234或800-820-8820。",
        "根据皖政秘〔2023〕218号文件精神,2023年12月31日前拨付资金1234.56万元,同比增长15.6%。",
        "皖发〔2022〕12号、财预〔2023〕1号,截至2024年6月,全省GDP达47050.6亿元。",
        "安徽省合肥市、芜湖市、蚌埠市等16个地级市共同推进数字经济发展。",
        "证书编号为2023000123号,合同金额人民币3200000元。",
    ],
)
def test_government_boilerplate_is_left_alone(found: Found, text: str) -> None:
    assert [kind for kind in found(text) if kind[0] != "PERSON"] == []


def test_hk_macau_permit_shape_alone_is_not_enough(found: Found) -> None:
    assert not [k for k in found("型号C12345678的设备") if k[0] == "CN_HK_MACAU_PERMIT"]


def test_email_does_not_swallow_the_chinese_before_it(found: Found) -> None:
    assert ("EMAIL_ADDRESS", "li4@example.com") in found("请发送至李四的邮箱li4@example.com")


def test_invalid_ip_is_not_reported(found: Found) -> None:
    assert not [k for k in found("版本号999.1.1.1发布") if k[0] == "IP_ADDRESS"]


def test_address_tail_after_divisions(found: Found) -> None:
    text = "住址为安徽省合肥市蜀山区长江西路189号3栋2单元501室,户籍所在地肥东县撮镇镇杨婆村三组。"
    kinds = found(text)
    assert ("CN_ADDRESS", "长江西路189号3栋2单元501室") in kinds
    assert ("CN_ADDRESS", "杨婆村三组") in kinds
    assert not [k for k in kinds if "合肥市" in k[1]]


@pytest.mark.parametrize(
    ("text", "tail"),
    [
        ("现住黄山路583号28栋1单元1145室,", "黄山路583号28栋1单元1145室"),  # 黄山 is also a city
        ("住址:安徽省合肥市蜀山区宁国路239号。", "宁国路239号"),  # 宁国 is also a city
        ("家住望江东路703号", "望江东路703号"),  # 望江 is also a county
    ],
)
def test_road_named_after_a_division_keeps_its_name(found: Found, text: str, tail: str) -> None:
    assert ("CN_ADDRESS", tail) in found(text)


def test_ip_right_after_the_letters_ip(found: Found) -> None:
    assert ("IP_ADDRESS", "126.108.220.32") in found("登录IP126.108.220.32异常")


def test_english_text_gets_presidio_pattern_recognizers(found: Found) -> None:
    kinds = found("Card 4111 1111 1111 1111, mail john@example.com", "en")
    assert ("CREDIT_CARD", "4111 1111 1111 1111") in kinds
    assert ("EMAIL_ADDRESS", "john@example.com") in kinds


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("并转达了维埃拉总统对他的问候。", ["维埃拉"]),
        ("斯里兰卡总统对他表示感谢。", []),  # a country jieba knows
        ("俄罗斯驻委内瑞拉大使馆消息", []),  # ... with its first character cut off
        ("主持人:谢谢肖秘书长。", []),  # a common word, not a name
    ],
)
def test_transliterated_name_before_a_title(text: str, names: list[str]) -> None:
    assert [text[s:e] for s, e in foreign_titled_spans(text)] == names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # the release benchmark's letters: names whose characters make dictionary words
        # (平静, 高明) or that the name model cuts short (王刚|静), found whole by the role
        ("来信人马平静，联系电话13912345678，反映户籍办理问题。", "马平静"),
        ("来信人高明丽，联系电话13912345678，反映医保报销问题。", "高明丽"),
        ("来信人王刚静，联系电话13900000000。", "王刚静"),
        ("申请人：高明。", "高明"),
        ("投诉人何军军（身份证号见附件）", "何军军"),
        ("姓名：马静静\n性别：女", "马静静"),
        ("联系人 欧阳平静，电话0551-62345678", "欧阳平静"),
    ],
)
def test_a_name_a_form_role_introduces_is_found_whole(found: Found, text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "申请人本人，须到场办理。",  # a pronoun
        "联系人及电话：见附件。",  # a function word
        "申请人申请，经审核予以办理。",  # a verb
        "姓名：无。",
        "研究所负责人强调说，用科技",  # a verb begins the span (强调)
        "老学生却是姓名全不见，只是",  # 姓名 in prose, not a form's label
    ],
)
def test_a_form_role_before_a_common_word_finds_no_name(text: str) -> None:
    assert form_name_spans(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [("早报记者朱楠实习生王昭", "王昭"), ("本报记者李娜", "李娜"), ("记者张胜男", "张胜男")],
)
def test_a_name_after_a_byline_word_at_the_end_of_the_text(
    found: Found, text: str, name: str
) -> None:
    # a two-character name ending the text once made a span past its end (IndexError)
    assert ("PERSON", name) in found(text)
