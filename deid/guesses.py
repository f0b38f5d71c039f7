"""The document pass's corrections of single ``PERSON`` guesses (``deid.consistency``),
made before a name is looked for elsewhere: a guess that is no name is dropped (由东向西行驶,
於民國112年, a role word of a court's document, a lone character of a common word), one that
runs a name the document gives on its own into the words beside it is cut back (次子诸葛强);
the names of a list are ``deid.listed``'s."""

from __future__ import annotations

import re

from deid.divisions import division_names
from deid.findings import PERSON, Finding
from deid.normalize import normalize
from deid.recognizers.base import HAN
from deid.recognizers.judgment_rules import (
    NOT_IN_NAME,
    ORGANIZATION_AFTER,
    TITLE_WITHIN,
    is_judgment,
)
from deid.recognizers.judgment_words import NoNames
from deid.recognizers.person import ROLE_WORDS, name_starts, title_ending_in
from deid.recognizers.person_rules import TITLE_WORDS, TRANSLITERATION_CHARS, is_cjk
from deid.recognizers.surnames import surname_length
from deid.recognizers.word_tables import jieba_tables


def without_no_names(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` less the ``PERSON`` guesses that are no name (``_no_name``)."""
    if not any(f.entity_type == PERSON for f in findings):
        return findings
    no_names = NoNames(text)
    # (read only when a guess is such a word: most texts have none)
    court = any(_role_or_title(text, f) for f in findings) and _court_document(text)
    places = _villages_and_firms(text, findings)
    result = []
    for finding in findings:
        if finding.entity_type == PERSON:
            cut = _without_word_opening(text, _without_place_opening(text, finding))
            if cut is not None and (end := no_names.name_before(cut.start, cut.end)):
                cut = Finding(cut.start, end, PERSON, cut.score)  # 逄祎|陈述：
            if cut is None or _no_name(text, cut, no_names, court):
                continue
            if places and text[cut.start : cut.end] in places:
                continue
            finding = cut
        result.append(finding)
    return result


def _inside_latin_word(text: str, start: int, end: int) -> bool:
    """True for a guess of Latin letters that a letter runs into on either side."""
    if not _LATIN.fullmatch(text, start, end):
        return False
    return bool(_LATIN.search(text[start - 1 : start] + text[end : end + 1]))


_LATIN = re.compile("[A-Za-zÀ-ÖØ-öø-ÿ]+")


def _villages_and_firms(text: str, findings: list[Finding]) -> set[str]:
    """The guesses that some occurrence shows to be a village or a firm, each dropped
    wherever it occurs: three characters or more ending in 村 before the village's
    committee or one of its groups, or after a town or a subdistrict (良渚街道荀山村,
    荀山村村民委员会; then 迁出荀山村 too, though a person may be named 关牧村), and the
    trade name of a firm's registered name (樱川|精密机械（苏州）有限公司; then 樱川公司)."""
    words = set()
    for finding in findings:
        start, end = finding.start, finding.end
        if finding.entity_type != PERSON:
            continue
        if end - start >= 3 and text[end - 1] == "村":
            if text.startswith(_VILLAGE_AFTER, end) or text.endswith(_VILLAGE_BEFORE, 0, start):
                words.add(text[start:end])
        elif _FIRM_AHEAD.match(text, end):
            words.add(text[start:end])
    return words


_VILLAGE_AFTER = ("村民委员会", "村委会", "村委", "村民小组", "委会", "委员会")
_VILLAGE_BEFORE = ("镇", "乡", "街道", "街办")


def _without_place_opening(text: str, finding: Finding) -> Finding | None:
    """``finding`` without the place it opens with (潍坊市|委书记曹学成), ``None`` when
    nothing of a name is left (郑州市, 郑州市|某某大道: the city, not a 郑)."""
    opening = _place_opening(text[finding.start : finding.end])
    if not opening:
        return finding
    start = finding.start + opening
    if finding.end - start < 2 or text[start] == "某":
        return None
    return Finding(start, finding.end, PERSON, finding.score)


_NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})


def names_trimmed(text: str, findings: list[Finding], names: set[str]) -> list[Finding]:
    """``findings`` with a guess that runs a name the document names on its own into the
    words beside it cut back to that name: the end of a title, role or kinship word before
    it (次子诸葛强 where 诸葛强 is found), or 的 and what follows (诸葛建国的父母). One person,
    one pseudonym, and the words left to read. ``names``: the names found on their own."""
    result = []
    starts = name_starts(text, names)
    for finding in findings:
        start, end = finding.start, finding.end
        if finding.entity_type == PERSON and end - start >= 3:
            start += title_ending_in(text, start, end, starts)
            end = _name_end(text, start, end, names)
        result.append(
            finding
            if (start, end) == (finding.start, finding.end)
            else Finding(start, end, PERSON, finding.score)
        )
    return result


# What a judgment writes right after a name and a given name hardly ends in (被告人张伟于2016年,
# 王丽系某公司职工, 刘洋将被害人打伤).
_AFTER_NAME = "的于系将因被在"


def _name_end(text: str, start: int, end: int, names: set[str]) -> int:
    """Where the name of ``names`` that opens ``text[start:end]`` ends when 的, 于, 系 or
    the like (``_AFTER_NAME``) follows it (诸葛建国的父母, 张伟于2016年 where 张伟 is found),
    else ``end``. (Not before any function word or common word: a given name ends in 和,
    同 or 一 often enough, 何后和, 靳定一出庭.)"""
    for cut in range(end - 1, start + 1, -1):
        if text[cut] in _AFTER_NAME and text[start:cut] in names:
            return cut
    return end


# Words for relatives that are no title (诸葛建国的父母诸葛长庚: 父母 is no name).
_KIN_NOUNS = frozenset(
    "父母 子女 儿女 兄弟 姐妹 兄妹 姐弟 夫妻 双亲 夫妇 母子 父子 母女 父女".split()
)


def _role_or_title(text: str, finding: Finding) -> bool:
    word = text[finding.start : finding.end].strip()
    return finding.entity_type == PERSON and (
        word in ROLE_WORDS or word in TITLE_WORDS or word in _KIN_NOUNS
    )


def _court_document(text: str) -> bool:
    """``deid.engine.court_document``: ``is_judgment`` of the text or of its head read
    simplified (刑事判決)."""
    return is_judgment(text) or is_judgment(normalize(text[:TITLE_WITHIN]).text)


def _no_name(text: str, finding: Finding, no_names: NoNames, court: bool) -> bool:
    """True for a guess that is, in a ``court`` document, a role, title or kinship word
    (申请人 opening a line, which the name models read as a name with the line break before
    it; 胞弟, 次女: elsewhere a gold name may hold one, 婆婆王氏, 书记白庚胜), a place of
    three characters or more ending in 省, 区 or 县 (丰泽区), a lone character of a word
    or a place (``_in_word``), the name of a firm (德衡 of 德衡律师事务所), or holds a
    narrative's word that is no name
    (``no_names``: ``deid.recognizers.judgment_words.not_a_name``)."""
    word = text[finding.start : finding.end].strip()
    if len(word) == 1 and _in_word(text, finding.start):
        return True
    if (
        len(word) >= 3
        and word[-1] in _DISTRICT_ENDS
        and text[finding.end : finding.end + 1] not in (_TITLE_AFTER_PLACE)
        and not _common_noun(word[-2:])  # 唐知县: Magistrate 唐 (MSRA), 知县 a title
    ):
        return True  # 丰泽区, 彭泽县: a district, not 丰泽 + 区
    if word.isdecimal():
        return True  # 转账900000元: a model's lone guess inside a figure
    if len(word) == 2 and word[0] in "路街道" and _MASKED_PLACE.match(text, finding.end - 1):
        return True  # 市府路某夜宵店: a masked shop on the road, not a Mr 路 (被害人路某发生)
    if _inside_latin_word(text, finding.start, finding.end):
        return True  # ELECTRONICS, Comércio: letters of a firm's name in Latin
    if len(word) >= 3 and word[-1] in "病症":
        return True  # 阿尔茨海默病: a disease named after a person, not the person
    if court and _role_or_title(text, finding):
        return True
    if text.startswith(_DEADLINE_OPENINGS, finding.start):
        return True  # 于本判决生效之日起: 于 read as the surname
    near = text[finding.start : finding.end + 8]  # (most guesses have no firm or place near)
    if not _FIRM_OR_PLACE_CHARS.isdisjoint(near) and (
        text.startswith(_FIRM_SUFFIXES, finding.end)
        or _in_dotted_firm(text, finding)
        or _in_placed_firm(text, finding)
        or _in_masked_firm(text, finding)
        or _place_or_firm(text, finding)
    ):
        return True  # 山东德衡律师事务所, 葛兰素·威康公司: the firm's name, not a person's
    return no_names.holds(finding.start, finding.end)


# A character every firm's or place's word the checks above look for holds (所, 公司, 集团,
# 厂, 店, 某, the suffixes of divisions …): a guess with none of them near is no firm.
_FIRM_OR_PLACE_CHARS = frozenset("所司团厂店行院社心室某省市区县镇乡路街·局旗盟苏嘎")


def _place_opening(word: str) -> int:
    """The length of the place ``word`` begins with, or 0: a division of the table of three
    characters or more (郑州市, 石家庄) or a place of jieba's dictionary (潍坊, tagged ns) with
    its suffix (``_PLACE_SUFFIXES``: 潍坊市); the longest."""
    _, tags = jieba_tables()
    divisions = division_names()
    for end in range(len(word), 2, -1):
        if word[:end] in divisions or (
            word[end - 1] in _PLACE_SUFFIXES and tags.get(word[: end - 1]) == "ns"
        ):
            return end
    return 0


# A guess that opens with the last character of a common word (frequency _WORD_BEFORE or
# more, not a name) and goes on with a common word or a function character is no name:
# 妇女儿|童频道, 老师|傅学习, 伟|大领袖 (童, 傅 and 大 begin names elsewhere); when it goes on
# with what may be a name, a word jieba tags as one or one opening with a surname, it is
# that (理解|毛泽东, 总理|周恩来, which jieba tags a time word: the recall profile's whole
# candidates).  Unless a title or role ends before it (市长|江文明: 长江 is a word, 江文明 a
# name).  Names that open inside a word go on with no common word (对方|英梅, 过程|砚秋,
# 对于|辉: MSRA train's judge block).
_WORD_BEFORE = 1000
_REST_WORD = 50
_REST_FUNCTION = frozenset("在的是为了和与及")
# What follows a noun of three characters ending in a surname (律师费系原告…, 公证费及律师费共计)
_AFTER_FEE = frozenset("在的是为了和与及系有共由均已")
_TITLES_AND_ROLES = TITLE_WORDS | ROLE_WORDS


def _word_opening_rest(text: str, start: int, end: int) -> str | None:
    """What of the guess ``text[start:end]`` follows a common word's last character, when
    it opens with one and goes on with a word (see above); else ``None``."""
    if start == 0 or end - start < 2:
        return None
    freq, tags = jieba_tables()
    opening = text[start - 1 : start + 1]
    fee = text[max(0, start - 2) : start + 1]  # 公证费|及律师费: a noun of three
    if tags.get(fee) == "n" and text[start + 1 : start + 2] in _AFTER_FEE:
        return text[start + 1 : end]
    if freq.get(opening, 0) < _WORD_BEFORE or tags.get(opening) in _NAME_TAGS:
        return None
    if freq.get(text[max(0, start - 2) : start], 0) >= _WORD_BEFORE:
        return None  # 结合|金某某: 合 ends 结合, not 合金
    rest = text[start + 1 : end]
    if rest not in _REST_FUNCTION and (len(rest) < 2 or freq.get(rest, 0) < _REST_WORD):
        return None
    # (not a kinship word that runs into the opening word: 祖父|母照料, 父母 a word)
    titled = opening not in _KIN_NOUNS and any(
        text[max(0, start - length) : start] in _TITLES_AND_ROLES for length in (2, 3, 4)
    )
    return None if titled else rest


def _may_be_a_name(word: str) -> bool:
    """True for a rest that may be a name: one jieba tags a name (理解|毛泽东), or one opening
    with a surname that is no common noun (主张|权利: 权 is a surname, 权利 a right; 总理|周恩来,
    which jieba tags a time word)."""
    return word not in _REST_FUNCTION and (
        jieba_tables()[1].get(word) in _NAME_TAGS
        or (surname_length(word, 0) > 0 and not _common_noun(word))
    )


def _without_word_opening(text: str, finding: Finding | None) -> Finding | None:
    """``finding`` less a common word's last character it opens with when what follows may
    be a name (理解|毛泽东, 总理|周恩来), ``None`` when it does not (妇女儿|童频道), and
    ``None`` too when what is left opens inside a word that way itself."""
    if finding is None:
        return None
    rest = _word_opening_rest(text, finding.start, finding.end)
    if rest is None:
        return finding
    if not _may_be_a_name(rest):
        return None
    cut = Finding(finding.start + 1, finding.end, PERSON, finding.score)
    rest = _word_opening_rest(text, cut.start, cut.end)
    return None if rest is not None and not _may_be_a_name(rest) else cut


def _common_noun(word: str) -> bool:
    """True for a common noun of jieba's dictionary (知县, 社区), not a place's name."""
    freq, tags = jieba_tables()
    return freq.get(word, 0) >= _COMMON and tags.get(word) == "n"


def _in_word(text: str, position: int) -> bool:
    """True when the character at ``position``, no surname, is part of a common word that is
    no name with the one before or after it (年 of 成年子女), or is part of a place's name
    (石家庄, 吴中区): a lone-character guess there is no name."""
    freq, tags = jieba_tables()
    # a surname before a common word stays (黄家, 余家: the 黄 and 余 families, MSRA names)
    words = (
        ()
        if surname_length(text, position)
        else (
            text[max(0, position - 1) : position + 1],
            text[position : position + 2],
        )
    )
    for word in words:
        if len(word) == 2 and freq.get(word, 0) >= _COMMON and tags.get(word) not in _NAME_TAGS:
            return True
    divisions = division_names()
    if any(
        text[first : first + length] in divisions
        for length in (2, 3, 4)
        for first in range(max(0, position - length + 1), position + 1)
    ):
        return True  # 石家庄: any character of it
    # 吴|中区, 苏|州市: a place's suffix one or two characters on, no title after it (张县长)
    # nor a common word up to it (唐|知县)
    return any(
        text[suffix : suffix + 1] in _PLACE_SUFFIXES
        and text[suffix + 1 : suffix + 2] not in _TITLE_AFTER_PLACE
        and is_cjk(text[position + 1 : suffix + 1])
        and freq.get(text[position + 1 : suffix + 1], 0) < _COMMON
        for suffix in (position + 1, position + 2)
    )


_PLACE_SUFFIXES = frozenset("省市区县镇乡")
# The operative part's deadline (于本判决生效之日起十日内), which the name models read as a
# name at the judgment threshold.
_DEADLINE_OPENINGS = ("于本判决", "于本裁定", "于本决定", "于本调解书", "於本判決")
# Suffixes that end a place's name, not a given name of three characters or more (市 does:
# 原正市, a Japanese agronomist in MSRA).
_DISTRICT_ENDS = frozenset("省区县")
_FIRM_SUFFIXES = (
    "律师事务所",
    "律所",
    "有限公司",
    "有限责任公司",
    "股份有限公司",
    "集团",
    # … and a public security bureau's branch or station (向长安|分局送达, 韦曲|派出所)
    "分局",
    "派出所",
    "公安局",
)
# What follows a dotted foreign name that is a firm's (葛兰素·威康公司, 葛兰素·威廉中国公司):
# 公司 alone only here, for 张伟公司 may be Mr Zhang's firm in a judgment's narrative.
_FIRM_AFTER_DOTTED = ("公司", "股份公司", "中国公司", "中国有限公司", *_FIRM_SUFFIXES)
_DOTTED_RUN = frozenset(TRANSLITERATION_CHARS) | {"·"}


def _in_placed_firm(text: str, finding: Finding) -> bool:
    """True for a guess between a division and a firm's word one or two characters on
    (江苏|钟山明|镜律师事务所): the firm's trade name, written after its place."""
    divisions = division_names()
    return any(text.startswith(_FIRM_SUFFIXES, finding.end + gap) for gap in (1, 2)) and any(
        text[finding.start - length : finding.start] in divisions for length in (2, 3, 4)
    )


def _place_or_firm(text: str, finding: Finding) -> bool:
    """True for a guess that opens with a place and runs into a firm's name
    (四川君|和律师事务所, 郑州华|府置业有限公司), that holds a district's or a province's
    suffix after its first character (武|侯区玉|林北路; not 镇 nor 市: 黄镇东), that is a
    preposition before a province or a city (向湖南|省), that ends in 厂 or 店 (以下简称
    鑫亮厂), that holds a town's suffix after a place (长|安镇振|安中路), or that a firm's
    abbreviation is made of (以下简称嘉骏公司)."""
    word = text[finding.start : finding.end]
    if len(word) < 2:
        return False
    if word[-1] in "厂店局盟" or (len(word) == 3 and word[1] in _DISTRICT_ENDS):
        return True
    if len(word) >= 4 and is_cjk(word) and _INNER_DIVISION.search(word, 1, len(word) - 1):
        return True  # 州市吴中区郭巷: a city's and a district's name, no person's
    if text.startswith(_SUBDISTRICT, finding.end) or any(
        text.startswith(suffix, finding.end - cut)
        for suffix in ("律师事务所", "律所")
        for cut in (1, 2)
    ):
        return True  # 郭杜|街道, 姑苏明德律|师事务所
    if len(word) == 3 and word[1] in "镇乡":
        _, tags = jieba_tables()
        if tags.get(text[finding.start - 1 : finding.start + 1]) == "ns":
            return True  # 长|安镇振|安中路: the town 长安
    if text[max(0, finding.start - 3) : finding.start].endswith(("简称", "简称“", '简称"')) and (
        _FIRM_AFTER_PLACE.match(text, finding.end)
    ):
        return True  # （以下简称嘉骏公司）
    divisions = division_names()
    if any(word[:length] in divisions for length in range(2, len(word))) and (
        _FIRM_AFTER_PLACE.match(text, finding.end)
    ):
        return True
    rest = word[1:]
    return rest in divisions and text[finding.end : finding.end + 1] in _PLACE_SUFFIXES


# A division's suffix inside a guess (not a title: 市长, 区委)
_INNER_DIVISION = re.compile("[省市区县旗盟](?![长委])|苏木|嘎查")  # (Inner Mongolia's too)
_SUBDISTRICT = ("街道", "街办", "苏木", "嘎查", "盟")
# A firm's name after its place and trade name (四川君|和律师事务所: 和 + the suffix).
_FIRM_AFTER_PLACE = re.compile(
    f"[{HAN}]{{0,4}}?(?:有限公司|公司|集团|律师事务所|事务所|银行|医院|酒店|商行|厂|店)"
)


def _in_masked_firm(text: str, finding: Finding) -> bool:
    """True for a guess of two characters or more, no surname alone, before the 某 that masks
    a firm's name: its place (嘉兴|某物流有限公司, 嘉兴某|机械配件厂), not a person (张某)."""
    mou = finding.end - 1 if text[finding.end - 1] == "某" else finding.end
    before = text[finding.start : mou]
    if (
        text[mou : mou + 1] != "某"
        or len(before) < 2
        or "某" in before  # 被害人张某某经营的商店: a masked person
        or surname_length(before, 0) == len(before)
    ):
        return False
    return bool(ORGANIZATION_AFTER.match(text, mou + 1) or _MASKED_FIRM_END.match(text, mou + 1))


# The rest of a firm's registered name after a guess (樱川|精密机械（苏州）有限公司): a few
# characters, no function character, the place in brackets, the form of the firm.
_FIRM_AHEAD = re.compile(
    f"[^{NOT_IN_NAME}]{{1,6}}?[（(][{HAN}]{{2,6}}[）)](?:有限公司|有限责任公司|股份有限公司)"
)
# A masked shop or place on a road (市府路某夜宵店, 平原路某菜市场, 人民路某号)
_MASKED_PLACE = re.compile(
    f"某[{HAN}]{{0,3}}?(?:店|市场|超市|小区|广场|酒吧|网吧|宾馆|饭店|餐馆|号|楼|大厦|商场|公司)"
)
# The end of a firm's or a shop's masked name (某机械配件厂, 某超市, 某物流有限公司).
_MASKED_FIRM_END = re.compile(f"[^{NOT_IN_NAME}]{{0,6}}?(?:厂|店|超市|商行|中心|合作社|工作室)")


def _in_dotted_firm(text: str, finding: Finding) -> bool:
    """True for a guess in a run of transliteration characters joined by a dot that a
    firm's word follows (葛兰素·|威康公司, 兰素·威康 of 葛兰素·威康公司)."""
    if "·" not in text[max(0, finding.start - 8) : finding.end + 8]:
        return False
    start, end = finding.start, finding.end
    while start > 0 and text[start - 1] in _DOTTED_RUN:
        start -= 1
    while end < len(text) and text[end] in _DOTTED_RUN:
        end += 1
    return "·" in text[start:end] and text.startswith(_FIRM_AFTER_DOTTED, end)


_TITLE_AFTER_PLACE = frozenset("长委")
# A common word of jieba's dictionary (成年 465; not 马列 102, two names in MSRA's gold).
_COMMON = 300
