"""Guesses of the document pass that are a firm's or a place's name, not a person's
(``deid.guesses`` drops them): the trade name of a firm before its suffix (德衡 of 山东德衡
律师事务所, 樱川 of 樱川精密机械（苏州）有限公司 and then of 樱川公司), a firm's place (嘉兴 of
嘉兴某物流有限公司), a dotted foreign firm (葛兰素·威康公司), fragments of divisions
(武侯区玉林北路, 州市吴中区郭巷, 锡林郭勒盟), a village (荀山村村民委员会), a public security
bureau's branch (长安分局), and a masked shop on a road (市府路某夜宵店)."""

from __future__ import annotations

import re

from deid.dictionary import jieba_tables
from deid.divisions import division_names
from deid.findings import PERSON, Finding
from deid.recognizers.base import HAN
from deid.recognizers.judgment_rules import NOT_IN_NAME, ORGANIZATION_AFTER
from deid.recognizers.person_rules import is_cjk
from deid.recognizers.yi_names import yi_given_name
from deid.surnames import surname_length
from deid.transliteration import TRANSLITERATION_CHARS

# Suffixes of divisions (潍坊市, 丰泽区, 长安镇).
PLACE_SUFFIXES = frozenset("省市区县镇乡")
# Suffixes that end a place's name, not a given name of three characters or more (市 does:
# 原正市, a Japanese agronomist in MSRA).
DISTRICT_ENDS = frozenset("省区县")


def firm_or_place(text: str, finding: Finding) -> bool:
    """True for a guess that is a firm's or a place's name, or part of one (above)."""
    if _numbered_school(text, finding):
        return True
    near = text[finding.start : finding.end + 8]  # (most guesses have no firm or place near)
    return not _FIRM_OR_PLACE_CHARS.isdisjoint(near) and (
        text.startswith(_FIRM_SUFFIXES, finding.end)
        or _in_dotted_firm(text, finding)
        or _in_placed_firm(text, finding)
        or _in_masked_firm(text, finding)
        or _place_or_firm(text, finding)
        or _firm_suffix_inside(text, finding.start, finding.end) is not None
    )


def _numbered_school(text: str, finding: Finding) -> bool:
    """True for a place and a numeral before 中 or 小 (黄岛一|中: the place's first middle
    school; not 李一|中午)."""
    word = text[finding.start : finding.end]
    school = text[finding.end : finding.end + 2]
    if len(word) < 3 or word[-1] not in _NUMERALS or school[:1] not in ("中", "小"):
        return False
    _, tags = jieba_tables()
    return school not in _NO_SCHOOLS and (
        word[:-1] in division_names() or tags.get(word[:-1]) == "ns"
    )


def _firm_suffix_inside(text: str, start: int, end: int) -> int | None:
    """Where a firm's registered suffix begins inside a guess of three characters or more,
    two or more after its start (希格玛会计师事|务所: the trade name 希格玛), or ``None``."""
    for at in range(start + 2, end):
        if text.startswith(_REGISTERED, at):
            return at
    return None


def masked_shop(text: str, finding: Finding) -> bool:
    """True for 路某, 街某 or 道某 before a shop's or a place's word (市府路某夜宵店: the 某 masks
    the shop, not a Mr 路; 被害人路某发生争执 is one)."""
    if finding.end - finding.start != 2 or text[finding.start] not in "路街道":
        return False
    return _MASKED_PLACE.match(text, finding.end - 1) is not None


def short_names_of_bodies(text: str) -> list[str]:
    """The short names the document defines for firms and bodies (``_DEFINED_SHORT_NAME``):
    what a guess inside one of them is part of (寿光广|潍, 恒浩|昌) is no person's."""
    if "称" not in text:
        return []
    return [match.group(1) for match in _DEFINED_SHORT_NAME.finditer(text)]


def inside_any(text: str, finding: Finding, words: list[str]) -> bool:
    """True for a guess inside an occurrence of one of ``words``."""
    for word in words:
        earliest = max(0, finding.end - len(word))
        at = text.find(word, earliest, finding.start + len(word))
        while 0 <= at <= finding.start:
            if at + len(word) >= finding.end:
                return True
            at = text.find(word, at + 1, finding.start + len(word))
    return False


def villages_and_firms(text: str, findings: list[Finding]) -> set[str]:
    """The guesses that some occurrence shows to be a village or a firm, each dropped
    wherever it occurs: three characters or more ending in 村 before the village's
    committee or one of its groups, or after a town or a subdistrict (良渚街道荀山村,
    荀山村村民委员会; then 迁出荀山村 too, though a person may be named 关牧村), the place of
    three characters or more before a public body (阿荣旗人民检察院) or running into one
    (岳麓区人民|法院), and the
    trade name of a firm's registered name (樱川|精密机械（苏州）有限公司, then 樱川公司;
    立衡|会计师事务所, then 立衡所)."""
    words = set()
    for finding in findings:
        start, end = finding.start, finding.end
        if finding.entity_type != PERSON:
            continue
        if end - start >= 3 and text[end - 1] == "村":
            if text.startswith(_VILLAGE_AFTER, end) or text.endswith(_VILLAGE_BEFORE, 0, start):
                words.add(text[start:end])
        elif (
            text.startswith(_REGISTERED, end)
            or (not _BRACKETS.isdisjoint(text[end : end + 8]) and _FIRM_AHEAD.match(text, end))
            or (end - start >= 3 and text.startswith(_PUBLIC_BODIES, end))
            or (text.endswith("人民", start, end) and text.startswith(_BODIES_OF_PEOPLE, end))
        ):
            words.add(text[start:end])
        elif (suffix := _firm_suffix_inside(text, start, end)) is not None:
            words.add(text[start:suffix])  # 希格玛会计师事|务所, then 希格玛新疆分所
    return words


# A public body's name after its place (阿荣旗|人民检察院, 阿荣旗|森林公安局: the banner, then
# 住阿荣旗复兴镇 too).
_PUBLIC_BODIES = (
    "人民法院",
    "人民检察院",
    "人民政府",
    "公安局",
    "森林公安局",
    "林业局",
    "司法局",
    "人民医院",
)


# … and a guess that runs into one (岳麓区人民|法院: not Mr 区人民)
_BODIES_OF_PEOPLE = ("法院", "检察院", "政府", "医院", "代表大会", "银行")

_VILLAGE_AFTER = ("村民委员会", "村委会", "村委", "村民小组", "委会", "委员会")
_VILLAGE_BEFORE = ("镇", "乡", "街道", "街办")

# A character every firm's or place's word the checks below look for holds (所, 公司, 集团,
# 厂, 店, 某, the suffixes of divisions …): a guess with none of them near is no firm.
_FIRM_OR_PLACE_CHARS = frozenset("所司团厂店行院社心室某省市区县镇乡路街·局旗盟苏嘎家组克")
_FIRM_SUFFIXES = (
    "会计师事务所",
    "会计事务所",
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
    # … and a township's health centre (唐集|卫生院)
    "卫生院",
    "卫生所",
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
    if word[-1] in "厂店局盟" or (len(word) == 3 and word[1] in DISTRICT_ENDS):
        return True
    if _place_fragment(text, finding, word):
        return True
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
    return rest in divisions and text[finding.end : finding.end + 1] in PLACE_SUFFIXES


_NUMERALS = frozenset("一二三四五六七八九十")
# Words after a numeral that are no numbered school (一中午, 三小时: 一中 and 二小 are)
_NO_SCHOOLS = frozenset("中午 中旬 中间 中心 中期 中途 中年 小时 小组 小区 小额 小型 小学".split())


def _place_fragment(text: str, finding: Finding, word: str) -> bool:
    """True for a guess inside a division's or a village's name, or a law firm's."""
    if (
        len(word) >= 4
        and is_cjk(word)
        and _INNER_DIVISION.search(word, 1, len(word) - 1)
        and not yi_given_name(word)  # 阿苏木呷: the clan 阿苏, no sumu
    ):
        return True  # 州市吴中区郭巷: a city's and a district's name, no person's
    if text.startswith(_SUBDISTRICT, finding.end) or any(
        text.startswith(suffix, finding.end - cut)
        for suffix in ("律师事务所", "律所", "卫生院", "卫生所", "医院")
        for cut in (1, 2)
    ):
        return True  # 郭杜|街道, 姑苏明德律|师事务所, 唐集卫|生院, 康宁医|院
    family = word.find("家", 1, 3)
    after = word[family + 1 : family + 2] or text[finding.end : finding.end + 1]
    if family > 0 and after in _SETTLEMENT_ENDS:
        return True  # 王家|堡村, 刘家庄, 李家沟: a village named after a family, not the family
    if word.endswith("斯克") or text.startswith("斯克", finding.end):
        return True  # 布拉戈维申|斯克市, 哈巴罗夫斯克: a Russian city
    # 孙庄村孙东|组, 孙庄村孙东组: a village's group
    group = word.endswith("组") or text.startswith("组", finding.end)
    return group and text[finding.start - 1 : finding.start] == "村"


_BRACKETS = frozenset("（(")
# The short name a body's registered name defines for the rest of the document (寿光广潍汽车
# 销售服务有限公司（以下简称寿光广潍）, 鼎鑫元投资股份有限公司（下称“鼎鑫元”）).
_DEFINED_SHORT_NAME = re.compile(
    "(?:公司|集团|银行|分行|支行|合作社|工厂|厂|商行|商店|中心|委员会|事务所|酒店|医院|学校)"
    f'[（(](?:以下|下文)?(?:简称|称|下称)[:：]?[“"]?([{HAN}]{{2,12}})[”"]?[）)]'
)
# A firm's registered form right after its trade name (立衡|会计师事务所, then 立衡所)
_REGISTERED = (
    "会计师事务所",
    "会计事务所",
    "律师事务所",
    "有限公司",
    "有限责任公司",
    "股份有限公司",
)
# Ends of a village's name after a family's (王家堡, 刘家庄, 李家沟, 张家湾)
_SETTLEMENT_ENDS = frozenset("庄沟堡村屯湾坪寨坝岭峪洼营")
# A division's suffix inside a guess (not a title: 市长, 区委)
_INNER_DIVISION = re.compile("[省市区县旗盟](?![长委])|苏木|嘎查")  # (Inner Mongolia's too)
_SUBDISTRICT = ("街道", "街办", "苏木", "嘎查", "盟") + tuple(
    f"{town}{body}" for town in "乡镇" for body in ("卫生院", "人民政府", "政府", "派出所")
)
# A firm's name after its place and trade name (四川君|和律师事务所: 和 + the suffix).
_FIRM_AFTER_PLACE = re.compile(
    f"[{HAN}]{{0,4}}?(?:有限责任公司|股份有限公司|有限公司|公司|集团|律师事务所|事务所|银行|医院"
    "|酒店|商行|厂|店)"
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
