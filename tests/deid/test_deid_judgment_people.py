"""Conventions found by the judgments written in session 21 (a Liangshan Yi criminal case, a
court's announcements, a judicial detention, a village's compensation, a betrothal gift,
a partnership, a family tree, a voter list, a bus accident, unpaid migrant workers; Yunnan
minorities, foreign, Korean-Chinese, Japanese, Hong Kong, Macau and Taiwan parties, and
texts scraped with their flaws): Yi and Japanese names, names in Latin or Hangul in
brackets, a notice served by announcement, relatives, posts and witnesses before a name,
and words that are no name (项目经理, 主张权利, a village, a firm, a disease, a drug, a
figure), each on a few lines."""

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


_SUZHOU = "江苏省苏州工业园区人民法院\n民事判决书\n（2021）苏0591民初555号\n"


def test_a_japanese_name_and_its_family_name_alone() -> None:
    text = (
        _SUZHOU + "原告张静系公司秘书兼日语翻译，直接向副总经理渡边健一汇报工作。"
        "据渡边先生反映，其工作效率明显下降，渡边建议重新评估。张静每次外出前均口头向渡边请假。\n"
    )
    assert person_mentions(text).count("渡边") == 3
    assert "渡边健一" in person_names(text)


def test_a_firm_registered_with_its_place_in_brackets_is_no_name() -> None:
    text = (
        _SUZHOU + "被告：樱川精密机械（苏州）有限公司，住所地苏州工业园区。\n"
        "原告张静与被告樱川精密机械（苏州）有限公司劳动争议一案。判令樱川公司支付工资。\n"
    )
    assert "樱川" not in "".join(person_mentions(text))


def test_a_name_in_another_script_in_brackets_after_the_chinese_one() -> None:
    text = (
        _HEADING + "被告人奥卡福·埃梅卡通过同乡丘库·恩南迪（CHUKWU NNAMDI，另案处理）获得货源。"
        "证人何嘉欣（HO KA YAN）出庭作证。其妹在韩国登记的姓名为金敏智（김민지，KIM MINJI）。\n"
    )
    names = person_names(text)
    assert {"CHUKWU NNAMDI", "HO KA YAN", "김민지", "KIM MINJI"} <= names
    assert not touched(text, "另案处理", "PERSON")


def test_an_account_in_a_name_is_no_firm_of_that_name() -> None:
    text = (
        "江苏省苏州市姑苏区人民法院\n执行裁定书\n（2022）苏0508执1234号\n"
        "被执行人：向建军，男，汉族。被执行人：和春梅，女，汉族。\n"
        "本院冻结并扣划被执行人向建军名下中国建设银行账户存款、被执行人和春梅名下江苏银行账户存款。\n"
    )
    mentions = person_mentions(text)
    assert mentions.count("向建军") == 2 and mentions.count("和春梅") == 2


def test_a_witness_spaced_as_a_scraped_text_spaces_him() -> None:
    text = (
        "山东省青岛市黄岛区人民法院\n民事判决书\n（2019）鲁0211民初4567号\n"
        "庭审中,润拓公司申请证人盖 萍出庭作证,盖 萍陈述其系润拓公司员工.\n"
    )
    assert person_mentions(text).count("盖 萍") == 2


def test_drugs_and_arbitration_are_no_names() -> None:
    text = (
        "广东省广州市中级人民法院\n刑事判决书\n（2021）粤01刑初88号\n"
        "被告人奥卡福·埃梅卡贩卖海洛因共计104克。被告人陈国强曾多次购买海洛因吸食。\n"
        "该案经劳动人事争议仲裁委员会仲裁，该委作出苏园劳人仲案字〔2020〕第1234号仲裁裁决。\n"
    )
    for word in ("海洛因", "仲裁委员会", "劳人仲", "仲裁裁决"):
        assert not touched(text, word, "PERSON"), word


def test_a_witness_whatever_his_name_before_his_relation_in_brackets() -> None:
    text = (
        "云南省德宏傣族景颇族自治州中级人民法院\n刑事判决书\n（2022）云31刑初321号\n"
        "3.证人木然诺（系排早当之妻）的证言。证人木光（系邻院客栈老板）出庭。"
        "上述事实有证人证言和当事人陈述等证据在案佐证。\n"
    )
    assert {"木然诺", "木光"} <= person_names(text)
    assert not touched(text, "陈述", "PERSON")


_FAMILY = "山东省济南市历下区人民法院\n民事判决书\n（2023）鲁0102民初3456号\n"


def test_children_and_parents_named_after_their_relation() -> None:
    text = (
        _FAMILY + "原告与被告于2019年5月6日生育女儿冼芃（乳名芃芃）。冼芃现就读于幼儿园。\n"
        "两名子女实际由被告父母逄立本、仉桂兰照看。逄立本年逾七旬。被告生父厍铁柱已于2010年去世。\n"
        "产科主治医师昝琮、助产士逄祎到庭接受询问。逄祎陈述：胎头娩出后发生肩难产。\n"
    )
    mentions = person_mentions(text)
    assert mentions.count("冼芃") == 2 and "芃芃" in mentions
    assert mentions.count("逄立本") == 2 and "仉桂兰" in mentions
    assert {"厍铁柱", "逄祎"} <= set(mentions)
    assert mentions.count("逄祎") == 2
    assert not touched(text, "陈述", "PERSON")


def test_a_relative_before_a_word_is_no_title_of_a_name() -> None:
    text = _FAMILY + "婚生子牛一鸣此前主要由祖父母照料，被告本人直到2021年才接回。\n"
    assert not touched(text, "照料", "PERSON")


def test_rows_of_creditors_and_of_flat_owners() -> None:
    text = (
        "湖南省长沙市中级人民法院\n民事裁定书\n（2022）湘01破12号\n"
        "债权表如下：\n4 孔祥瑞 借款 85,000.00\n5 桑红旗 借款 50,000.00\n10 赵向阳 货款 33,000.00\n"
        "联名业主如下：1-1-201 司马卫东，1-2-603 黄丽华，2-1-1102 岑国华。\n"
        "拍卖中，钭志成出价九次，柏雪出价四次。股东於海涛持股15%，仇志远持股10%。\n"
    )
    names = person_names(text)
    assert {"桑红旗", "赵向阳", "司马卫东", "黄丽华", "岑国华", "柏雪", "仇志远"} <= names


def test_a_common_given_name_that_testimony_quotes_or_a_relative_precedes() -> None:
    text = (
        "河南省焦作市中级人民法院\n刑事裁定书\n（2021）豫08刑终45号\n"
        "上诉人伍胜利，男。原审被告人伍建军，男。被害人龙国华，男。证人亓建国，男。被告人亓春生，男。\n"
        "证人伍某证实：“我听到吵架声就出来看，看到建军拿着一根棍子往国华头上打，国华用手挡。"
        "胜利在后面把国华推倒。”\n证人亓建国证实，其弟春生到案后多次表示悔罪。胜利是双方争取的目标。\n"
    )
    mentions = person_mentions(text)
    assert mentions.count("国华") == 3
    assert {"建军", "胜利", "春生"} <= set(mentions)
    assert mentions.count("胜利") == 1  # not the word outside the quotation


def test_a_signature_spaced_after_the_surname_is_the_name_found() -> None:
    text = (
        "陕西省西安市长安区人民法院\n民事判决书\n（2022）陕0116民初234号\n"
        "原告：王海洋，男，汉族。被告：李建军，男，汉族。\n"
        "收条载明：今收到李建军还款人民币20000元（贰万元整）。收款人：王 海洋　2021年5月1日。\n"
    )
    assert "王 海洋" in person_mentions(text)


def test_a_parent_in_a_court_document_is_found_wherever_named() -> None:
    text = (
        "广东省佛山市中级人民法院\n民事判决书\n（2022）粤06民终88号\n"
        "被告辩称：该款实际用于被告母亲邝玉兰的房屋装修，即使是借款，也应由邝玉兰偿还。\n"
        "被告人阿牛木呷的父亲阿牛拉博、被告人沙马拉且的父亲沙马尔古与被害人达成和解。\n"
    )
    mentions = person_mentions(text)
    assert mentions.count("邝玉兰") == 2
    assert {"阿牛拉博", "沙马尔古"} <= set(mentions)


def test_places_and_bureaus_of_a_judgment_are_no_names() -> None:
    text = (
        "陕西省西安市长安区人民法院\n行政判决书\n（2022）陕0116行初234号\n"
        "原告：鞠某，住西安市长安区郭杜街道。被告：西安市公安局长安分局。"
        "复议机关依法受理，向长安分局送达答复通知书。委托代理人：殷海波，江苏姑苏明德律师事务所律师。\n"
        "住内蒙古自治区锡林郭勒盟西乌珠穆沁旗巴彦胡舒苏木哈日根台嘎查。按总房款的日万分之五支付违法金。"
        "韦日新、覃桥生两份林权证对林地交界记载不一，不属于任何一户的承包地。"
        "2022年12月20日作出苏吴劳人仲案字〔2022〕第88号仲裁裁决。被告人在市府路某夜宵店内殴打被害人路某。\n"
    )
    words = ("郭杜", "长安分局", "明德律", "锡林郭勒盟", "巴彦胡舒苏木", "万分之", "林权证", "任何")
    for word in (*words, "苏吴"):
        assert not touched(text, word, "PERSON"), word
    mentions = person_mentions(text)
    assert {"韦日新", "覃桥生"} <= set(mentions)
    assert mentions.count("路某") == 1  # the victim, not the shop


def test_mongolian_and_tibetan_names_and_a_syllable_after_a_title() -> None:
    text = (
        "青海省海南藏族自治州中级人民法院\n民事判决书\n（2023）青25民终45号\n"
        "嘎查会计图门吉日嘎拉出具的备案表。另查明，嘎查牧民白音仓证明，草场已围栏。\n"
        "草场东侧的草被邻居尕藏措家的牛吃了。村党支部书记更登组织双方调解。\n"
    )
    assert {"图门吉日嘎拉", "白音仓", "尕藏措", "更登"} <= person_names(text)


def test_a_rare_surname_written_again_and_the_last_of_a_list_before_a_word() -> None:
    text = (
        "山东省济南市历下区人民法院\n民事判决书\n（2023）鲁0102民初5678号\n"
        "被告幸长江辩称，其曾借给朋友甯跃进50,000元，甯跃进答应在春节前归还。"
        "本院依法向甯跃进进行了询问。东风路派出所民警杨光明、程永生根据夜市监控确认。"
        "证人缪建军的证言，证实车辆过户、商铺转让均在判决生效后。\n"
    )
    mentions = person_mentions(text)
    assert mentions.count("甯跃进") == 3
    assert "程永生" in mentions
    assert not touched(text, "车辆过户", "PERSON")


def test_rural_names_cadres_and_villages_named_after_families() -> None:
    text = (
        "河南省周口市中级人民法院\n民事判决书\n（2023）豫16民终789号\n"
        "原告王建设，男。被告王长富，男。时任王家堡大队支书孙援朝在场见证。"
        "证人胡德贵（村里人称胡二愣）出庭作证。年长者则叫他“老孙头”。\n"
        "张玉兰改嫁到刘家庄刘宝山家。原告成年后回李家沟探望生母。住临泉县姜寨镇孙庄村孙东组。"
        "《第五生产队社员花名册》载明。\n"
    )
    names = person_names(text)
    assert {"孙援朝", "胡二愣", "老孙头", "刘宝山"} <= names
    for word in ("王家堡", "刘家庄", "李家沟", "姜寨镇", "孙东组", "花名册"):
        assert not touched(text, word, "PERSON"), word


def test_vietnamese_names_in_latin_letters_after_the_chinese_ones() -> None:
    text = (
        "广西壮族自治区防城港市中级人民法院\n刑事判决书\n（2022）桂06刑初33号\n"
        "被告人阮氏梅（Nguyễn Thị Mai），女。阮氏梅将被害人黎氏芳（Lê Thị Phương）、"
        "陈氏红（Trần Thị Hồng）骗至东兴市。\n"
    )
    assert {"Nguyễn Thị Mai", "Lê Thị Phương", "Trần Thị Hồng"} <= person_names(text)


def test_an_audit_firm_and_its_abbreviation_are_no_names() -> None:
    text = (
        "江苏省南京市中级人民法院\n民事判决书\n（2022）苏01民初1234号\n"
        "被告：立衡会计师事务所（特殊普通合伙）（以下简称立衡所）。"
        "立衡所辩称：其已勤勉尽责。立衡所在函证程序中未发现异常。\n"
    )
    assert not touched(text, "立衡", "PERSON")
    assert "立衡" not in "".join(person_mentions(text))


def test_payees_dependents_and_amounts_in_capital_numerals() -> None:
    text = (
        "甘肃省定西市安定区人民法院\n执行裁定书\n（2023）甘1102执456号\n"
        "向豆长青支付4,750元；向脱永红支付2,680元；向火金宝支付6,020元；向包大山支付3,340元。"
        "被扶养人马某某（2010年5月出生）、被扶养人马长生（1952年出生）。"
        "收条载明收到租金“叁拾陆万元整”。\n"
    )
    names = person_names(text)
    assert {"豆长青", "脱永红", "火金宝", "包大山", "马某某", "马长生"} <= names
    assert not touched(text, "叁拾陆万元整", "PERSON")


def test_a_taiwan_judgments_idioms_and_amounts_are_no_names() -> None:
    text = (
        "臺灣新北地方法院民事判決\n112年度訴字第456號\n原告 溫佩珊\n被告 簡志豪\n"
        "證人蔡佩君到庭證稱：伊於110年6月借款予被告。被告應自期限屆滿時起，負遲延責任。"
        "被告如以新臺幣陸拾貳萬玖仟伍佰元為原告預供擔保，得免為假執行。辯護人具狀陳明被告有意分期。"
        "兩造均陳明願供擔保，聲請宣告假執行。如對本判決上訴，須於判決送達後20日內提出。\n"
    )
    for word in ("伊於", "遲延", "陸拾貳萬玖仟伍佰元", "陳明", "須於"):
        assert not touched(text, word, "PERSON"), word
    assert {"溫佩珊", "簡志豪", "蔡佩君"} <= person_names(text)


def test_cyrillic_names_a_crew_list_russian_cities_and_officials() -> None:
    text = (
        "广州海事法院\n民事判决书\n（2023）粤72民初88号\n"
        "被告：安德烈·彼得罗夫（Андрей Петров），男。经黑河口岸出口至布拉戈维申斯克市。"
        "船员名单载明：1.船长郑海涛，ZHENG HAITAO，中国籍；2.大副林建国，LIN JIANGUO，中国籍。"
        "行政机关出庭负责人：成立新，副局长。被告提交支付宝账户明细。\n"
    )
    names = person_names(text)
    assert {"Андрей Петров", "ZHENG HAITAO", "LIN JIANGUO", "成立新"} <= names
    assert not touched(text, "支付宝", "PERSON")
    assert not any("布拉戈" in mention for mention in person_mentions(text))  # the city
