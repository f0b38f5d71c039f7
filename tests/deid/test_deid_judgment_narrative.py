"""Conventions of judgments found by the twelve written in session 20 (a bribery case, an
assault with many witnesses, a state compensation decision, a land registration suit, a
retrial review, a maritime collision …): accomplices, rare surnames after a post, lists of
names without a Chinese surname, firms after their place, the operative part's deadline,
and a stenographer on the bench, each checked here on a few lines."""

from __future__ import annotations

from tests.deid.person_findings import person_mentions, person_names, touched

_HEADING = "河南省南阳市中级人民法院\n刑事判决书\n（2023）豫13刑初45号\n"


def test_an_accomplice_is_found_wherever_the_judgment_names_him() -> None:
    text = (
        _HEADING + "被告人：亢建设，男，汉族。\n"
        "被告人亢建设伙同麻东升结伙作案。另查明，亢建设与另一名客户麻东升之间存在借款。\n"
    )
    assert person_mentions(text).count("麻东升") == 2


def test_a_name_before_a_verb_of_arranging_is_no_firm() -> None:
    text = (
        _HEADING + "被告人：亢文涛，男。\n"
        "亢文涛先后收受凤建国所送人民币50万元，其中30万元系凤建国安排公司财务转账。\n"
    )
    assert person_mentions(text).count("凤建国") == 2


def test_a_rare_surname_that_is_a_word_is_read_after_a_post() -> None:
    text = _HEADING + "项目部原材料员暴小川出具了情况说明，工作人员暴力抗法的情节不成立。\n"
    assert "暴小川" in person_names(text)
    assert not touched(text, "暴力", "PERSON")


def test_a_tibetan_name_in_a_list_is_found_whole_and_everywhere() -> None:
    text = (
        "甘肃省合作市人民法院\n行政判决书\n（2023）甘3001行初45号\n"
        "村委会主任组织相邻村民麻文明、杨建军、才让扎西、冼国庆签字确认。\n"
        "庭审中，证人才让扎西出庭陈述其并未到场。\n"
    )
    assert person_mentions(text).count("才让扎西") == 2


def test_the_last_of_a_list_before_a_firm_is_no_person() -> None:
    text = (
        "江苏省淮安市清江浦区人民法院\n民事判决书\n（2022）苏0812民初4409号\n"
        "原告：王建峰，男。\n被告：仇某，男。\n"
        "原告王建峰与被告仇某、安信达财产保险股份有限公司淮安中心支公司机动车交通事故"
        "责任纠纷一案。被告安信达保险辩称：同意赔偿。\n"
    )
    assert person_names(text) >= {"王建峰", "仇某"}
    assert not touched(text, "安信达", "PERSON")


def test_a_firm_after_its_place_and_the_deadline_are_no_names() -> None:
    text = (
        "江苏省南京市玄武区人民法院\n民事判决书\n（2022）苏0102民初88号\n"
        "原告：栾晓峰，男。\n委托诉讼代理人：吴敏，江苏钟山明镜律师事务所律师。\n"
        "被告于本判决生效之日起十日内支付原告栾晓峰借款本金。\n"
    )
    assert person_names(text) == {"栾晓峰", "吴敏"}


def test_a_stenographer_spaced_out_in_the_footer_is_found() -> None:
    text = _HEADING + "审 判 员  笪 红\n二〇二三年五月六日\n法官助理  栾晓峰\n速 录 员  仉 静\n"
    assert {"笪 红", "栾晓峰", "仉 静"} <= person_names(text)


def test_a_name_with_a_compound_surname_is_found_whole() -> None:
    text = (
        _HEADING + "被告人被守候的民警谭胜利、上官红霞等人当场抓获。其中，欧阳红旗负责公司日常。\n"
    )
    assert {"上官红霞", "欧阳红旗"} <= person_names(text)
    assert not touched(_HEADING + "司马医生接报后未及时处置。\n", "医生", "PERSON")


def test_a_pen_name_is_found_wherever_it_is_written() -> None:
    text = _HEADING + "原告司马晴以笔名“南山听雪”创作小说。可以认定南山听雪即原告。\n"
    assert person_mentions(text).count("南山听雪") == 2


def test_a_given_name_alone_is_the_person_named_in_full() -> None:
    text = (
        _HEADING + "自诉人：宋海燕，女。\n"
        "被告人在群里称\u201c高山和海燕两口子就是村霸\u201d。海燕这种鸟在海上飞。\n"
    )
    mentions = person_mentions(text)
    assert mentions.count("海燕") == 1  # not the bird after 。
    assert "宋海燕" in mentions


def test_a_list_with_two_unfound_names_side_by_side_is_found() -> None:
    text = (
        _HEADING + "集资参与人马春风、石磊、金玉兰、白冰、买买提艾力、巴特尔、时桂兰的损失。\n"
        "证人李娜、巴特尔、扎西顿珠、买买提艾力等人的陈述。\n"
    )
    assert {"白冰", "买买提艾力", "扎西顿珠"} <= person_names(text)


def test_relatives_after_a_kinship_word_are_found() -> None:
    text = (
        _HEADING + "车德福之父车长贵、之母管玉珍均已去世。孩子主要由被告父母牛长河、仝秀梅照顾。\n"
    )
    assert {"车长贵", "牛长河"} <= person_names(text)


def test_places_firms_and_prepositions_are_no_names() -> None:
    text = (
        "浙江省嘉兴市南湖区人民法院\n民事判决书\n（2023）浙0402民初77号\n"
        "原告：帅国庆，男，工作单位：嘉兴某物流有限公司，住浙江省嘉兴市南湖区。\n"
        "委托诉讼代理人：上官明月，四川君和律师事务所律师。\n"
        "被告：向某，男。被告向原告支付补偿款。可以向湖南省长沙市中级人民法院上诉。\n"
        "涉案房屋位于成都市武侯区玉林北路。本院认为，结合金某某出具的收条，当事人陈述属实。\n"
    )
    assert {"帅国庆", "上官明月", "向某", "金某某"} <= person_names(text)
    for word in ("嘉兴", "四川君和", "向原告", "向湖南", "武侯区玉林", "结合", "陈述"):
        assert not touched(text, word, "PERSON"), word


def test_the_issuer_of_a_penalty_number_with_a_bracket_is_no_name() -> None:
    text = (
        "嘉兴市公安局南湖区分局\n行政处罚决定书\n嘉公（南）行罚决字〔2023〕00318号\n"
        "违法行为人：帅国庆，男。\n"
    )
    assert "帅国庆" in person_names(text)
    assert not touched(text, "嘉公", "PERSON")


def test_names_are_read_from_what_only_a_person_does() -> None:
    text = (
        _HEADING + "被告人王某某驾车至某某村，由吴双江望风，唐国祥负责销赃。借条由金年经手。"
        "经严肃介绍认识了文静。陈某乙将钱款转入王勤的银行账户。路人报警后民警赶到。\n"
    )
    assert {"吴双江", "唐国祥", "金年", "文静", "王勤"} <= person_names(text)
    assert not touched(text, "路人", "PERSON")


def test_households_and_officers_with_word_surnames_are_found() -> None:
    text = (
        _HEADING + "与原告房屋相邻的石平安户、白明月户房屋均有框架结构。\n"
        "同日，民警南向东、粘国庆在被告人住处将其抓获。证人 郗大勇 粘春花 亓长明 的证言。\n"
        "被告人驾车由东向西行驶。款项转入其本人账户。\n"
    )
    assert {"石平安", "白明月", "南向东", "粘国庆", "郗大勇", "粘春花"} <= person_names(text)
    assert not touched(text, "东向西", "PERSON")


def test_a_fee_before_a_function_word_is_no_surname() -> None:
    text = _HEADING + "原告主张的公证费及律师费系为制止侵权支出，公证费、律师费共计11000元。\n"
    assert person_names(text) == set()


def test_tibetan_names_and_counsel_shared_by_parties_are_found() -> None:
    text = (
        "四川省红原县人民法院\n民事判决书\n（2023）川3233民初118号\n"
        "原告：扎西多吉，男，藏族。\n被告：达瓦次仁，男，藏族。\n"
        "二被告共同委托诉讼代理人：俄色，男，1976年6月出生，藏族。\n"
        "2022年10月，村党支部书记泽仁降措、村主任格桑曾到现场查看。\n"
    )
    assert {"扎西多吉", "达瓦次仁", "俄色", "泽仁降措"} <= person_names(text)


def test_a_masked_row_of_a_flattened_table_is_a_name() -> None:
    text = _HEADING + "序号 被害人 被骗金额\n7 钱某某 26000元\n8 禤某某 12800元\n"
    assert {"钱某某", "禤某某"} <= person_names(text)


def test_words_after_a_role_are_no_surname_references() -> None:
    text = _HEADING + "另查明，原告依侵权行为请求赔偿。李某陈述其未到场。\n"
    for word in ("另查明", "依侵权", "陈述"):
        assert not touched(text, word, "PERSON"), word


def test_a_full_name_sharing_a_masked_surname_stays_whole() -> None:
    text = (
        _HEADING + "被告人：和建国，男。\n辩护人万欣然，山东齐鲁律师事务所律师。\n"
        "被害人万某某报警。住所地上海市浦东新区张江路某号。\n"
    )
    assert {"万欣然", "万某某"} <= person_names(text)
    assert not touched(text, "张江路", "PERSON")


def test_names_in_a_flattened_table_and_after_a_compound_surname_word() -> None:
    text = (
        _HEADING + '考勤表记载："序号 姓名 应出勤 实出勤\n3 万春风 26 26\n4 高　翔 26 24"。\n'
        "上官和平称：让老司马一个人签。\n"
    )
    assert {"万春风", "高\u3000翔", "上官和平"} <= person_names(text)
    assert not touched(text, "一个", "PERSON")


def test_prosecutors_listed_and_a_relative_named_once_are_found_everywhere() -> None:
    text = (
        _HEADING + "邵阳市人民检察院指派检察员晏平安、龙小雨出庭履行职务。\n"
        "原告依约发放贷款。事发当晚鲍春风之妻麻桂兰已垫付医疗费。麻桂兰于次日报警。\n"
    )
    assert {"晏平安", "龙小雨"} <= person_names(text)
    assert person_mentions(text).count("麻桂兰") == 2
    assert not touched(text, "依约", "PERSON")


def test_lists_after_any_post_and_words_that_are_no_names() -> None:
    text = (
        _HEADING + "该公司测绘员龙飞、鹿鸣于2020年5月测量胡同。法医笪海洋、揭玉鉴定。\n"
        "劳动保障监察员粘文、邬海燕依法调查。经审理查明，告知其陈述、申辩的权利。\n"
        "迟海洋辩称：1．胡同北段原系被告家宅基地。测绘报告载明：胡同全长约六十八米。\n"
    )
    assert {"龙飞", "鹿鸣", "笪海洋", "揭玉", "粘文", "邬海燕"} <= person_names(text)
    for word in ("胡同", "审理查明", "申辩"):
        assert not touched(text, word, "PERSON"), word
    # far from every other word of the kind (the check is gated on their characters)
    assert "胡同" not in person_mentions(text)
