"""Conventions of court and authority documents that the first written judgments lacked
(session 15: a commutation ruling, a non-prosecution decision, penalty notices, a family
estate, masked parties, a foreign party, a bankruptcy, a retrial of Mongolian parties):
each rule found by one of ``tests/deid/judgments/``, checked here on a few lines."""

from __future__ import annotations

import deid
from deid.consistency import complete_document
from deid.findings import Finding
from deid.normalize import normalize
from deid.recognizers.judgment_words import not_a_name
from tests.deid.person_findings import person_names, touched

_HEADING = "安徽省合肥市蜀山区人民法院\n刑事裁定书\n（2021）皖0104刑更12号\n"


def test_a_minority_name_typed_with_a_full_stop_or_a_black_dot_is_found() -> None:
    text = _HEADING + "证人即同监区罪犯买买提江.吐尔地到庭。\n委托诉讼代理人：艾力●买买提，男。\n"
    names = person_names(text)
    assert {"买买提江.吐尔地", "艾力●买买提"} <= names


def test_officers_and_experts_listed_after_their_post_are_found() -> None:
    text = (
        _HEADING + "有执勤民警皇甫刚、端木强出具的到案经过。\n"
        "经鉴定所鉴定人熊伟、白雪鉴定，构成十级伤残。\n"
        "办案民警：甘　霖（警号：012345）、巫海洋（警号：013579）\n"
    )
    names = person_names(text)
    assert {"端木强", "白雪", "甘\u3000霖"} <= names


def test_a_post_before_a_common_word_or_a_list_of_exhibits_names_nobody() -> None:
    assert person_names(_HEADING + "民警依法处理。证人证言、物证、书证等证据证实。\n") == set()


def test_witnesses_without_a_chinese_surname_are_found_in_a_list() -> None:
    text = _HEADING + "证人那日苏、其木格能够证明其从未退伙。那日苏、其木格在一审中作证。\n"
    assert person_names(text) >= {"那日苏", "其木格"}
    assert all(not touched(text, word, "PERSON") for word in ("能够", "一审"))


def test_a_relative_without_a_chinese_surname_is_found() -> None:
    text = _HEADING + "其退伙款已由敖登格日勒之夫宝音代为支付。\n"
    assert "宝音" in person_names(text)
    assert person_names(_HEADING + "原告称其子女均已成年，其妻子在家务农。\n") == set()


def test_a_foreign_partys_latin_name_in_brackets_is_found() -> None:
    text = _HEADING + "原告：金正浩（KIM JUNGHO），男，1979年4月3日出生，大韩民国国籍。\n"
    assert "KIM JUNGHO" in person_names(text)


def test_a_given_name_that_is_a_word_stays_whole_after_a_compound_surname() -> None:
    # 国名 is a word too: 诸葛建 was found, 国 left out
    text = _HEADING + "二、被继承人诸葛建国名下银行存款245600元由原告继承。\n"
    assert "诸葛建国" in person_names(text)


def test_a_dotless_minority_name_after_a_post_is_found() -> None:
    text = _HEADING + "执行机关代表、监狱刑罚执行科干警热依汗古丽，罪犯到庭参加诉讼。\n"
    assert "热依汗古丽" in person_names(text)


def test_a_city_before_a_masked_company_or_a_title_is_no_name() -> None:
    text = (
        "河北省石家庄市长安区人民法院\n民事判决书\n（2021）冀0102民初7789号\n"
        "原告：张某某，女，住河北省石家庄市长安区。\n"
        "被告：石家庄某某房地产经纪有限公司，住所地河北省石家庄市长安区。\n"
    )
    assert "张某某" in person_names(text)
    # 庄 is a surname: 庄某某 read as a masked party, 庄 + 市长 as Mayor 庄
    assert not touched(text, "庄某某房地产", "PERSON")
    assert not touched(text, "庄市长安区", "PERSON")


def test_a_street_before_a_masked_bar_is_no_name() -> None:
    text = _HEADING + "违法行为人霍志明在广州市天河区天河路某酒吧内与他人发生口角。\n"
    assert not touched(text, "路某酒吧", "PERSON")
    assert "路某" in person_names(_HEADING + "被告人路某，男，1990年出生。\n")


def test_words_of_a_narrative_that_are_no_names() -> None:
    text = "由东向西行驶；於民國112年3月5日；嗣經店員報警；住所地上海市浦东新区张杨路1588号。"
    for word in ("东向西行", "於民國", "嗣經", "浦东新区张杨路"):
        start = text.index(word)
        assert not_a_name(text, start, start + len(word)), word
    for name in ("杨向东", "张民国"):
        assert not not_a_name(name + "驾车", 0, len(name))


def test_a_guess_holding_no_name_is_dropped_from_the_document() -> None:
    text = (
        "民事判决书\n被告冯涛驾驶小型轿车沿星空路由东向西行至路口。\n"
        "穗公天行罚决字〔2023〕01562号\n"
    )
    guesses = [text.index(w) for w in ("冯涛", "东向西行", "穗公天行")]
    findings = [Finding(s, s + 4 if s != guesses[0] else s + 2, "PERSON", 0.85) for s in guesses]
    kept = complete_document(text, [(0, normalize(text))], findings)
    assert {text[f.start : f.end] for f in kept} == {"冯涛"}


def test_an_arbitration_awards_arbitrators_are_its_bench() -> None:
    text = (
        "深圳市宝安区劳动人事争议仲裁委员会\n仲 裁 裁 决 书\n深宝劳人仲案〔2021〕5678号\n"
        "申请人：覃小凤，女，1995年10月3日出生。\n裁决如下：驳回申请人的仲裁请求。\n"
        "首席仲裁员：邝志文\n仲　裁　员：甘　露\n仲　裁　员：莫家豪\n"
    )
    names = person_names(text)
    assert "甘\u3000露" in names
    assert not touched(text, "仲　裁　员：", "PERSON")  # 仲 is a surname


def test_witnesses_with_rare_dictionary_names_are_found_in_a_list() -> None:
    # 边巴 is a word of jieba's dictionary, seen twice
    text = _HEADING + "上述事实，有证人边巴、拉姆的证言，道路交通事故认定书等证据证实。\n"
    assert {"边巴", "拉姆"} <= person_names(text)


def test_a_name_between_two_names_of_a_list_is_found_whatever_its_surname() -> None:
    # 竺 is not in the surname table
    text = (
        _HEADING + "先后骗取被害人应秀琴、毛建国、竺海燕、贝伟、邵红钱款共计人民币48万元。\n"
        "被害人应秀琴、毛建国、竺海燕、贝伟、邵红的陈述。\n"
    )
    assert "竺海燕" in person_names(text)
    assert not touched(text, "钱款", "PERSON")


def test_the_formula_of_the_findings_is_no_name() -> None:
    text = "经依法审查查明：2021年3月，被告人戚永胜伙同他人诈骗。"
    start = text.index("查查明")
    assert not_a_name(text, start, start + 3)
    assert not not_a_name("被告人查明，男。", 3, 5)


def test_a_guess_that_is_a_role_or_a_kinship_word_is_dropped() -> None:
    text = "民事判决书\n申请人：覃小凤，女。\n已由何嘉欣的胞弟何俊杰代为归还。\n"
    words = ("\n申请人", "覃小凤", "胞弟", "何俊杰")
    findings = [Finding(text.index(w), text.index(w) + len(w), "PERSON", 0.85) for w in words]
    kept = complete_document(text, [(0, normalize(text))], findings)
    assert {text[f.start : f.end] for f in kept} == {"覃小凤", "何俊杰"}


def test_the_last_name_of_a_list_ends_before_a_common_word() -> None:
    text = _HEADING + "孟凡超主张其与同事侯亮、付强轮流值夜班，恒泰公司未支付加班费。\n"
    assert "付强" in person_names(text)
    assert not touched(text, "轮流", "PERSON")


def test_a_list_runs_on_into_no_role_place_or_formula() -> None:
    text = (
        "江苏省苏州市中级人民法院\n民事判决书\n（2021）苏05民终10234号\n"
        "上诉人王某1因与被上诉人朱某甲、原审第三人王×赡养纠纷一案，不服一审判决。\n"
        "原告张某某与被告李某、石家庄某某房地产经纪有限公司房屋租赁合同纠纷一案。\n"
        "以上事实有当事人霍志明、黎嘉欣的陈述和申辩，被侵害人伍家豪的陈述为证。\n"
    )
    names = person_names(text)
    assert {"朱某甲", "李某", "霍志明", "黎嘉欣"} <= names
    for word in ("原审", "石家庄", "陈述"):
        assert not touched(text, word, "PERSON"), word


def test_a_lone_character_inside_a_word_or_a_place_is_no_surname() -> None:
    text = "民事判决书\n住江苏省苏州市吴中区。\n成年子女对父母负有赡养义务。\n被告人王辩称。\n"
    words = ("吴", "年", "王")
    findings = [Finding(text.index(w), text.index(w) + 1, "PERSON", 0.85) for w in words]
    kept = complete_document(text, [(0, normalize(text))], findings)
    assert {text[f.start : f.end] for f in kept} == {"王"}


def test_a_party_acting_in_a_firms_name_is_the_person() -> None:
    # 高峰 is a word; 以公司名义 is no firm called 高峰以公司
    text = (
        _HEADING + "被告人高峰，男，1984年6月1日出生，汉族，住山东省临沂市兰山区。\n"
        "2020年3月至2021年10月，高峰以公司名义与他人签订钢材购销合同。\n"
    )
    start = text.index("高峰以公司")
    found = [f for f in deid.analyze(text) if f.entity_type == "PERSON"]
    assert any(f.start <= start and start + 2 <= f.end for f in found)


def test_an_attesting_witness_named_like_a_word_is_found_everywhere() -> None:
    text = (
        _HEADING + "周永福在其外孙女陈晨、邻居吉祥的见证下，立下自书遗嘱一份。\n"
        "庭审中，见证人吉祥出庭作证。\n"
    )
    start = text.index("吉祥的")
    found = [f for f in deid.analyze(text) if f.entity_type == "PERSON"]
    assert any(f.start <= start and start + 2 <= f.end for f in found)


def test_a_latin_name_before_its_chinese_transcription_is_found() -> None:
    text = _HEADING + "原告：Michael Johnson（迈克尔·约翰逊），男，美国国籍。\n"
    found = [f for f in deid.analyze(text) if f.entity_type == "PERSON"]
    start = text.index("Michael")
    covered = {i for f in found for i in range(f.start, f.end)}
    assert set(range(start, start + len("Michael Johnson"))) <= covered


def test_a_party_spaced_out_in_the_party_block_is_found() -> None:
    text = _HEADING + "被告：陈　大　文，男，香港特别行政区居民。\n"
    assert "陈\u3000大\u3000文" in person_names(text)


def test_a_nickname_introduced_with_a_verb_is_found() -> None:
    text = _HEADING + "被告人在网上结识了网名为“小燕子”的被害人宁某。\n"
    assert "小燕子" in person_names(text)


def test_a_girlfriend_leads_a_name_and_is_none() -> None:
    text = "民事判决书\n被告人与其同居女友邓莉莉发生争吵。\n"
    findings = [Finding(text.index("女友"), text.index("女友") + 2, "PERSON", 0.85)]
    kept = complete_document(text, [(0, normalize(text))], findings)
    assert kept == []


def test_the_first_party_of_the_case_formula_is_found_whatever_its_surname() -> None:
    text = _HEADING + "原告乌云其其格与被告包头市某某公司劳动争议一案，本院依法审理。\n"
    assert "乌云其其格" in person_names(text)
    text = _HEADING + "原告合肥某某科技有限公司与被告张三买卖合同纠纷一案。\n"
    assert not touched(text, "合肥", "PERSON")


def test_a_relative_takes_a_rare_surname_the_document_gives_a_defendant() -> None:
    # 粘 is not in the surname table; 粘志强 is found in the party block
    text = (
        _HEADING + "被告人粘志强，男，1995年7月7日出生，汉族，住福建省晋江市。\n"
        "被告人粘志强到案后如实供述，并在其亲属粘国庆的帮助下赔偿了被害人的经济损失。\n"
    )
    assert "粘国庆" in person_names(text)


def test_a_district_the_models_read_as_a_name_is_none() -> None:
    text = "刑事判决书\n被告人洪少杰，住福建省泉州市丰泽区。\n原正市自1982年起来华。\n"
    words = ("丰泽区", "原正市")
    findings = [Finding(text.index(w), text.index(w) + 3, "PERSON", 0.85) for w in words]
    kept = complete_document(text, [(0, normalize(text))], findings)
    assert [text[f.start : f.end] for f in kept] == ["原正市"]  # a Japanese name in MSRA


def test_a_heading_and_the_findings_formula_are_no_names() -> None:
    text = "刑事判决书\n主　文\n该意见与查明的事实不符，本院不予采纳。\n被告人张三的供述。\n"
    findings = [
        Finding(text.index(w), text.index(w) + len(w), "PERSON", 0.85)
        for w in ("文", "查明", "张三的")
    ]
    kept = complete_document(text, [(0, normalize(text))], findings)
    assert [text[f.start : f.end] for f in kept] == ["张三的"]


def test_a_surname_before_a_common_word_stays() -> None:
    # 黄家: the 黄 family (an MSRA name); 年 of 成年 is no surname
    text = "行贿者不失时机地到黄家送钱。成年子女应当赡养父母。"
    findings = [Finding(text.index(w), text.index(w) + 1, "PERSON", 0.85) for w in "黄年"]
    kept = complete_document(text, [(0, normalize(text))], findings)
    assert [text[f.start : f.end] for f in kept] == ["黄"]


def test_a_title_ending_in_xian_is_no_district() -> None:
    # 唐知县: MSRA's gold names 唐, the magistrate of a play
    text = "其代表剧目有《唐知县审诰命》。"
    findings = [Finding(text.index("唐知县"), text.index("唐知县") + 3, "PERSON", 0.55)]
    kept = complete_document(text, [(0, normalize(text))], findings)
    assert [text[f.start : f.end] for f in kept] == ["唐知县"]


def test_a_long_mongolian_name_on_the_bench_and_an_uyghur_abdu() -> None:
    text = (
        "民事判决书\n委托诉讼代理人：热孜万古丽·阿卜杜热合曼，女，系原告之女。\n"
        "被上诉人（一审第三人）：乌鲁木齐丝路置业有限公司。上诉人、一审第三人乌鲁木齐丝路置业有限公司均未到庭。\n"
        "审判长\u3000满都拉\n人民陪审员\u3000其其格\n人民陪审员\u3000宝音德力格尔\n"
        "二〇二四年四月二十五日\n书记员\u3000萨仁\n"
    )
    names = person_names(text)
    assert {"热孜万古丽·阿卜杜热合曼", "宝音德力格尔", "满都拉", "萨仁"} <= names
    assert not [name for name in names if name.startswith("乌鲁木")]


def test_no_name_runs_across_a_full_stop_nor_ends_a_citys_name() -> None:
    text = (
        "刑事判决书\n被告人陈某，男，无业，住长沙市岳麓区。曾因犯寻衅滋事罪被判处有期徒刑。\n"
        "经审理查明：破产管理人的债权申报册中已记载了对乌鲁木齐某建材公司等单位的债权。"
    )
    names = person_names(text)
    assert not [name for name in names if "。" in name or name.startswith("区")]
    assert "齐某" not in names
