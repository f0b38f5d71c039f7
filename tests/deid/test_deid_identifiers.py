"""Identifiers of documents: VINs (checked), engine, social security, medical record, QQ and
WeChat numbers (after their labels), ID numbers with a wrong check digit, and the public
references (case and document numbers), dates and amounts that must stay."""

from __future__ import annotations

import pytest

import deid
from deid import checksums


def _of(text: str, entity_type: str) -> list[str]:
    return [text[f.start : f.end] for f in deid.analyze(text) if f.entity_type == entity_type]


def test_vin_check_digit_follows_iso_3779() -> None:
    assert checksums.vin_check_char("1M8GDM9AXKP042788") == "X"
    assert checksums.is_vin("1M8GDM9AXKP042788")
    assert not checksums.is_vin("1M8GDM9A1KP042788")
    assert not checksums.is_vin("1M8GDM9AXKP04278")  # 16 characters
    assert not checksums.is_vin("1M8GDM9AXKP04278O")  # O is not in the alphabet
    with pytest.raises(ValueError):
        checksums.vin_check_char("IM8GDM9AXKP042788")


def test_a_checked_vin_is_found_anywhere_and_a_wrong_one_only_after_its_label() -> None:
    assert _of("涉案车辆1M8GDM9AXKP042788已扣押。", "CN_VIN") == ["1M8GDM9AXKP042788"]
    assert _of("涉案车辆1M8GDM9A1KP042788已扣押。", "CN_VIN") == []
    assert _of("车架号：LSVAU2180N2183294，已扣押。", "CN_VIN") == ["LSVAU2180N2183294"]


def test_engine_numbers_after_their_label() -> None:
    text = "车辆识别代号LSVAU2180N2183294，发动机号码：CFB-123456，发动机型号EA211。"
    assert _of(text, "CN_ENGINE_NUMBER") == ["CFB-123456"]


@pytest.mark.parametrize(
    ("text", "entity_type", "value"),
    [
        ("其社会保障卡号：A12345678，已挂失。", "CN_SOCIAL_SECURITY", "A12345678"),
        ("社保卡号为1234567890123，由人社局发放。", "CN_SOCIAL_SECURITY", "1234567890123"),
        ("患者住院号：2023004512，入院诊断为肺炎。", "CN_MEDICAL_RECORD", "2023004512"),
        ("门诊号 MZ-20230101，病历号BL88231。", "CN_MEDICAL_RECORD", "MZ-20230101"),
        ("门诊号 MZ-20230101，病历号BL88231。", "CN_MEDICAL_RECORD", "BL88231"),
        ("通过QQ号：123456789联系被害人。", "CN_QQ", "123456789"),
        ("添加微信：wx_zhang2023后转账。", "CN_WECHAT", "wx_zhang2023"),
        ("其微信号为13912345678。", "CN_WECHAT", "13912345678"),
    ],
)
def test_labelled_identifiers(text: str, entity_type: str, value: str) -> None:
    assert value in _of(text, entity_type)


@pytest.mark.parametrize(
    "text",
    [
        "欢迎关注微信公众号gov_anhui2023获取信息。",
        "加入QQ群123456789讨论。",
        "关注微信支付活动，2023年12月31日截止。",
        "本院病历号码管理规定自2024年1月1日起施行。",
    ],
)
def test_no_identifier_without_a_personal_label(text: str) -> None:
    found = [f.entity_type for f in deid.analyze(text)]
    assert not {"CN_QQ", "CN_WECHAT", "CN_MEDICAL_RECORD"} & set(found)


@pytest.mark.parametrize(
    "text",
    [
        "（2018）桂0305刑初123号刑事判决书已生效。",
        "(2019)皖01民终1234号之一民事裁定书。",
        "依据皖政〔2023〕5号、国办发[2023]12号文件执行。",
        "（2020）京0105民初12345678号案件审理中。",
        "2023年12月31日前拨付资金12345678元，增长12.5%。",
    ],
)
def test_case_and_document_numbers_dates_and_amounts_stay(text: str) -> None:
    assert [f for f in deid.analyze(text) if f.entity_type != "PERSON"] == []


def _id_with_wrong_check(body: str) -> str:
    right = checksums.resident_id_check_char(body)
    return body + ("1" if right != "1" else "2")


def test_an_id_with_a_wrong_check_digit_is_found_at_a_lower_score() -> None:
    number = _id_with_wrong_check("34010419900101123")
    valid = "34010419900101123" + checksums.resident_id_check_char("34010419900101123")
    [wrong] = deid.analyze(f"经查，其号码{number}系伪造。")
    [right] = deid.analyze(f"经查，其号码{valid}系伪造。")
    assert wrong.entity_type == right.entity_type == "CN_RESIDENT_ID"
    assert wrong.score < right.score
    # next to 身份证 the context word lifts it
    [labelled] = deid.analyze(f"身份证号码{number}")
    assert labelled.score > wrong.score


def test_a_luhn_valid_card_stays_a_bank_card_even_when_shaped_like_an_id() -> None:
    # an 18-digit card number that also has an ID's province, birth date and shape, but
    # not its check digit: Luhn decides, it is a card
    body = "62220219900101123"
    card = next(body + d for d in "0123456789" if checksums.luhn_valid(body + d))
    assert checksums.is_resident_id_shape(card) and not checksums.is_resident_id(card)
    assert {f.entity_type for f in deid.analyze(f"收款账户{card}")} == {"CN_BANK_CARD"}


def test_long_numbers_without_an_id_shape_are_not_ids() -> None:
    # no province 99, no month 13: an order number, not an ID
    assert _of("订单号990104199001011231已发货", "CN_RESIDENT_ID") == []
    assert _of("订单号340104199013011231已发货", "CN_RESIDENT_ID") == []


def test_traditional_and_full_width_text_keeps_original_offsets() -> None:
    text = "陳冠希與張某某於香港會面，電話：１３９１２３４５６７８，證件號ＡＢＣ１２３。"
    found = [(f.entity_type, text[f.start : f.end]) for f in deid.analyze(text)]
    assert ("PERSON", "陳冠希") in found
    assert ("PERSON", "張某某") in found
    assert ("CN_PHONE", "１３９１２３４５６７８") in found


def test_full_width_resident_id_is_found_in_the_original_text() -> None:
    body = "34010419900101123"
    number = body + checksums.resident_id_check_char(body)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in number)
    text = f"公民身份号码：{wide}。"
    [finding] = deid.analyze(text)
    assert (finding.entity_type, text[finding.start : finding.end]) == ("CN_RESIDENT_ID", wide)


def test_resident_id_shape_ignores_only_the_check_digit() -> None:
    body = "34010419900101123"
    right = body + checksums.resident_id_check_char(body)
    wrong = body + ("0" if right[-1] != "0" else "1")
    assert checksums.is_resident_id_shape(right) and checksums.is_resident_id_shape(wrong)
    assert not checksums.is_resident_id_shape("99010419900101123" + "1")  # no province 99
    assert not checksums.is_resident_id_shape("34000019900101123" + "1")  # prefecture 00
    assert not checksums.is_resident_id_shape("34010419900231123" + "1")  # 31 February... 0231
    assert not checksums.is_resident_id_shape("3401041990010112" + "AB")


def test_the_label_decides_for_a_number_that_is_both_card_and_id_shaped() -> None:
    body = "62220219900101123"
    number = next(body + d for d in "0123456789" if checksums.luhn_valid(body + d))
    assert not checksums.is_resident_id(number)
    as_id = {f.entity_type for f in deid.analyze(f"公民身份号码{number}")}
    as_card = {f.entity_type for f in deid.analyze(f"银行卡号{number}")}
    bare = {f.entity_type for f in deid.analyze(f"编号{number}")}
    assert as_id == {"CN_RESIDENT_ID"}
    assert as_card == bare == {"CN_BANK_CARD"}
