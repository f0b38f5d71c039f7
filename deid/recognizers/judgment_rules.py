"""The rules of ``PERSON`` for the conventions of published court judgments.

A judgment writes its people in fixed places, whatever words their names make (汪洋, 平安,
向前 are dictionary words): the footer's bench, one per line, titles and names spaced out
(审　判　员　　汪　洋); the party block, a role word opening the line (被告人平安，男，…;
委托诉讼代理人：向前，某某律师事务所律师。); the procedure's officers (指派检察员焦为民出庭,
由审判员汪洋独任审判); and a party's other names (曾用名田园, 绰号“黑子”:
``deid.recognizers.other_names``).
"""

from __future__ import annotations

import functools
import re

from deid.recognizers.base import DOTS, GAP, HAN, holds_any
from deid.recognizers.judgment_lists import (
    committee_spans,
    common_word,
    dictionary_word,
    listed_spans,
    numbered_evidence_spans,
    set_apart_spans,
    testimony_spans,
)
from deid.recognizers.other_names import latin_name_spans, other_name_spans
from deid.recognizers.quoted_names import claimant_spans
from deid.surnames import SURNAME_PATTERN

_SURNAME = SURNAME_PATTERN
_CJK = HAN
_GAP = GAP
_GAP_RE = re.compile(_GAP)
# The bench's titles; a footer may space a three-character title out (审　判　员).
_BENCH_TITLES = (
    "审判长",
    "代理审判员",
    "助理审判员",
    "审判员",
    "人民陪审员",
    "陪审员",
    "代理书记员",
    "见习书记员",
    "书记员",
    "法官助理",
    # a stenographer beside or instead of the clerk (速　录　员　　仉　静)
    "速录员",
    "记录员",
    "执行长",
    "执行员",
    # a labour or commercial arbitration award (首席仲裁员：邝志文, 仲　裁　员：甘　露)
    "首席仲裁员",
    "仲裁员",
    # a Taiwan court's footer (法　官　蕭惠文, 書記官　魏佩君), read simplified
    "法官",
    "书记官",
    # a procuratorate's decision (检察官助理　　李　强)
    "检察官助理",
    "检察官",
    "检察员",
    "检察长",
)
BENCH_TITLES = _BENCH_TITLES  # for the name edges of deid.recognizers.person
_SPACED_TITLE = "|".join(
    f"{_GAP}{{0,3}}".join(title) for title in sorted(_BENCH_TITLES, key=len, reverse=True)
)
SPACED_TITLE = _SPACED_TITLE  # for deid.recognizers.judgment_words
# The bench in a judgment's footer: 审判员　　唐　勇 (a two-character name is spaced out to
# the width of a three-character one, or of the line: 陈　　　　　　　　　　　　睿),
# 书　记　员　　廖晓玲; one per line, or, in a judgment
# scraped into one paragraph, up to the next title, the date or the end, spaced or not
# (审判长 许博 审判员 梁广平 二〇一九年九月二日; 审判长许博审判员梁广平二〇一九年…).
_BENCH_NAME = (
    f"{_SURNAME}(?:{_GAP}{{0,16}}[{_CJK}]){{1,3}}?|[{_CJK}]{{1,8}}(?:[{DOTS}][{_CJK}]{{1,8}})+"
)
_FOOTER_DATE = r"[一二]〇[〇一二三四五六七八九零]{2}年|\d{4}年|中华民国\d{2,3}年"
_BENCH_END = rf"(?={_GAP}*(?:\n|$|{_SPACED_TITLE}|{_FOOTER_DATE}|本件|附))"
BENCH = re.compile(rf"(?:{_SPACED_TITLE})[:：]?{_GAP}*({_BENCH_NAME}){_BENCH_END}")
# A name without a Chinese surname (旦增平措, 乌云其其格) on the bench: set off by space or
# a line's end on both sides, no title inside (审判长  许博审判员  梁广平).
BENCH_ANY = re.compile(
    rf"(?m)(?:{_SPACED_TITLE})(?:[:：]{_GAP}*|{_GAP}+)((?:(?!{_SPACED_TITLE})[{_CJK}]){{2,8}})"
    rf"(?={_GAP}|$)"
)
# ... or run into its title when the two fill a line (代理审判员木乃以不: a Yi name).
BENCH_LINE = re.compile(
    rf"(?m)^{_GAP}*(?:{_SPACED_TITLE})((?:(?!{_SPACED_TITLE})[{_CJK}]){{2,4}}){_GAP}*$"
)
# ... and such a name spaced out to the width of a three-character one (书　记　员　　籍　涛,
# 綦　　薇: surnames too rare for the table).
BENCH_SPACED = re.compile(
    rf"(?:{_SPACED_TITLE})[:：]?{_GAP}+([{_CJK}](?:{_GAP}{{1,16}}[{_CJK}]){{1,2}}){_BENCH_END}"
)
# Who printed and who proofread the document, after the bench (打印：甘新红校对：温雅琪).
_PRINTED_BY = re.compile(
    rf"(?:打印|校对|核对)人?[:：]{_GAP}*([{_CJK}]{{2,4}}?)(?={_GAP}|$|打印|校对|核对)"
)
# Roles that open a line of the party block (被告人平安，男，…; 上诉人（原审被告）：张三，…),
# or a sentence of it in a judgment scraped into one paragraph.
_PARTY_ROLES = (
    "原审被告人|被告人|原告|被告|上诉人|被上诉人|原审原告|原审被告|原审第三人|第三人|"
    "申请执行人|被执行人|申请人|被申请人|再审申请人|申诉人|被申诉人|罪犯|自诉人|反诉人|"
    "法定代表人|负责人|出庭负责人|行政机关负责人|行政机关出庭负责人|辩护人|委托诉讼代理人|委托代理人|"
    "诉讼代理人|法定代理人|指定代理人|诉讼代表人|借款人|出借人|保证人|担保人|死者|"
    # a criminal case's civil claim, an objection to enforcement, a sole trader
    "被告人兼附带民事诉讼被告人|附带民事诉讼原告人|附带民事诉讼被告人|原告人|被害人|案外人|"
    "异议人|利害关系人|监护人|经营者|投资人|赔偿请求人|复议申请人|申请复议人|"
    # a penalty decision's (违法行为人：帅国庆，男: the models read 帅 as handsome)
    "违法行为人|被处罚人|违法嫌疑人|当事人|"
    # a disciplinary committee's decision in Taiwan (被付懲戒人  高鎮暘)
    "被付惩戒人"
)
# Parties sharing counsel (二被告共同委托诉讼代理人：俄色，男).
_ROLE_PREFIX = "(?:[二两三四五六七八九十]?(?:原告|被告|上诉人|被上诉人|申请人|被申请人)共同)?"
_PARTY_LINE = re.compile(
    rf"(?m)(?:^|(?<=[。；;\s])){_GAP}*{_ROLE_PREFIX}(?:{_PARTY_ROLES})(?:[（(][^）)\n]{{1,12}}[）)])?[:：]?"
    rf"{_GAP}*"
    rf"({_SURNAME}[{_CJK}]{{1,2}})(?=[，,（(。；;]|$)"
)
# … and any name that is a party line all by itself up to its full stop (被告俄克学。: 俄 is no
# surname of the table; not 被告　未到庭), no word of the dictionary nor a firm's name.
_PARTY_LINE_ALONE = re.compile(
    rf"(?m)^{_GAP}*{_ROLE_PREFIX}(?:{_PARTY_ROLES})[:：]?{_GAP}*([{_CJK}]{{2,4}})[。.]{_GAP}*$"
)
_NOT_OPENING = frozenset("未不已没无均并亦也仍经于在对向应")
# … and in a party block whose lines a data set ran together (号原告张益铭被告施怡伶诉讼代理人
# 李念庭…上列当事人间): a name between one role and the next, or 上列.
_RUN_ROLES = (
    "原告|被告|上诉人|被上诉人|诉讼代理人|复代理人|法定代理人|选任辩护人|指定辩护人|辩护人|"
    "声请人|相对人|抗告人|告诉人|自诉人|被告人|再审原告|再审被告|申请人|被申请人"
)
_RUN_PARTY = re.compile(rf"(?:{_RUN_ROLES})({_SURNAME}[{_CJK}]{{1,2}}?)(?={_RUN_ROLES}|上列)")
# A Taiwan court's party block: the role spaced out to the width of the longest (原　　　告
# 靳家瑋, 被　　　告　佟美玲　女), or counsel before 律師 (選任辯護人　鄭雅婷律師), read
# simplified; the name, whatever its surname, up to the line's end, the sex or 律师, its
# characters spaced or not (選 任辯護 人　趙 培 宏律師).
_TAIWAN_ROLES = "声请人|相对人|抗告人|告诉人|选任辩护人|公设辩护人|自诉代理人|代表人"
_SPACED_ROLES = "|".join(
    f"{_GAP}*".join(role)
    for role in sorted(set(f"{_PARTY_ROLES}|{_TAIWAN_ROLES}".split("|")), key=len, reverse=True)
)
_SPACED_PARTY_LINE = re.compile(
    rf"(?m)^{_GAP}*((?:{_SPACED_ROLES})){_GAP}+([{_CJK}](?: ?[{_CJK}]){{1,3}}?)"
    rf"(?={_GAP}*$|{_GAP}+[男女]|(律师))"
)
# What after a party's name says it is one, whatever word the name is: sex, counsel's firm,
# a relation (系原告之子), a post (该公司经理), a former name.
_PERSON_FOLLOWS = re.compile(
    r"[，,][ \t]*(?:[男女][，,。]|系[^，,。\n]{0,8}[之的]|该|[^，,。\n]{0,24}"
    r"(?:律师事务所|法律服务所|律师|经理|董事长|执行董事|局长|主任|职工|员工|工作人员))"
    r"|[（(]曾用名|[（(][男女]"
)
# Any name, with or without a Chinese surname (次仁卓玛, 其木格, 阿不都热合曼), when the
# party's sex, former name, relation, post or firm follows it: 被告人次仁卓玛，女，…;
# 法定代表人：白玛曲珍，该公司董事长; 委托诉讼代理人：乌云其其格（系被告巴特尔之妻）.
_PARTY_LINE_ANY = re.compile(
    rf"(?m)(?:^|(?<=[。；;\s])){_GAP}*{_ROLE_PREFIX}(?:{_PARTY_ROLES})(?:[（(][^）)\n]{{1,12}}[）)])?[:：]?"
    rf"{_GAP}*"
    rf"([{_CJK}{DOTS}]{{2,10}}?)(?=[，,](?:[男女][，,。]|系[^，,。\n]{{0,8}}[之的]|该|"
    r"[^，,。\n]{0,24}(?:律师事务所|法律服务所)|副?(?:局长|董事长|总经理|经理|主任|院长|行长))"
    r"|[（(]曾用名|[（(][男女]|[（(]系[^）)\n]{0,10}[之的])"
)
# A party's name spaced out in the party block (被告：陈　大　文，男，香港居民; 法定代表人：尤 勇，
# 该公司总经理): the sex, a relation, a post or a firm after it says it is one.
_SPACED_PARTY_NAME = re.compile(
    rf"(?:{_PARTY_ROLES})[:：]?{_GAP}*"
    rf"([{_CJK}](?:{_GAP}{{1,3}}[{_CJK}]){{1,3}})(?=[，,](?:[男女]|系|该|[^，,。\n]{{0,24}}"
    r"(?:律师事务所|法律服务所)|副?(?:局长|董事长|总经理|经理|主任|院长|行长))|[（(]系)"
)
# The case's formula naming its parties (原告乌云其其格与被告包头市某公司劳动争议一案, 上诉人
# 次仁卓玛因与被上诉人…): the first party whatever its surname, unless an organisation's
# word or a mask is in it.
_CASE_FORMULA = re.compile(
    "(?:原告|上诉人|申请人|申请执行人|再审申请人|自诉人|申诉人)"
    rf"([{_CJK}{DOTS}]{{2,10}}?)(?:因?与|诉)(?:被告|被上诉人|被申请人|被执行人|被申诉人|你)"
)
# (由审判员一人独任审理: the number of judges, not a name)
_NUMERALS = frozenset("一二两三")
_SENTENCE_START = frozenset("。；;\n\r \t\u3000")  # … which opens a sentence
_ORGANIZATION_WORD = re.compile(
    "公司|集团|厂|局|院|银行|社|会|所|中心|政府|委员会|店|部|站|处|队|校|行|馆|场|办|协|联|某"
)
# Officers of the procedure named in the body: 指派检察员焦为民出庭, 由审判员汪洋独任审判,
# 书记员李四担任记录.
_OFFICERS = (
    "代理检察员|检察员|检察官|公诉人|审判长|代理审判员|审判员|人民陪审员|书记员|法官助理|执行员"
)
# ... and one without a Chinese surname (由审判员其木格独任审判), no common word (依法).
_OFFICER_ANY = re.compile(
    rf"(?:{_OFFICERS})([{_CJK}{DOTS}]{{2,8}}?)(?=独任|出庭支持|出庭履行|担任审判长|担任记录)"
)
_OFFICER = re.compile(
    rf"(?:{_OFFICERS})({_SURNAME}[{_CJK}]{{1,2}})"
    r"(?=出庭|出席|独任|担任|主持|参加|参与|记录|到庭|[、，,]|和|与|及|组成)"
)
# A witness or an attesting witness whatever word the name is, before 出庭 or 到庭
# (见证人吉祥出庭作证; spaced as a scraped text may: 证人盖 萍出庭): the name is then found
# wherever else the document gives it.
_WITNESS = re.compile(
    rf"(?:证人|见证人|鉴定人)({_SURNAME}(?:{_GAP}{{0,2}}[{_CJK}]){{1,2}}?)(?=出庭|到庭)"
)
# ... and one whatever its surname before the relation the judgment gives in brackets
# (证人木然诺（系排早当之妻）, 证人木光（系邻院客栈老板）).
_WITNESS_ANY = re.compile(rf"(?:证人|见证人)([{_CJK}]{{2,4}}?)(?=[（(]系)")
# A name that is also a word, inside an organisation's or a place's name (a party called
# 海洋 and 青岛海洋食品有限公司, a judge called 高明 and 佛山市高明区人民法院): that
# occurrence is not the person.
# An organisation's suffix a few characters on (海洋|食品有限公司), a place's right after or
# one character on (高明|区, 中山|北路); never across a verb of motion or dealing (平安驾车行至
# 中山路, 平安到公司上班: the person, not a place or a firm).
_NOT_IN_NAME = (
    "\\s，。、；：,.;:()（）的了和与及在于为是系因被将向对从由称说讲问"
    "到去来至往回住驾开骑走赴进出入离返打找给让叫请帮替"
    # … nor across a preposition of means (高峰以公司名义: the person, not a firm 高峰以公司)
    "以用经按据凭借"
)
NOT_IN_NAME = _NOT_IN_NAME  # for deid.guesses
# … nor across a verb of arranging or working for (凤建国安排公司财务转账, 其所在公司, 禤某某时任
# 恒锦公司)
_DEALING_WORDS = (
    "安排|指使|授意|通过|委托|联系|介绍|控制|所在|任职|时任|担任|就职|入职|成立|注册|收购|入股"
    # … nor across what one owns there (被执行人向建军名下中国建设银行账户)
    "|名下"
)
ORGANIZATION_AFTER = re.compile(
    f"(?:(?!{_DEALING_WORDS})[^{_NOT_IN_NAME}]){{0,6}}?"
    "(?:有限公司|公司|集团|商行|银行|医院|学校|酒店|法院|检察院|律师事务所)"
    f"|[^{_NOT_IN_NAME}]?(?:区|县|镇|乡|路|街)"
    # … and a city's or a province's (浙江省嘉兴市南湖区: no Mr 嘉兴), not its officials'
    # (高明市长)
    "|市(?![长委民场])|省(?![长委])"
)


# A court's document: its title near the top (刑事判决书, 执 行 裁 定 书, 民事调解书), or the
# court speaking of itself (本院) or a formula of its findings (经审理查明, 公诉机关指控, 原告诉称:
# the fact part alone, as legal data sets and case digests publish it) beside a party of a case.
# A court of Taiwan titles its judgment without 书 (臺灣臺北地方法院刑事判決, simplified by
# deid.normalize before it is read here).
_DOCUMENT_TITLE = re.compile(
    "|".join(
        f"{_GAP}*".join(title)
        for title in ("判决书", "裁定书", "调解书", "决定书", "裁决书")
        + tuple(f"{kind}{form}" for kind in ("刑事", "民事", "行政") for form in ("判决", "裁定"))
    )
)
_COURT_SPEAKS = re.compile(
    "本院|审理查明|公诉机关|检察院指控|诉称|辩称|法院经审理|法院审理认为|法院认为|一审法院|二审法院"
    "|另查明|庭审中|再审|原审|一审判决|二审判决|原判决"
)
# A case digest (典型案例, 指导性案例: 基本案情, 裁判要旨), and a court's news of its cases (法官
# 吉克阿呷…调解, 人民法院审结一起…案): courts publish their cases in these forms too.
_CASE_DIGEST = re.compile("典型案例|指导性案例|裁判要旨|裁判要点|基本案情")
_COURT = re.compile("人民法院|人民法庭|法官")
_CASE_WORK = re.compile("调解|审结|开庭|庭审|诉至|起诉|判决")
_PARTY = re.compile(
    "被告人|被告|原告|上诉人|被上诉人|申请执行人|被执行人|罪犯|自诉人|第三人|申请人"
)
TITLE_WITHIN = 300
# A defendant in a court's narrative of the facts (被告人眭海军驾驶…伙同…被抓获): the fact part
# of a criminal judgment that begins with the facts themselves.
_DEFENDANT_ACTS = re.compile("被告人.{0,300}?(?:伙同|抓获|归案|到案|供述|作案)", re.DOTALL)
# What every way ``is_judgment`` says yes needs one of.
_CLUES = re.compile(
    "|".join(p.pattern for p in (_DOCUMENT_TITLE, _CASE_DIGEST, _COURT, _COURT_SPEAKS))
    + "|经审理查明|被告人"
)


@functools.lru_cache(maxsize=64)  # the engine, the document pass and the Tibetan rule ask
def is_judgment(text: str) -> bool:
    """True for a court's judgment, ruling or mediation statement (and a prosecutor's or
    authority's decision in the same form): a document title in its first 300 characters,
    or 本院 or a formula of the court's findings beside a party's role anywhere (经审理查明
    alone: no news report writes the court's own formula), or a defendant's acts
    (``_DEFENDANT_ACTS``), or a case digest's headings, or a court at work on a case (法官 …
    调解)."""
    if not _CLUES.search(text):  # (one scan: most texts have none of the words below)
        return False
    if _DOCUMENT_TITLE.search(text, 0, TITLE_WITHIN):
        return True
    if "经审理查明" in text or _DEFENDANT_ACTS.search(text) or _CASE_DIGEST.search(text):
        return True
    if _COURT.search(text) and _CASE_WORK.search(text):
        return True
    return bool(_COURT_SPEAKS.search(text)) and bool(_PARTY.search(text))


def judgment_name_spans(text: str) -> list[tuple[int, int]]:
    """Names in the places a judgment gives them (see the module's docstring)."""
    spans = []
    if holds_any(text, "审员理长官"):  # 审判长, 书记员, 法官助理, 法官 …
        spans += [match.span(1) for match in BENCH.finditer(text)]
        spans += [m.span(1) for m in BENCH_ANY.finditer(text) if not common_word(m.group(1))]
        spans += [m.span(1) for m in BENCH_LINE.finditer(text) if not common_word(m.group(1))]
        spans += [
            m.span(1)
            for m in BENCH_SPACED.finditer(text)
            if not common_word(_GAP_RE.sub("", m.group(1)))
        ]
        spans += [m.span(1) for m in _PRINTED_BY.finditer(text) if not common_word(m.group(1))]
        spans += committee_spans(text)
    if holds_any(text, "人告犯"):  # 被告人, 原告, 罪犯 …
        spans += party_line_spans(text)
        spans += claimant_spans(text)
    if holds_any(text, "员官人"):
        spans += [match.span(1) for match in _OFFICER.finditer(text) if _not_function(text, match)]
        spans += [
            m.span(1)
            for m in _OFFICER_ANY.finditer(text)
            if not common_word(m.group(1)) and m.group(1)[0] not in _NUMERALS
        ]
        spans += [match.span(1) for match in _WITNESS.finditer(text)]
        spans += [m.span(1) for m in _WITNESS_ANY.finditer(text) if not dictionary_word(m.group(1))]
    spans += latin_name_spans(text)
    if holds_any(text, "警鉴员证告害犯"):  # 民警, 鉴定人, 执法人员, 证人, 被告人, 被害人, 罪犯 …
        spans += listed_spans(text)
    if holds_any(text, "言词述解"):  # 证言, 证词, 陈述, 供述, 辩解
        spans += testimony_spans(text)
    if holds_any(text, "录言词述解伙纠指雇"):  # 询问笔录 …, 伙同, 纠集, 指使, 雇佣
        spans += numbered_evidence_spans(text)
    if holds_any(text, "案逃判"):  # （另案处理）, （在逃）, （已判刑）
        spans += set_apart_spans(text)
    if holds_any(text, "名号称叫"):
        spans += other_name_spans(text)
    return spans


def party_line_spans(text: str) -> list[tuple[int, int]]:
    """The name after a role word opening a line of the party block (``_PARTY_LINE``):
    被告人平安，男，… → 平安.  A common word there that is no name (原告方面，) is taken
    only when what follows makes it a person (``_PERSON_FOLLOWS``); any name, surname or not
    (次仁卓玛), when the party's details follow it (``_PARTY_LINE_ANY``)."""
    spans = []
    for match in _PARTY_LINE.finditer(text):
        start, end = match.span(1)
        if common_word(text[start:end]) and not _PERSON_FOLLOWS.match(text, end):
            continue
        spans.append((start, end))
    for match in _PARTY_LINE_ANY.finditer(text):
        spans += around_kinship(match.start(1), match.group(1))
    block = text.find("上列", 0, TITLE_WITHIN)  # (the party block ends there)
    spans += [
        match.span(1)
        for match in _RUN_PARTY.finditer(text, 0, block + 2 if block >= 0 else 0)
        if not dictionary_word(match.group(1)) and match.group(1)[0] not in _NOT_OPENING
    ]
    spans += [
        match.span(1)
        for match in _PARTY_LINE_ALONE.finditer(text)
        if not dictionary_word(match.group(1))
        and not _ORGANIZATION_WORD.search(match.group(1))
        and match.group(1)[0] not in _NOT_OPENING  # 被告未到庭。
    ]
    spans += [
        match.span(1)
        for match in _CASE_FORMULA.finditer(text)
        if _opens_sentence(text, match.start())
        and not _ORGANIZATION_WORD.search(match.group(1))
        and not dictionary_word(match.group(1))
        and "、" not in match.group(1)
    ]
    if holds_any(text, "\u3000 "):
        spans += [
            match.span(1)
            for match in _SPACED_PARTY_NAME.finditer(text)
            if _opens_sentence(text, match.start())
        ]
        spans += [
            match.span(2)
            for match in _SPACED_PARTY_LINE.finditer(text)
            if (_GAP_RE.search(match.group(1)) or match.group(3))
            and not common_word(match.group(2).replace(" ", ""))
        ]
    return spans


# A party described by a relative (被告：褚卫东之妻张桂花，女): two people, not one name.
_KINSHIP = re.compile("之[夫妻子女父母兄弟姐妹孙]")


def around_kinship(start: int, name: str) -> list[tuple[int, int]]:
    """The spans of ``name`` (at ``start``) on either side of a kinship word, or its own."""
    spans, begin = [], 0
    for match in _KINSHIP.finditer(name):
        spans.append((begin, match.start()))
        begin = match.end()
    spans.append((begin, len(name)))
    return [(start + s, start + e) for s, e in spans if e - s >= 2]


def _opens_sentence(text: str, start: int) -> bool:
    """True when ``start`` opens the text, a line or a sentence (a role of the party block
    or of the case's formula: the patterns check it after a match, not at each character),
    or follows the court's 受理 (a notice served by announcement: 孙国华：本院受理原告饶建设
    诉你离婚纠纷一案)."""
    return start == 0 or text[start - 1] in _SENTENCE_START or text.endswith(_ACCEPTED, 0, start)


_ACCEPTED = ("本院受理", "本院受理的", "本院立案受理")


def _not_function(text: str, match: re.Match[str]) -> bool:
    """False when the officer's "name" starts with a function word (审判员和书记员)."""
    return text[match.start(1)] not in "和与及向对在"
