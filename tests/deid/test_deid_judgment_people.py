"""Conventions found by the judgments written in session 21 (a Liangshan Yi criminal case, a
court's announcements, a judicial detention, a village's compensation, a betrothal gift,
a partnership, a family tree, a voter list, a bus accident, unpaid migrant workers): Yi
names, a notice served by announcement, relatives and posts before a name, and words that
are no name (项目经理, 主张权利, a village, a disease, a figure), each on a few lines."""

from __future__ import annotations

from tests.deid.person_findings import person_mentions, person_names, touched

_HEADING = "四川省昭觉县人民法院\n刑事判决书\n（2022）川3431刑初87号\n"


def test_yi_names_are_found_in_a_narrative_and_by_their_given_names() -> None:
    text = (
        _HEADING + "被告人阿牛木呷，男，彝族。\n"
        "阿牛木呷持折叠刀朝俄木日哈腹部捅刺两刀，沙马拉且在旁用拳头击打俄木日哈头面部。"
        "在双方家支德古曲比尔日的主持下达成和解。证人证实\u201c木呷和日哈吵起来\u201d。\n"
    )
    names = person_names(text)
    assert {"阿牛木呷", "俄木日哈", "沙马拉且", "曲比尔日"} <= names
    mentions = person_mentions(text)
    assert "木呷" in mentions and "日哈" in mentions


def test_yi_clans_are_read_in_court_documents_only() -> None:
    text = "记者昨日在昭觉县看到，俄木日哈和沙马拉且正在地里劳动。"
    assert "俄木日哈" not in person_names(text)


def test_a_notice_served_by_announcement_names_the_plaintiff() -> None:
    text = (
        "四川省昭觉县人民法院公告\n孙国华：\n"
        "本院受理原告饶建设诉你离婚纠纷一案，现依法向你公告送达起诉状副本。\n"
    )
    assert "饶建设" in person_names(text)


def test_a_rare_word_surname_after_a_relative_and_a_name_after_a_post() -> None:
    text = (
        _HEADING + "彩礼由被告的舅舅过国庆当场交给原告，其父亲门长顺、母亲过桂香在场。"
        "村民组长文学军出庭证实。被告人过失致人受伤，母亲过世后无人照料。\n"
    )
    assert {"过国庆", "过桂香", "文学军"} <= person_names(text)
    assert not touched(text, "过失", "PERSON")
    assert not touched(text, "过世", "PERSON")


def test_words_of_a_judgment_that_are_no_names() -> None:
    text = (
        _HEADING + "签证单有项目部技术员黎明、项目经理邬海洋签字。\n"
        "原告有权在保证期间内向其主张权利。本案由审判员一人独任审理。\n"
        "被申请人经诊断为阿尔茨海默病。被告于2019年9月向牛德明转账900000元。\n"
    )
    assert "黎明" in person_names(text)
    for word in ("项目", "权利", "一人", "阿尔茨海默病", "900000"):
        assert not touched(text, word, "PERSON"), word


def test_a_village_is_no_name_wherever_it_is_named() -> None:
    text = (
        "浙江省杭州市中级人民法院\n行政判决书\n（2021）浙01行初88号\n"
        "原告：蔺桂芳，女，汉族，住浙江省杭州市余杭区良渚街道荀山村蔺家埭组18号。\n"
        "第三人：杭州市余杭区良渚街道荀山村村民委员会，住所地杭州市余杭区良渚街道荀山村。\n"
        "第三人荀山村委会述称：村委会曾在用地申请表上盖章同意。\n"
        "经审理查明：原告蔺桂芳系蔺阿根之女，二人自1986年起在荀山村蔺家埭组18号居住。\n"
    )
    assert "荀山村" not in person_mentions(text)
