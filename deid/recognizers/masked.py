"""Masked and partial names as published judgments and penalty notices write them, whatever
the surname where a role or repetition shows the person (被害人禤某某, 撒某 … 撒某).

张某, 张某某, 张某某某, 张某甲, 张某1, 王某平, 王XX, 李**, 刘*, 王××, 王*明: a surname with its
given name replaced is still a quasi-identifier, found whole (张某甲, not 张某); so is a
party written as an ordinal and a mask (Taiwan's 甲○○, 子○○, Ｐ○○) or a victim's code
(Ａ女).  A mask run after a character that belongs to a place or an organisation is masked
text, not a name: 浙江**科技有限公司 (江 ends 浙江), 合肥市**区**路 (区 follows a mask),
王**公司 (a company).

The text is NFKC-normalised first, so full-width Ｘ and ＊ arrive as X and *.
"""

from __future__ import annotations

import re
from collections import Counter

from deid.dictionary import jieba_tables
from deid.divisions import division_names
from deid.recognizers.base import DOTS, HAN, holds_any, is_han
from deid.surnames import (
    SURNAME_PATTERN,
    surname_length,
)

MASK_CHARS = "X×x*○〇□■"
_SURNAME = SURNAME_PATTERN
_ORDINALS = "甲乙丙丁戊己庚辛壬癸"
# Characters that end a name written with a one-character mask rather than being its given
# name: function words and verbs of reported speech (刘*等, 王*称, 李*因).
_NOT_GIVEN = frozenset(
    "等的了和与及或在于为是系因被将已未向对从自到把让由以称说诉述供男女同先共均又也并即就还都所不"
    "给跟替曾经便遂亦仍才却再"
    "、，,。；;：:（）()《》“”\"' \n\t"
)
# What follows a name rather than a verb: marks, and words that take a name before them
# (王某平，男; 王某平因; 王某平的; not 张某订了亲).
_AFTER_NAME = frozenset(
    "，,。；;、：:（）()的与和及等因系在于为是被将向对从由经称诉犯亦也又均都曾已即便遂仍"
) | {" ", "\n"}
# ... or a common verb or noun (望风, 介绍, 证实, 报警): 王某研 before 望风 is a name.
_VERB_FREQ = 90
_VERB_TAGS = frozenset({"v", "vn", "n", "nr"})
# 张某某, 张某甲, 张某1; 张某 but not 某些, 某种, 某一, 某个, 某项 (鉴于某些, 从事于某一方面),
# nor 于某日, 向某处 (于 and 向 are surnames too).
_MOU = re.compile(
    "(" + _SURNAME + ")"
    r"(?:某某某?|某(?![些种一个项日天时处地年月]))"
    f"(?:[{_ORDINALS}]|[1-9](?![0-9])|[Xx×](?![A-Za-z0-9光])|[(（][{_ORDINALS}][)）])?"
)
# A number between the surname and 某 tells people of one surname apart in data sets of
# published judgments (被告人白1某, 汪1某成, 王4某; the one with a nickname: 小1某): no word
# holds a character, a number and 某.
_NUMBERED_MOU = re.compile(f"([{HAN}])[1-9][0-9]?某(?:某|[Xx×]{{1,2}}(?![A-Za-z]))?")
# … and a surname with a number alone after a party's role (被告人任3): the number is the
# given name (no date, amount or count: 被告人王3次, 被告人刘5月).
_NUMBERED = re.compile(
    "(?:被告人|被害人|受害人|证人|上诉人|嫌疑人|罪犯|原告|被告|申请人|被执行人|自诉人)"
    f"(({_SURNAME})[1-9][0-9]?)(?![0-9.某年月日号时分秒元万千百个次岁名人件台辆套%])"
)
# A name masked in its middle (被告人阿XX某, 艾XX拉普: the data sets of judgments mask minority
# names so): a character, two mask letters, and 某 or the name's last characters.
_MASKED_INSIDE = re.compile(f"([{HAN}])[Xx×]{{2}}(?=[{HAN}])")
# … and a name's last characters masked after its first two (a Yi clan: 伙同海来XX; 韩服X, 齐纪X
# in a list of victims), after a role, an accomplice's verb or a list's 、.
_MASKED_END = re.compile(
    "(?:被告人|被害人|受害人|证人|嫌疑人|罪犯|伙同|纠集|、)"
    f"([{HAN}]{{2}}[Xx×]{{1,2}})(?![A-Za-z0-9])"
)
# … or its surname masked before the given name (原告ＸＸ成与被告, 委托代理人ＸＸ钢，) after a
# role, up to what follows a name (not after 、: 法××、××规定, ××岭、××岭).
_MASKED_SURNAME = re.compile(
    "(?:被告人|被害人|受害人|证人|嫌疑人|罪犯|原告|被告|上诉人|被上诉人|申请人|第三人|代理人|"
    f"辩护人|代表人)([Xx×]{{2,3}}[{HAN}]{{1,2}}?)"
    "(?=[，,。；;、：:（()）的与和及系于在因等称诉辩])"
)
_INSIDE_REST = 2
_NOT_NUMBERED = frozenset("第共约近余计")  # (第1某: before a number, no name)
# ... and a surname the table lacks before 某某, set off by what no name holds (a table's
# row: 8 禤某某 12800).
_MOU_ANY = re.compile(
    f"(?:^|(?<=[^{HAN}]))([{HAN}])某某(?:[{_ORDINALS}]|[1-9](?![0-9]))?(?![{HAN}])"
)
# … or before 某, 某某, 某甲, 某1 or ××, written twice or more (库某某的同伴撒某劝阻 … 砸向
# 撒某头部; 之妹夫畅某某 … 畅某某称; 被告人衡××系 … 衡××伙同).
_MOU_ONE_ANY = re.compile(
    f"((?!某)[{HAN}])(?:某(?:某|[{_ORDINALS}]|[1-9](?![0-9]))?|[Xx×]{{2}})"
    "(?![某些种一个项日天时处地年月市县区乡镇村Xx×])"
)
_ONE_REPEATED = 2
# (a preposition, or a division's suffix before a masked place or firm: 东莞市某某五金制品)
_PREPOSITIONS = frozenset("往朝按据临赴省市区县镇乡村路街州")
# … or after a party's role or a relative (被害人禤某某, 被告锁某辩称, 儿子岩某1;
# ``_ROLE_BEFORE`` below).
_MOU_AFTER_ROLE = re.compile(
    "(?:被告人|被害人|受害人|证人|上诉人|第三人|嫌疑人|罪犯|原告|被告|申请人|被执行人|自诉人"
    "|儿子|女儿|之子|之女|之妻|之夫|妻子|丈夫|儿媳|女婿|孙子|孙女)"
    f"((?!某)[{HAN}]某(?:某?(?:[{_ORDINALS}]|[1-9](?![0-9]))|某"
    "|(?=辩称|诉称|述称|[，,。、的与和及等称])))"
)
# 王XX, 李**, 刘*, 王××, and a given name after a one- or two-character mask (王*明); an
# ordinal digit after the mask tells relatives apart (陈×1、陈×2).  A page copied from a
# website may keep × as its HTML entity (杨&times;&times;, its semicolon full-width or not).
# Not a masked date (于××××年××月××日, 于××年×月: 于 is a surname too; 李**年满十八 is a name).
_TIMES_ENTITY = "&times"
_SYMBOLS = re.compile(
    "(" + _SURNAME + ")"
    r"(?:[Xx×](?:[Xx×]{0,2})(?![A-Za-z×])|[*○〇□■]{1,4}|(?:&times[;；]){1,3})"
    r"(?!年[Xx×*○〇\d０-９]|[月日])"
    r"(?![*○〇□■])(?:[1-9][0-9]?(?![0-9]))?"
)
# What follows the mask when the masked text is a place or an organisation.
_PLACE_OR_ORG = re.compile(
    "省|市(?!民)|区|县|镇|乡|村(?!民)|路(?!过|遇|经)|街|巷|公司|集团|厂|局|银行(?![卡账帐])|医院|学校|"
    "大学|中学|"
    "小学|酒店|宾馆|商行|超市|科技|有限|支行|派出所|法院|检察院|委员会|大道|小区|花园|"
    "号|栋|幢|单元|室|弄|组|酒吧|饭店|餐厅|餐馆|网吧|茶楼|会所|商场|商店|房地产"
)
# A party written as an ordinal and a mask, as Taiwan's courts publish them (被告甲○○,
# 告訴人乙○○): the placeholder stands for the name.
# Taiwan's parties: an ordinal, an earthly branch, a character of 天地玄黃宇宙洪荒 or a letter
# before the mask that replaces the whole name, spaced or not (甲○○, 丙○○○, 子○○, 宇○○,
# Ｐ○○, 甲 ○ ○; not 一○○年, the Republic's year 100), and a victim's code (Ａ女, Ｂ男).
_PLACEHOLDERS = "子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒A-Z"
_ORDINAL_MASKED = re.compile(
    f"[{_ORDINALS}](?: ?[○〇]){{1,8}}(?![○〇])"
    f"|(?<![A-Za-z0-9])[{_PLACEHOLDERS}](?: ?[○〇]){{2,8}}(?![○〇])"
)
_LETTER_CODE = re.compile(
    "(?:(?<![A-Za-z0-9])[A-Z][女男母父]|(?<=[为為即称稱人、，,（(「“])[甲乙丙][女男])"
    "(?![士性子装孩生童人])"
    # … and the code a court gives a victim of a sexual offence (代號0000-0000A, 代号为
    # BS000-A000000号女子, 代號0000甲000000): the code stands for the name
    "|(?<=代号|代號)(?:为|為)?[:：]?([A-Z]{0,3}[0-9]{3,5}(?:-?[A-Z甲乙丙]?[0-9]{3,6})?[A-Z]?)"
    "(?![0-9A-Za-z-])"
)
_MASK_RUN = re.compile(f"[{re.escape(MASK_CHARS)}]+")
# A party's role right before the masked name: its last character and the surname are no
# word (被告人马某甲 is not 人马, the troops; 被害人江某 is not 人江).
_ROLE_BEFORE = re.compile(
    "(?:被告人|被害人|受害人|证人|辩护人|代理人|申请人|执行人|上诉人|第三人|当事人|嫌疑人|"
    "行为人|负责人|代表人|监护人|自诉人|反诉人|罪犯|原告|被告|曾用名|化名|别名)$"
)


# A dotted name masked in each part (热某·阿某某, 买某某·吐某某: Xinjiang's courts), and its
# first part alone, which the narrative uses for the person (热某一直说, 把热某送到了医院).
_DOTTED_MASKED = re.compile(f"[{HAN}]某{{1,2}}(?:[{DOTS}][{HAN}]某{{1,2}})+")


def _masked_dotted(text: str) -> list[tuple[int, int]]:
    """The masked dotted names of ``text`` (``_DOTTED_MASKED``) and their first parts."""
    if not _holds_dot(text):
        return []
    spans = []
    firsts = set()
    for match in _DOTTED_MASKED.finditer(text):
        spans.append(match.span())
        firsts.add(re.split(f"[{DOTS}]", match.group())[0])
    for first in firsts:
        spans += [m.span() for m in re.finditer(f"{re.escape(first)}(?![{DOTS}某])", text)]
    return spans


def _holds_dot(text: str) -> bool:
    return any(dot in text for dot in DOTS)


def masked_name_spans(text: str) -> list[tuple[int, int]]:
    """Spans of masked names in ``text`` (see the module's docstring); nothing when the text
    has neither 某 nor a mask character."""
    spans = []
    if holds_any(text, "女男母父代"):  # every _LETTER_CODE match ends with one or follows 代号
        spans += [match.span(match.lastindex or 0) for match in _LETTER_CODE.finditer(text)]
    if "某" not in text and not _MASK_RUN.search(text) and _TIMES_ENTITY not in text:
        return spans
    spans += [match.span() for match in _ORDINAL_MASKED.finditer(text)]
    spans += [m.span() for m in _MOU_ANY.finditer(text) if not surname_length(text, m.start())]
    spans += _rare_surname_mou(text)
    spans += _masked_dotted(text)
    spans += _numbered_spans(text)
    spans += [
        m.span(1)
        for m in _MOU_AFTER_ROLE.finditer(text)
        if not surname_length(text, m.start(1)) and text[m.start(1)] not in _NOT_GIVEN
    ]
    for pattern in (_MOU, _SYMBOLS):
        for match in pattern.finditer(text):
            start, end = match.span()
            if pattern is _SYMBOLS:
                end = _with_given_name(text, end)
            elif end - start == surname_length(text, start) + 1:
                end = _with_last_given(text, end)
            if not _place_or_organization(text, start, end):
                spans.append((start, end))
    return spans


_NOT_BEFORE_NUMBER = _NOT_GIVEN | _PREPOSITIONS | _NOT_NUMBERED


def _numbered_spans(text: str) -> list[tuple[int, int]]:
    """Names a data set numbered (白1某, 汪1某成, 被告人任3; not a function character,
    preposition or division's suffix before the number: 第1某) or masked in part after a role
    (原告ＸＸ成, 伙同海来XX, 阿XX某, 艾XX拉普)."""
    spans = []
    for match in _NUMBERED_MOU.finditer(text) if "某" in text else ():
        if match.group(1) in _NOT_BEFORE_NUMBER:
            continue
        end = match.end()
        if text[end - 1] == "某" and text[end - 2] != "某":  # 汪1某成: its last character
            end = _with_last_given(text, end)
        if not _place_or_organization(text, match.start(), end):  # 何1某村
            spans.append((match.start(), end))
    if any(char.isdigit() for char in text):
        spans += [m.span(1) for m in _NUMBERED.finditer(text)]
    spans += [m.span(1) for m in _MASKED_SURNAME.finditer(text)]
    spans += [
        m.span(1)
        for m in _MASKED_END.finditer(text)
        if m.group(1)[0] not in _NOT_GIVEN and not _place_or_organization(text, *m.span(1))
    ]
    for match in _MASKED_INSIDE.finditer(text):
        if match.group(1) in _NOT_GIVEN or match.group(1) in _PREPOSITIONS:
            continue
        if not _ROLE_BEFORE.search(text, max(0, match.start() - 3), match.start()):
            continue
        end = _masked_rest(text, match.end())
        if not _place_or_organization(text, match.start(), end):
            spans.append((match.start(), end))
    return spans


def _masked_rest(text: str, end: int) -> int:
    """The end of a name masked in its middle: 某, or up to ``_INSIDE_REST`` characters
    that are no function character, the second beginning no common word (艾XX拉普|窜至)."""
    if text[end] == "某":
        return end + 1
    if text[end] in _NOT_GIVEN:
        return end
    freq, _ = jieba_tables()
    stop = end + 1  # (the first may begin a word: 拉普)
    while (
        stop < min(len(text), end + _INSIDE_REST)
        and is_han(text[stop])
        and text[stop] not in _NOT_GIVEN
        and freq.get(text[stop : stop + 2], 0) < 10
    ):
        stop += 1
    return stop


def _rare_surname_mou(text: str) -> list[tuple[int, int]]:
    """A surname the table lacks with 某, 某某, 某甲, 某1 or ××, written ``_ONE_REPEATED``
    times or more (撒某, 纳某某, 衡××), or once with an ordinal or a number (岩某甲): no
    function character (在某, 向某), preposition or division's suffix (往某方向, 东莞市某某)
    nor a word's end (前往某地)."""
    matches = [
        m
        for m in _MOU_ONE_ANY.finditer(text)
        if not surname_length(text, m.start())
        and m.group(1) not in _NOT_GIVEN
        and m.group(1) not in _PREPOSITIONS
        and not _place_or_organization(text, m.start(), m.end())
    ]
    counts = Counter(m.group() for m in matches)
    # (撒某 once at least before what follows a name: 库某某、撒某的损伤; not 往某方向 …
    # 往某方向; 纳某某, 展某甲, 衡×× whatever follows)
    named = {
        m.group()
        for m in matches
        if len(m.group()) > 2 or text[m.end() : m.end() + 1] in _AFTER_NAME
    }
    # (a mask with an ordinal or a number is a person's even written once: 从岩某甲（另案处理）)
    return [
        m.span()
        for m in matches
        if (
            counts[m.group()] >= _ONE_REPEATED
            or m.group()[-1] in _ORDINALS + "123456789"
            or _after_masked_item(text, m.start())
        )
        and m.group() in named
    ]


def _after_masked_item(text: str, start: int) -> bool:
    """True after another masked name and its 、 (李1某、登某等人: a list of masked people)."""
    return text[start - 1 : start] == "、" and text[start - 2 : start - 1] in "某Xx×*123456789"


def _with_last_given(text: str, end: int) -> int:
    """王某平: the court masked the given name's first character only.  Taken in when a
    mark or function character follows it (王某平，男; 王某平因…), where a verb after 王某
    is unlikely (孙某刚满: 刚 stays out); the document's other mentions follow the name."""
    longer = _with_given_name(text, end)
    if longer == len(text) or text[longer : longer + 1] in _AFTER_NAME:
        return longer
    freq, tags = jieba_tables()
    verb = text[longer : longer + 2]  # 王某研望风, 李某生介绍
    if longer > end and freq.get(verb, 0) >= _VERB_FREQ and tags.get(verb) in _VERB_TAGS:
        return longer
    return end


def _with_given_name(text: str, end: int) -> int:
    """Take in one given-name character after a short mask (王*明, 李**华), unless it
    begins a word (刘*不服, 王*明天) or is a function character (刘*等)."""
    if end >= len(text) or not is_han(text[end]) or text[end] in _NOT_GIVEN:
        return end
    if _PLACE_OR_ORG.match(text, end) or text[end] == "某":
        return end
    freq, _ = jieba_tables()
    return end if freq.get(text[end : end + 2], 0) >= 10 else end + 1


# What a fee is for, before 费 (the surname 费 too) and its masked amount (诉讼费X).
_FEES = tuple(
    (
        "诉讼 受理 执行 保全 鉴定 公告 申请 律师 交通 邮寄 评估 审计 拍卖 检验 送达 调查 误工 "
        "护理 医疗 住宿"
    ).split()
)


def _place_or_organization(text: str, start: int, end: int) -> bool:
    """True when the masked span belongs to a place or organisation name: a mask right
    before it (**区**), a division or common word ending with its surname (浙江**, 长江**,
    小区**), 区 ending a district (天河区**), or a place or organisation suffix right after
    it (王**公司, 李某某村, 区×××号); never after a party's role (被告人马某甲)."""
    if start and text[start - 1] in MASK_CHARS:
        return True
    if _PLACE_OR_ORG.match(text, end):
        return True
    if start == 0 or _ROLE_BEFORE.search(text, max(0, start - 3), start):
        return False
    # 区 after a place's name ends a district (天河区**, 越秀区×××号), not a surname.
    if text[start] == "区" and is_han(text[start - 1]):
        return text[start - 1] not in _NOT_GIVEN
    word = text[start - 1 : start + 1]
    # 石家庄某某房地产: the surname ends a division's name of two or three characters.
    if word in division_names() or text[max(0, start - 2) : start + 1] in division_names():
        return True
    if text[start] == "费" and text.endswith(_FEES, 0, start):
        return True  # 诉讼费X，申请执行费X元: a fee's masked amount
    freq, tags = jieba_tables()
    if tags.get(text[max(0, start - 3) : start + 1]) == "ns":
        return True  # 乌鲁木齐某建材公司: a city's name of four ends with the "surname"
    if start >= 2 and freq.get(text[start - 2 : start], 0) >= 10:
        return False  # the character before ends a word of its own (伙同|方ＸＸ, 伙同|于某某)
    return freq.get(word, 0) >= 10 and tags.get(word) not in {"nr", "nrfg", "nrt"}
