"""A judgment as courts publish it, end to end: every name found (masked, full, back
references, the bench in the footer), the case and document numbers left alone."""

from __future__ import annotations

import deid

JUDGMENT = """广西壮族自治区桂林市叠彩区人民法院
刑 事 判 决 书
（2018）桂0303刑初123号
公诉机关桂林市叠彩区人民检察院。
被告人莫某某，男，1987年6月12日出生于广西壮族自治区荔浦县，汉族，初中文化，无业，住荔浦县马岭镇。因涉嫌犯盗窃罪于2018年3月5日被桂林市公安局叠彩分局刑事拘留，同年4月10日被逮捕。现羁押于桂林市看守所。
辩护人覃XX，广西某某律师事务所律师。
桂林市叠彩区人民检察院以叠检公诉刑诉〔2018〕98号起诉书指控被告人莫某某犯盗窃罪，于2018年5月20日向本院提起公诉。本院依法适用简易程序，实行独任审判，公开开庭审理了本案。桂林市叠彩区人民检察院指派检察员蒋丽华出庭支持公诉，被告人莫某某及其辩护人覃XX到庭参加诉讼。现已审理终结。
经审理查明，2018年2月14日凌晨，被告人莫某某窜至叠彩区中山北路88号被害人黄某甲经营的商店，撬开卷闸门，盗走香烟20条、现金人民币3200元。经鉴定，被盗香烟价值人民币4560元。同年3月5日，被告人莫在荔浦县被抓获。
上述事实，有被害人黄某甲的陈述，证人黄某乙、唐**的证言，被告人莫某某的供述等证据证实。
本院认为，被告人莫某某以非法占有为目的，秘密窃取他人财物，数额较大，其行为已构成盗窃罪。
审判员　　唐　勇
二〇一八年六月十五日
书记员　　廖晓玲
"""


def _found() -> list[tuple[str, str]]:
    [findings] = deid.analyze_batch([JUDGMENT])
    return [(f.entity_type, JUDGMENT[f.start : f.end]) for f in findings]


def test_every_person_of_the_judgment_is_found() -> None:
    names = {text for kind, text in _found() if kind == "PERSON"}
    for name in (
        "莫某某",
        "覃XX",
        "蒋丽华",
        "黄某甲",
        "黄某乙",
        "唐**",
        "莫",
        "唐\u3000勇",
        "廖晓玲",
    ):
        assert name in names
    # the back reference is 莫 after 被告人, in the sentence of the arrest
    arrest = JUDGMENT.index("被告人莫在") + 3
    [findings] = deid.analyze_batch([JUDGMENT])
    assert any(f.start == arrest and f.end == arrest + 1 for f in findings)


def test_footer_names_end_where_their_characters_do() -> None:
    names = [text for kind, text in _found() if kind == "PERSON"]
    assert not any(name != name.strip() for name in names)


def test_case_and_document_numbers_and_sums_stay() -> None:
    [findings] = deid.analyze_batch([JUDGMENT])
    for reference in ("（2018）桂0303刑初123号", "叠检公诉刑诉〔2018〕98号", "3200元", "4560元"):
        start = JUDGMENT.index(reference)
        end = start + len(reference)
        assert not any(
            f.entity_type != "PERSON" and f.start < end and start < f.end for f in findings
        )


def test_the_bench_is_found_line_by_line_and_a_sentence_about_it_is_not() -> None:
    text = "审判长　李明华\n人民陪审员　王　刚\n书记员 张三\n审判员负责本案。\n"
    names = {text[f.start : f.end] for f in deid.analyze(text) if f.entity_type == "PERSON"}
    assert {"李明华", "王\u3000刚", "张三"} <= names
    assert not any("负责" in name for name in names)
