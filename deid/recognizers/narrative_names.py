"""The people of a judgment's narrative by what only a person does there: after a clause
mark or the preposition of the agent (由吴双江望风，唐国祥负责销赃; 借条由金年经手，明亮在场
见证; 吴洁实报警后; 经严肃介绍认识了文静; ，柏雪出价四次; ，仇志远持股10%), by whose account
money went into (将钱款转入王勤的银行账户), whose household or village home it is (与原告房屋
相邻的石平安户, 水南一村黎林灵家), whose row of a flattened table it is (3 万春风 26 26; 5 桑红旗
借款 50,000.00), or whose flat (1-1-201 司马卫东，).  Nothing that is a common word of jieba's
dictionary and no name (路人报警)."""

from __future__ import annotations

import re

from deid.dictionary import jieba_tables
from deid.recognizers.base import GAP, HAN
from deid.recognizers.judgment_lists import common_word
from deid.surnames import SURNAME_PATTERN

_NAME = rf"({SURNAME_PATTERN}[{HAN}]{{1,2}}?)"
_AGENT_VERBS = "望风|放风|经手|在场见证|报警|亦予以证实|负责销赃|介绍认识|出价|持股"
_AGENT = re.compile(rf"(?:^|(?<=[由经，,。；;、和与])){_NAME}(?={_AGENT_VERBS})")
_ACQUAINTED = re.compile(rf"认识了{_NAME}(?=[。，,；;]|$)")
_ACCOUNT_HOLDER = re.compile(rf"转入{_NAME}(?=的(?:银行)?账户|名下)")
_HOUSEHOLD = re.compile(rf"{_NAME}(?<![账用住商客开落农散个门承养过])户(?=[，,、。；;的房])")
# ... or whose home in a village it is (现场位于北掌城村李存兰门口, 水南一村黎林灵家，)
_HOME = re.compile(rf"(?<=[村组屯]){_NAME}(?=家[中里内门院的，,。；;]|门口|门前|房屋|住宅|院内)")
# A row of a table flattened into text: its number, the name, a figure (考勤表: 3 万春风 26
# 26; 被害人表: 1 蒯红梅 58000元), the name spaced out or not (4 高　翔 26 24).
_GAP = GAP
_TABLE_ROW = re.compile(
    rf"(?m)(?:^|(?<=\s))\d{{1,3}}[.、]?{_GAP}+"
    rf"({SURNAME_PATTERN}(?:{_GAP}?[{HAN}]){{1,2}})(?={_GAP}+(?:[{HAN}]{{1,6}}{_GAP}+)?\d)"
)
# ... and a list of flats and their owners (联名业主如下：1-1-201 司马卫东，1-2-603 黄丽华).
_FLAT_OWNER = re.compile(
    rf"\d{{1,3}}-\d{{1,3}}(?:-\d{{2,5}})?{_GAP}*({SURNAME_PATTERN}[{HAN}]{{1,2}}?)"
    r"(?=[，,、。；;\s]|$)"
)
# The payees of an order listing them (向田福贵支付4,200元；向牛二娃支付3,800元；): two or
# three characters between 向 and 支付 and a figure, taken where the text lists three or more
# (a firm is longer, and its word says so).
_PAYEE = re.compile(rf"向([{HAN}]{{2,3}}?)支付[\d０-９]")
_PAYEES = 3
# Each pattern with what every match of it holds: a text without is not searched.
_ANCHORS = (
    _AGENT_VERBS,
    "认识了",
    "转入",
    "户",
    "[村组屯]",
    rf"\d{_GAP}+[{HAN}]",
    r"\d-\d",
)
_PATTERNS = tuple(
    zip(
        (_AGENT, _ACQUAINTED, _ACCOUNT_HOLDER, _HOUSEHOLD, _HOME, _TABLE_ROW, _FLAT_OWNER),
        map(re.compile, _ANCHORS),
        strict=True,
    )
)
# (and 认识了, 转入, 户; the two of figures as one, after a digit)
_ANY_ANCHOR = re.compile(f"{_AGENT_VERBS}|[村组屯]|\\d(?:{_GAP}+[{HAN}]|-\\d)")
_COMMON = 50  # 路人 117
_WORD_BEFORE = 20  # 顶门 93


def narrative_name_spans(text: str) -> list[tuple[int, int]]:
    """The names of ``text``'s narrative that the patterns above find."""
    payees = _payee_spans(text) if "支付" in text else []
    if not ("户" in text or "转入" in text or "认识了" in text or _ANY_ANCHOR.search(text)):
        return payees
    freq, _ = jieba_tables()
    return (
        payees
        + [
            match.span(1)
            for pattern, anchor in _PATTERNS
            if anchor.search(text)
            for match in pattern.finditer(text)
            if not common_word(match.group(1), _COMMON)
            # nor a surname that ends a word (顶门|立户, an idiom)
            and freq.get(text[max(0, match.start(1) - 1) : match.start(1) + 1], 0) < _WORD_BEFORE
        ]
    )


def _payee_spans(text: str) -> list[tuple[int, int]]:
    """The payees of a list of payments (``_PAYEE``), none a common word or a firm's."""
    matches = list(_PAYEE.finditer(text))
    if len(matches) < _PAYEES:
        return []
    return [
        m.span(1)
        for m in matches
        if not common_word(m.group(1), _COMMON) and not _FIRM_WORD.search(m.group(1))
    ]


_FIRM_WORD = re.compile("公司|厂|店|社|部|局|院|所|行|队|会")
