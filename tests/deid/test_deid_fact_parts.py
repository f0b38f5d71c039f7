"""The fact part of a judgment alone, as legal data sets, case digests and court press
releases publish it (no title, no party block, no bench: session 22): it is read as a
court's text, and the names its party block would have given are found where the facts
first name them (after a role word, in a list of defendants, repeated, masked with a surname
the table lacks, quoted as the person they are).

``fact_parts/`` holds 246 such texts written by hand in sessions 22 and 23 by writers who had
not read the engine. The first 46: 24 criminal (thefts, fraud, injury, drunk driving, robbery,
affray, drugs, a casino, credit cards, detention, embezzlement, a masked minor, logging, wages,
forgery, 帮信, a WeChat fraud) and 22 civil and administrative (claims and defences,
findings, reasoning, 典型案例 write-ups, court press releases). Read by the engine before
session 22's rules, the criminal ones lost 46 of their 412 mentions and the civil ones 17 of
437. Left out of their lists, because the engine misses them: two Dai names in a list after
向 (康朗叫、玉罕), a trader 和建新 whose surname is a conjunction, a four-syllable Lisu name
(鲁茸品初), and in a press release 万国庆 before 老人 and his sons' given names in quoted
speech (建国, 建民, 老陈).

Then 46 more (``*_b.txt`` and the civil ones named by their matter), written after those rules:
24 criminal of rarer crimes (bribery, abuse of power, staged accidents, counterfeit cigarettes,
fund-raising, smuggling, harbouring, forced labour, kidnapping, arson, poaching, sand mining,
fake medicines, trafficking, personal data, bigamy, perjury, escape, embezzlement, firearms,
pollution) and 22 civil digests, news and court posts (a WeChat balance, a homestead, a pet's
bite, a streamer, a handwritten will, usury, a public-interest suit, married-out daughters …).
On first reading with the rules of the first 46 they lost 15 of 435 and 16 of 388 mentions;
now 5 and 11.  Left out: a given name alone that is a word (海军), 贝某 written once, a
Mongolian given name alone after 自诉人 (其其格), children's and streamers' names in quotes
(川川, 朵朵, 鹿鹿, 小鹿回来了, 阿狸不吃鱼), 乌云其其格 and 热孜万古丽 without their dot after
a neighbour or a wife, 伍宇飞 before 去看房 (飞去 is a word), “阿水” before
a bracket that says whose cousin he is, and names with a title after them (黄老伯, 祁经理: the
engine reports the name, not the title).

And 40 (``cail_*``) in the form of the CAIL2018 data set's facts (80-400 characters, one crime
each), written after the rules of the second 46: on first reading they lost 11 of 383
mentions (the code of the session's start: 18); now 1 (left out: 陈家乐 after 从, read as
the 陈 family).

And 30 (``heldout_*``) written last and read once before any rule was made for them: 15
criminal and 15 civil or administrative excerpts of thirty matters (first reading: 18 of 409
mentions missed; left out: 贝哥 of a name found weakly, a Mongolian given name alone, 其其格,
and 朵某某 and 达某某 written once with surnames the table lacks; 闻红旗 after 工友 is found
since).

And 84 (``s23_*``, session 23), each set read once by the engine of the session's start before
any rule was made for it: 30 criminal fact parts in the CAIL style (first reading: 4 of 294
mentions missed, now none), 30 civil and administrative excerpts (24 of 430; now 8) and 24
courts' and procuratorates' own publications: typical cases, press releases, indictments,
digests of guiding cases and court news of mediations (46 of 573; now 19). Left out: names
whose surname is a word there (母文化 after 原告, 和英 after 其妻子), a familiar form in a quote
(小庹), a given name alone (向东 in speech, 买买提), 陆海燕 after 公证员为, a byline's
向晴, an honorific (格桑啦), 满立山 whom the models miss six times, and the Mongolian names of
a mediator's story that is no court's (宝音图, 其其格, 呼和). Four names left out above are
found since and listed again: 万国庆, 川川, 乌云其其格, 朵某某 and 禤某甲 (a masked name with
an ordinal, written once), 红旗 after 孙子, and 其其格 alone wherever the court writes it
(but in the mediator's story).

And 16 (``s23_heldout_*``) written last in session 23, with eight judgments kept with the
written judgments, and read once before any rule was made for them: of the 24 texts' 563
mentions the session's first code and its last code before them each missed 4 (0.993): 麦麦提
敏 in a dotted name, a Yi name after 之舅, 岩某甲 written once and 宫宇航 after 宫玉兰之子
(子宫 is a word). All are found since. And 30 (``s23_appeal_*``) of the other parts data
sets take: appeal grounds, answers, reasoning, sentencing, retrial petitions, enforcement
and short rulings (first reading: 2 of 478 mentions missed, 过建平 after 法定代表人; found
since). And 30 (``s23_evidence_*``) evidence sections with testimony quoted in the first
person (first reading: 40 of 697 missed: a surname with what people call its bearer, 景老板,
冷奶奶; dotted names masked in each part, 热某·阿某某, and 热某 alone; given names in quoted
speech; 原告粟和平 and 被告蒲向阳, whose given names are words; now 6). Left out: names with
a kinship word or an honorific after them (巴特尔大哥, 巴特尔叔叔, 阿依古丽姐, 多吉啦) and a
pet name (琳琳 of 戴晓琳). And 14 (``s23_anhui_*``) excerpts of Anhui's courts of 2016-2024,
written last with six judgments kept with the written judgments, and read once before any
rule was made for them: of the 20 texts' 494 mentions the session's first code and its
latest each missed one (0.998), 查平和 opening his defence without a role (found since)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import deid
from tests.deid.person_findings import missed_mentions, person_mentions, person_names

HERE = Path(__file__).parent / "fact_parts"
CASES = json.loads((HERE / "people.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["file"] for case in CASES])
def test_every_mention_of_every_person_in_a_fact_part_is_redacted(case: dict[str, Any]) -> None:
    text = (HERE / case["file"]).read_text(encoding="utf-8")
    found = [f for f in deid.analyze(text) if f.entity_type == "PERSON"]
    assert missed_mentions(text, case["people"], found) == []


def test_a_name_guessed_once_is_found_wherever_the_facts_repeat_it() -> None:
    # 亢某 is another person: 亢建设 after a role is no masked 亢 with the verb 建设 glued on
    text = (
        "经审理查明：2019年7月29日，宛东县鑫源农资有限公司以亢建设拖欠货款为由报案。"
        "8月2日，宛东县公安局以亢建设涉嫌合同诈骗罪立案侦查。亢某曾到公安局说明情况。"
        "延长羁押期限的理由为“犯罪嫌疑人亢建设伙同麻东升结伙作案”。"
        "宛东县公安局支付亢建设人身自由赔偿金。"
    )
    assert person_mentions(text).count("亢建设") == 4


def test_a_masked_victim_with_a_surname_the_table_lacks_is_found() -> None:
    text = (
        "经审理查明：被告人雷振东与被害人禤某某均在佛山市务工。雷振东拿啤酒瓶砸禤某某头部，"
        "致禤某某脾破裂。库某某的同伴撒某劝阻时，孟某乙又持啤酒瓶砸向撒某头部。"
        "经鉴定，库某某、撒某的损伤程度均为轻微伤。"
    )
    mentions = person_mentions(text)
    assert mentions.count("禤某某") == 3
    assert mentions.count("撒某") == 3


def test_a_mask_of_one_character_no_function_word_or_direction() -> None:
    text = "经审理查明：被告人王某某往某方向逃跑，民警在某单位将其抓获，后又往某方向追赶。"
    assert person_names(text) == {"王某某"}


def test_relatives_masked_with_a_number_are_found_whole() -> None:
    text = "经审理查明：事故发生后，肇事方负责人孙×与陈XX的近亲属陈×1、陈×2达成赔偿协议。"
    assert {"孙×", "陈XX", "陈×1", "陈×2"} <= person_names(text)


def test_defendants_listed_after_their_role_are_names_whatever_their_surname() -> None:
    text = (
        "公诉机关认为，被告人排早当、勒排干、貌昂山的行为均已构成运输毒品罪。"
        "春节期间，被告人那平安、母向阳经事先商议开设赌场，母向阳负责招揽赌客。"
        "辩护人提出，各被告人系从犯、认罪认罚，请求从轻处罚。"
    )
    names = person_names(text)
    assert {"排早当", "勒排干", "貌昂山", "那平安", "母向阳"} <= names
    assert not {"系从犯", "认罪认罚"} & names


def test_the_last_of_a_list_before_its_count_is_whole() -> None:
    text = "经审理查明：该赌场共接纳参赌人员杨光明、何国强、苟志平等三十余人次。"
    assert {"杨光明", "何国强", "苟志平"} <= person_names(text)


def test_a_rare_surname_before_a_verb_is_found_when_written_twice() -> None:
    text = (
        "2018年1月2日19时许，被告人眭海军驾驶一辆无牌摩托车，搭载揭小龙在街上寻找作案目标。"
        "同月8日，揭小龙又伙同眭海军采用同样手段抢走被害人手机一部。二人后被抓获归案。"
    )
    assert person_mentions(text).count("眭海军") == 2


def test_a_quoted_person_is_found_after_what_he_is() -> None:
    text = (
        "经审理查明：被告人亓红旗以其表哥“老三”即将打款为由借款。其毒品系从缅甸籍男子"
        "“岩香”（身份不详）处购得。被告人马某乙、达某以及“尕娃”等人将被害人带走。"
        "其回复“收到”等字样。"
    )
    names = person_names(text)
    assert {"老三", "岩香", "尕娃"} <= names
    assert "收到" not in names


def test_a_vehicle_plate_is_no_name() -> None:
    text = (
        "经审理查明：2017年3月5日8时10分许，被告周平安驾驶苏E·7G2K9号小型轿车行至路口。"
        "\n\n苏E·7G2K9号车辆在保险公司投保了交强险。"
    )
    assert not any(name.startswith("苏") for name in person_names(text))


def test_news_quotes_what_people_are_called_not_who_they_are() -> None:
    assert not person_names("工艺精湛的墨西哥“鹰洋”，曾为中国的商品流通发挥过积极作用。")
    assert not person_names("称这些靓妹“洗头妹”都称不上。")


def test_a_yi_clan_is_no_sumu_and_a_banner_before_its_bodies_is_no_name() -> None:
    text = (
        "四川省西昌市人民法院\n刑事判决书\n（2018）川3401刑初356号\n"
        "被告人吉克拉哈持折叠刀捅刺阿苏木呷腹部，致阿苏木呷经抢救无效死亡。\n"
        "内蒙古自治区阿荣旗人民法院\n刑事判决书\n被告人巴特尔，住阿荣旗复兴镇某村。"
        "阿荣旗人民检察院以阿旗检刑诉〔2015〕12号起诉书指控，巴特尔在阿荣旗复兴镇猎捕野猪。"
    )
    names = person_mentions(text)
    assert names.count("阿苏木呷") == 2
    assert not [name for name in names if "旗" in name]


def test_a_relative_masked_with_a_rare_surname_is_found_when_written_twice() -> None:
    text = (
        "执行裁定书\n被执行人郝某某之妹郝某乙、之妹夫畅某某及其岳母任某某。"
        "被执行人郝某某向其妹夫畅某某转账150000元。畅某某称，该款系借款。"
    )
    assert person_mentions(text).count("畅某某") == 3


def test_a_health_centre_and_a_relation_are_no_names() -> None:
    text = (
        "民事判决书\n原告李某某诉被告某县唐集乡卫生院（以下简称唐集卫生院）医疗损害责任纠纷。"
        "唐集卫生院辩称，其已尽诊疗义务。传票于2018年1月20日由罗志勇之妻钟燕签收。"
    )
    names = person_names(text)
    assert not [name for name in names if "唐集" in name or name == "妻"]
    assert "钟燕" in names


def test_a_court_finds_how_people_call_a_person_it_names() -> None:
    text = (
        "经审理查明：被告人杨平安伙同何小龙盗割电缆。何小龙供述：“平安哥说电缆值钱。”"
        "证人刘春生称，群里的人都叫被害人高建华老高，刘春生在群里骂老高。"
        "被告人杨平安将电缆卖给禹会区老乔家面馆的老板。"
    )
    mentions = person_mentions(text)
    assert "平安哥" in mentions
    assert mentions.count("老高") == 2
    assert "老乔" not in mentions
    # news says 老王 of someone it never names in full
    assert "老王" not in person_names("王建国说，老王家的房子最早盖起来。")


def test_masked_names_of_surnames_the_table_lacks_in_every_form() -> None:
    text = (
        "一审法院查明：被告人衡××系山西省××县人。衡××伙同其外甥申××开办砖厂。"
        "被告人马某在烧烤店因琐事与纳某某发生争执，持刀将纳某某捅成重伤。"
        "他往某方向逃跑，又往某方向折返。东莞市某某五金制品有限公司与东莞市某某五金制品有限公司"
    )
    mentions = person_mentions(text)
    assert mentions.count("衡××") == 2
    assert mentions.count("纳某某") == 2
    assert not [name for name in mentions if name.startswith(("往", "市"))]


def test_a_pseudonym_and_a_quoted_person_before_a_bracket_are_found() -> None:
    text = (
        "2021年7月的一个傍晚，6岁的乐乐（化名）在小区玩耍，一只柯基犬在乐乐腿上咬了一口。"
        "经审理查明：被告曾向在线客服“小美”（工号07）咨询。郑某某多次找“阿水”（即林某1）。"
        "每场按赢家所得收取“台费”（即抽头）。"
    )
    mentions = person_mentions(text)
    assert mentions.count("乐乐") == 2
    assert {"小美", "阿水"} <= set(mentions)
    assert "台费" not in mentions


def test_a_sentence_that_ends_in_a_village_is_no_address() -> None:
    text = "经审理查明：2016年3月，镇纪委书记闵卫华接到村民尚某举报。"
    assert "闵卫华" in person_names(text)
    address = "被告人住安徽省六安市裕安区石婆店镇白马寺新营村3组12号。"
    assert any(f.entity_type == "CN_ADDRESS" for f in deid.analyze(address))


def test_short_facts_as_data_sets_give_them() -> None:
    text = (
        "公诉机关指控：2018年10月，被告人夏雨与其女友方圆合谋，由方圆通过微信结识被害人，"
        "夏雨、方圆被公安机关抓获。公诉机关认为，被告人夏雨、方圆以非法占有为目的敲诈他人财物。"
        "被告人钟某在其家中容留彭志军、钟丽、甘永生吸食甲基苯丙胺。"
        "被告人吉克伍沙携带汽油窜至阿苦拉且家中纵火。岩温供述其毒品系从一名叫“岩香”的男子处购得。"
        "被告人陈述、辩解，被害人陈述、证人证言等证据证实。"
    )
    mentions = person_mentions(text)
    assert mentions.count("方圆") == 4
    assert {"甘永生", "阿苦拉且", "岩香"} <= set(mentions)
    assert not {"陈述", "辩解", "证人证言"} & set(mentions)


def test_a_hospital_an_issuer_and_the_victims_money_are_no_names() -> None:
    text = (
        "湖南省邵阳市双清区人民法院\n刑事判决书\n（2019）湘0502刑初211号\n"
        "公诉机关邵阳市双清区人民检察院以邵双检公诉刑诉〔2019〕198号起诉书指控。"
        "原告与被告湖州康宁医院（以下简称康宁医院）医疗损害责任纠纷一案。"
        "被告人骗取李桂兰等二十名被害人钱款共计人民币47.56万元。"
        "2016年我和沙马家的沙马拉则订了婚。"
    )
    names = person_names(text)
    assert not [name for name in names if name[:2] in ("邵双", "康宁", "钱款")]
    assert {"李桂兰", "沙马拉则"} <= names


def test_parties_before_their_claims_and_rare_surnames_after_a_role() -> None:
    text = (
        "原告乌云其木格诉称：原告与被告系夫妻。\n原告皇甫立新诉称：被告向原告借款。\n"
        "被告锦悦物业辩称：不同意。\n原告共同诉称：请求判令被告赔偿。\n"
        "经审理查明：2021年3月，原告与被告海某某、锁某口头约定合伙经营。被告锁某辩称：同意。"
        "2022年8月，被告人郄帅在明知他人利用信息网络实施犯罪的情况下提供银行卡，郄帅从中获利。"
        "另查明，岩温系受其表哥刀建新指使运输毒品，刀建新在逃。"
    )
    mentions = person_mentions(text)
    assert {"乌云其木格", "皇甫立新"} <= set(mentions)
    assert mentions.count("锁某") == 2
    assert mentions.count("郄帅") == 2
    assert mentions.count("刀建新") == 2
    assert not {"锦悦物业", "共同"} & set(mentions)


def test_yunnan_surnames_uyghur_ismail_and_what_people_call_someone() -> None:
    text = (
        "民事判决书\n原告外出打工，将土地交由堂弟普正发耕种。普正发出庭作证称：属实。"
        "原告提交了邻居阿依古丽·司马义的证言。员工平时都喊他“杰哥”。梁某某称陈某某为“强哥”。"
        "被告人将名单交给“远哥”，“远哥”就是洪志远。称该物品为“台费”。"
    )
    mentions = person_mentions(text)
    assert mentions.count("普正发") == 2
    assert {"阿依古丽·司马义", "杰哥", "强哥", "远哥"} <= set(mentions)
    assert "台费" not in mentions


def test_a_court_finds_a_name_after_the_people_of_a_life() -> None:
    text = "经审理查明：原告受伤后自行回家，同班工友闻红旗可以证明。被告人的朋友来向我借钱。"
    names = person_names(text)
    assert "闻红旗" in names
    assert not [name for name in names if name.startswith("来")]
    assert "闻红旗" not in person_names("同班工友闻红旗可以证明。")  # news: the models alone


def test_a_kinship_character_is_no_name_only_after_zhi_or_qi() -> None:
    from deid.guesses import _in_word

    assert _in_word("传票由罗志勇之妻钟燕签收", 7)  # 之妻: the relation
    assert not _in_word("孙说他明天再来", 0)  # a text's first 孙 follows no 之 nor 其


def test_a_surname_no_word_holds_is_a_name_written_once() -> None:
    text = (
        "经审理查明：被告人欧阳志强明知同案人禤家豪（已判刑）所送车辆系盗窃所得仍予收购，"
        "后转卖给经营手机维修店的郄国庆。乜建在一旁帮着解释。"
        "原告系厍家第三子，送给覃家抚养。"
    )
    names = person_names(text)
    assert {"禤家豪", "郄国庆", "乜建"} <= names
    assert not {"厍家第", "覃家抚"} & names  # the families before a word


def test_a_pronoun_is_no_name_and_a_mayor_no_street() -> None:
    text = (
        "经审理查明：被告人阿苦日哈在西昌市长安街某宾馆门口以介绍工作为由骗取他人财物。"
        "其中一笔5万元系岑美玲向其姐姐岑美华借款后转给皇甫俊峰。市局局长江涛到场。"
    )
    names = person_names(text)
    assert {"岑美玲", "岑美华", "江涛"} <= names
    assert not {"其", "安街某"} & names


def test_a_list_after_you_and_syllable_names_after_posts() -> None:
    text = (
        "经审理查明：参赌人员有那日苏、綦长江、訾红梅等十余人。巴特尔被赶到现场的民警平措抓获。"
        "扎西卓玛的儿子边巴还与次仁多吉发生争执。草原工作站的技术员呼和，对受损草场作了测量。"
        "原告巴特尔与被告乌云其木格之间虽未签订书面合同。宝音图家的牛进入邻居草场，宝音图认为赔偿过高。"
    )
    names = person_names(text)
    assert {"那日苏", "平措", "边巴", "呼和", "乌云其木格", "宝音图"} <= names


def test_civil_findings_digests_and_court_news_are_a_courts_text() -> None:
    from deid.recognizers.judgment_rules import is_judgment

    assert is_judgment("申请人钮某某称，原审判决认定事实错误，申请再审。")
    assert is_judgment("原告景某某向被告柏某某转账。庭审中，被告承认收到款项。")
    assert is_judgment("鄢某诉糜某某民间借贷纠纷案\n【裁判要旨】公司法定代表人越权担保的效力")
    assert is_judgment("近日，县人民法院法官吉克阿呷到村里调解了一起借贷纠纷。")
    assert not is_judgment("法官是一种职业。")  # no case


def test_posts_of_work_and_compound_surnames_lead_names_in_court() -> None:
    text = (
        "经审理查明：经皮永福委托的现场施工员全海涛核对工程量，全海涛只负责现场记录。"
        "原告当即被工友淳于保国送往医院。公司其他股东纳兰卫东出具书面声明。"
        "被告人夹谷某拒不支付劳动报酬。每批均由被告雇佣的司机包金山驾车装运，包金山在过磅单上签字。"
    )
    mentions = person_mentions(text)
    assert mentions.count("全海涛") == 2
    assert mentions.count("包金山") == 2
    assert {"淳于保国", "纳兰卫东", "夹谷某"} <= set(mentions)


def test_a_party_whose_name_opens_with_a_noun_is_found_when_written_again() -> None:
    text = (
        "经审理查明：被告战国栋驾驶货车与原告相撞。交警认定战国栋负事故主要责任。"
        "另查明，战国栋系被告公司雇佣的司机。第三人已支付定金，乙方于当日支付定金。"
    )
    mentions = person_mentions(text)
    assert mentions.count("战国栋") == 3
    assert not [m for m in mentions if m.startswith("支付")]


def test_parties_before_their_claims_and_relatives_masked_with_a_number() -> None:
    text = (
        "原告冷向阳向本院提出诉讼请求：判令被告赔礼道歉。被告虽辩称原告先动手，未提供证据。\n"
        "另查明，原告与被告婚后生育女儿玉某1、儿子岩某1。事发后，申请人的儿媳阴某某在现场拍照。"
        "被告禤某某辩称不知情。款项用于支付货款，禤某某时任恒锦公司出纳。禤某某当庭予以确认。"
    )
    mentions = person_mentions(text)
    assert {"冷向阳", "岩某1", "阴某某"} <= set(mentions)
    assert mentions.count("禤某某") == 3
    assert not [m for m in mentions if m.startswith("虽")]


def test_a_will_names_the_grandchild_by_his_given_name() -> None:
    text = (
        "经审理查明：农德昌生前育有一子农红旗、长子农建业。遗嘱内容为：“我农德昌百年之后，"
        "老屋一楼归孙子红旗，二楼归长子建业。”"
    )
    mentions = person_mentions(text)
    assert "红旗" in mentions and "建业" in mentions


def test_a_long_mongolian_syllable_is_a_name_wherever_a_court_writes_it() -> None:
    text = "本院认为：被告将现金50000元转交给其其格，其其格系原告之妻，应视为原告已收到货款。"
    assert person_mentions(text).count("其其格") == 2


def test_a_relative_of_the_same_surname_and_names_of_the_borders() -> None:
    text = (
        "经审理查明：原告佟向阳与第三人宫玉兰系邻居。宫玉兰之子宫宇航报警后，民警到场。"
        "原告之舅阿都尔古亦按照家支习惯出面调解。艾力在其堂兄麦麦提敏·艾海提的陪同下到派出所。"
        "岩某某从岩某甲（另案处理）处购得毒品。患者曾有高血压病史。岳麓区人民法院作出裁定。"
    )
    names = person_names(text)
    assert {"宫宇航", "阿都尔古", "麦麦提敏·艾海提", "岩某甲"} <= names
    assert not [name for name in names if name.startswith(("曾有", "区人"))]


def test_a_firms_representative_with_a_surname_that_is_a_word() -> None:
    text = (
        "本院认为：债务人公司的法定代表人过建平已于2018年离职，上诉人关于印章系他人代签的主张"
        "与该证据相悖；过建平代表债务人签字的行为有效。"
    )
    assert person_mentions(text).count("过建平") == 2


def test_testimony_names_people_by_surname_and_what_they_are_called() -> None:
    text = (
        "经审理查明：1.证人车某的证言：“我和老饶都是景老板喊来干活的，工钱都是景老板发。"
        "冷奶奶一个人住在老屋。那几笔钱是房会计叫我转的账。”\n"
        "2.第三管理区主任赫德才出具的证明；嘎查会计图门吉日嘎拉的证言；公司原会计人员的说明；"
        "物业的哈斯木江经理打电话说地库漏水；班组员工先向组长报备。"
    )
    names = person_names(text)
    assert {"景老板", "冷奶奶", "房会计"} <= names
    assert not {"区主任", "查会计", "原会计", "江经理", "向组长"} & names


def test_masked_dotted_names_given_names_in_testimony_and_a_dai_witness() -> None:
    text = (
        "经审理查明：被告人买某某·吐某某持刀刺伤被害人热某·阿某某。证人称：“热某一直说马上挪车，"
        "我和旁边摊主把热某送到了医院。”民警阿不都外力·肉孜、张国华将其抓获。"
        "2.证人波罕的证言，证实：“玉香是我侄女。”\n"
        "3.证人欧阳建军、上官胜利的证言。证人范晓雨的证言：“是欧阳哥叫我去的，他说胜利欠他钱不还，"
        "我坐建军的车过去的。”被告人郝文静在庭审中承认，证人称：“文静说有人收银行卡。”"
    )
    mentions = person_mentions(text)
    assert "热某·阿某某" in mentions and mentions.count("热某") == 2
    assert {"阿不都外力·肉孜", "波罕", "胜利", "建军", "文静"} <= set(mentions)


def test_a_party_whose_given_name_is_a_word_and_a_familiar_a() -> None:
    text = (
        "经审理查明：原告粟和平提交的证据有：离职申请一份，落款为“粟和平”。被告对粟和平的签名无异议。\n"
        "被告人区志成供称：“我们把阿成带到宾馆以后就走了。”区志成当庭认罪。"
    )
    mentions = person_mentions(text)
    assert mentions.count("粟和平") == 3
    assert "阿成" in mentions


def test_no_names_in_a_duty_doctor_a_workmate_a_slang_word_or_a_cross_examination() -> None:
    text = (
        "经审理查明：家属多次向值班医生冯某反映。原告武爱民经同村工友桂小川介绍到工地做工。"
        "被害人曾称帮朋友“跑分”能赚快钱。原告质证称：对收条的真实性无异议。"
    )
    names = person_names(text)
    assert {"冯某", "桂小川"} <= names
    assert not {"向值班", "友", "跑分", "质证", "曾称帮"} & names


def test_a_party_opening_his_defence_without_his_role() -> None:
    text = (
        "原告查平安、查金凤向本院提出诉讼请求：依法分割遗产。\n"
        "查平和辩称，父亲查德胜生前由其照料，应当适当多分。\n被告辩称：不同意原告的诉讼请求。"
    )
    names = person_names(text)
    assert "查平和" in names
    assert "被告" not in names
