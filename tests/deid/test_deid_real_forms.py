"""Forms of real published court documents that the engine got wrong on first reading
(session 31: batches of criminal, civil and administrative documents from public
repositories, read only to measure; the texts here are written after them, with other
names): a firm's defined short name, the rights a civil case is about, online shops, a
fee's masked amount, a bank card of a masked name, a name run into its bench title, a
party's other name after 又名, a Uyghur name without its dots, and a clause after a role
that is no list of names."""

from __future__ import annotations

from tests.deid.person_findings import person_mentions, person_names, touched

_CIVIL = "某某市中级人民法院\n民事判决书\n（2018）某03民终1234号\n"
_CRIMINAL = "某某县人民法院\n刑事判决书\n（2016）某3431刑初87号\n公诉机关某某县人民检察院。\n"


def test_a_firms_defined_short_name_is_no_name_wherever_it_stands() -> None:
    text = (
        _CRIMINAL + "被告人梁国栋，原系寿光广潍汽车销售服务有限公司（以下简称寿光广潍）经理。"
        "潍坊广潍汽车销售服务有限公司寿光分公司（以下简称潍坊广潍寿光分公司）系其分公司。"
        "梁国栋将20万元归还给寿光广潍。寿光广潍对梁国栋的借款承担连带责任，"
        "潍坊广潍寿光分公司在梁国栋不能偿还时承担责任。\n"
    )
    assert "梁国栋" in person_names(text)
    mentions = "".join(person_mentions(text))
    assert "广潍" not in mentions
    assert "寿光" not in mentions


def test_a_short_name_defined_with_quotes_after_a_joint_stock_firm() -> None:
    text = (
        _CRIMINAL + "被告人戴志能以宁波鼎鑫元投资股份有限公司（下称“鼎鑫元”）名义吸收资金，"
        "被害人投资鼎鑫元是在许文强考察之后。\n"
    )
    assert {"戴志能", "许文强"} <= person_names(text)
    assert not touched(text, "鼎鑫元", "PERSON")


def test_the_rights_a_civil_case_is_about_are_no_names() -> None:
    text = (
        _CIVIL + "上诉人毛丽杰因肖像权、名誉权纠纷一案，不服一审判决。"
        "一审认定北京某某医院侵犯毛丽杰肖像权事实清楚。本院认为，自然人的肖像权受法律保护。\n"
    )
    assert "毛丽杰" in person_names(text)
    assert "肖像权" not in "".join(person_mentions(text))
    assert not touched(text, "肖像权", "PERSON")


def test_online_shops_are_no_names() -> None:
    text = (
        _CIVIL + "原告周红梅诉称，“网店”是指京东、卓越亚马逊、当当、淘宝天猫；"
        "被告在卓越亚马逊、淘宝天猫等网店销售侵权图书。\n"
    )
    assert "周红梅" in person_names(text)
    mentions = "".join(person_mentions(text))
    assert "亚马逊" not in mentions
    assert "天猫" not in mentions


def test_a_fees_masked_amount_is_no_masked_name() -> None:
    text = _CIVIL + "被执行人李X应支付诉讼费X，申请执行费X元，由被执行人负担。\n"
    assert "费" not in "".join(person_mentions(text))
    # 费 is a surname all the same
    assert person_mentions(_CIVIL + "被执行人费X于2015年3月到庭。\n") == ["费X"]


def test_a_masked_names_bank_card_is_the_persons() -> None:
    text = _CIVIL + "被告称购房款系通过张某银行卡支付，款项打入张某银行账户，由张某转交。\n"
    assert person_mentions(text) == ["张某", "张某", "张某"]


def test_a_name_run_into_its_bench_title_on_its_own_line() -> None:
    text = _CIVIL + "本院认为，原告的诉讼请求成立。\n代理审判员木乃以不\n二〇一六年三月一日\n"
    assert "木乃以不" in person_names(text)


def test_a_partys_other_name_after_you_ming() -> None:
    text = _CRIMINAL + "被告人章根林，又名章起根，男，1961年出生。\n"
    assert {"章根林", "章起根"} <= person_names(text)
    # a place's former name is no person's
    assert person_names("该村原名王家庄，后改为现名。") == set()


def test_a_uyghur_name_without_its_dots() -> None:
    text = _CRIMINAL + "证人宋丽华和艾力买买提尼牙子证实，案发当天看见一名中年妇女。\n"
    assert {"宋丽华", "艾力买买提尼牙子"} <= person_names(text)


def test_a_clause_after_a_role_is_no_list_of_names() -> None:
    text = (
        _CRIMINAL + "被告人忻海龙，男。忻海龙的犯罪行为不仅剥夺了被害人的生命、给被害人家属造成"
        "了巨大伤害。忻海龙要求杨某某的父亲于当月25日下午交款。\n"
    )
    mentions = person_mentions(text)
    assert not [mention for mention in mentions if mention[0] in "的给于"]
    assert {"忻海龙", "杨某某"} <= set(mentions)


def test_a_yi_victim_whose_surname_is_de_in_a_list() -> None:
    # 的 is a Yi surname as courts transliterate it
    text = _CRIMINAL + "经鉴定，证人阿某1、吉某2等的证言，被害人的某、米某、吉某1的陈述在案。\n"
    assert {"的某", "米某", "吉某1"} <= set(person_mentions(text))


def test_a_taiwan_party_block_run_together_and_its_footer() -> None:
    # a data set ran every line of the judgment together
    text = (
        "臺灣士林地方法院民事判決109年度訴字第2056號原告張益明被告施雅伶訴訟代理人李念庭"
        "上列當事人間請求損害賠償事件，本院判決如下：主文被告應給付原告新臺幣叁拾貳萬元。"
        "中華民國110年4月29日書記官簡毓玲中華民國110年4月29日"
    )
    names = person_names(text)
    assert {"張益明", "施雅伶", "李念庭", "簡毓玲"} <= names
    assert not [name for name in names if name.startswith("應")]


def test_a_victims_code_and_placeholder_stand_for_her_name() -> None:
    text = (
        "臺灣新北地方法院刑事判決\n被告林志豪結識代號0000甲000000號未成年女子（真實姓名詳卷，"
        "下稱甲女），明知甲女未滿14歲。案經甲女之母A母訴由警察局報告偵辦。\n"
    )
    mentions = person_mentions(text)
    assert {"林志豪", "0000甲000000", "甲女", "A母"} <= set(mentions)
