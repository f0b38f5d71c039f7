"""A person written with part of the full name the document gives: a given name alone
(海燕 after 宋海燕, 木呷 after 阿牛木呷), a Japanese family name alone (渡边 after 渡边健一),
a given name that is a common word where quoted testimony or a kinship word uses it
(“建军就回屋拿了根棍子” after 伍建军, 其弟春生到案后 after 亓春生); and a name written with
spaces after its surname (收款人：王 海洋 after 王海洋) or a line break inside (袁业⏎余 after
袁业余), or in Latin letters or Hangul in brackets after it (何嘉欣（HO KA YAN）); and in a
court's document how people call a person they know (老王, 小李, 平安哥).
``deid.consistency`` adds these occurrences to a document's findings and gives them the full
name's pseudonym."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence

from deid.dictionary import jieba_tables
from deid.findings import PERSON, Finding
from deid.normalize import NormalizedText, written_in_traditional
from deid.recognizers.base import is_han
from deid.recognizers.japanese_names import japanese_family_name
from deid.recognizers.judgment_rules import ORGANIZATION_AFTER
from deid.recognizers.masked import MASK_CHARS
from deid.recognizers.person_rules import KIN_WORDS
from deid.recognizers.yi_names import yi_given_name
from deid.segmenting import NAME_TAGS
from deid.surnames import SINGLE_SURNAMES, surname_length

# Characters of a mask (黄某, 王XX, 李**).
MASKS = frozenset("某" + MASK_CHARS)
# A given name written alone refers to the person the document names in full (宋海燕 …
# "高山和海燕两口子") unless it is a word: rarer than this in jieba's dictionary, or tagged
# a name there and rarer than _NAMED_WORD (海燕 87, 向阳 671; not 建军 170 n, 胜利 8904).
_RARE_WORD = 30
_NAMED_WORD = 1000
# Characters a given name written alone may follow (高山和海燕, 告诉海燕).
_GIVEN_NAME_AFTER = frozenset("和与及跟同对给被把将让由从在于为是向往叫说问找诉")
Pieces = Sequence[tuple[int, NormalizedText]]


def given_names(keys: Iterable[str], words_too: bool = False) -> dict[str, str]:
    """The two-character given names of the full names among ``keys`` (a one- or
    two-character surname, no mask; or a Yi clan name) that no other of them shares, each
    with its full name: those that are no common word, or all of them ``words_too``."""
    owners: dict[str, list[str]] = {}
    for key in keys:
        if yi_given := yi_given_name(key):
            owners.setdefault(yi_given, []).append(key)  # 木呷 of 阿牛木呷
        elif (
            len(key) - surname_length(key, 0) == 2  # (上官胜利 too)
            and is_han(key)
            and not MASKS & set(key)
            and key[-2] != "老"  # 和老先|生: no given name
        ):
            owners.setdefault(key[-2:], []).append(key)
    unshared = {given: full[0] for given, full in owners.items() if len(full) == 1}
    if words_too:
        # (without jieba's tables: a process that only redacts, a release's consumer,
        # never loads their 90 MB)
        return unshared
    freq, tags = jieba_tables()
    return {
        given: full
        for given, full in unshared.items()
        if freq.get(given, 0) < _RARE_WORD
        or (tags.get(given) in NAME_TAGS and freq[given] < _NAMED_WORD)
    }


def given_name_references(pieces: Pieces, seeds: Iterable[str], score: float) -> list[Finding]:
    """Every occurrence of the ``given_names`` of ``seeds`` but those inside their full
    name (海燕 of 宋海燕) or run into another word; and the common words among them where
    testimony quotes them or a kinship word comes before (``_named_by_a_witness``)."""
    # (a given name is written alone only where it occurs more often than its full name)
    alone = [
        key
        for key in seeds
        if len(key) in (3, 4)
        and any(norm.text.count(key[-2:]) > norm.text.count(key) for _, norm in pieces)
    ]
    rare = given_names(alone)
    found = []
    for given, full in given_names(alone, words_too=True).items():
        for offset, norm in pieces:
            where = functools.partial(_used_alone, norm.text, full, given in rare)
            found += occurrences(norm, offset, given, score, where=where)
    return found


def _used_alone(text: str, full: str, rare: bool, start: int) -> bool:
    """True when the given name of ``full`` at ``start`` of the normalised ``text`` is the
    person: a ``rare`` one that no other character runs into (高山和海燕两口子; not 宋海燕),
    or any one a witness or a kinship word uses (``_named_by_a_witness``)."""
    before = text[start - 1 : start]
    alone = not (before and is_han(before) and before not in _GIVEN_NAME_AFTER)
    return (rare and alone) or _named_by_a_witness(text, start, full)


# Around a given name a witness uses as a subject or an object (“建军就回屋拿了根棍子”,
# “往国华头上打，国华用手挡”, “胜利在后面把我推倒”): a mark, a conjunction or a preposition
# before it, and a mark, an adverb or a verb after it.
_QUOTED_BEFORE = frozenset(
    "“\"'‘「，,、。；;：:！？!?和跟与同叫让把被给对向往找到见是说坐后带喊帮打骂问催"
)
_QUOTED_AFTER = frozenset(
    "，,、。；;：:！？!?”\"'’」在就拿用把说打叫和也还又都跟对被让给往去来走是先才头手的欠前骂喊带"
    "叔哥姐伯婶姨嫂他她"  # (建设叔说: what a younger neighbour calls him; 大山他们几个)
)
_QUOTES = (("“", "”"), ("「", "」"))
# (a will's or a family's words for the children: 老屋一楼归孙子红旗，二楼归长子建业)
_DESCENDANTS = frozenset(
    "长子 次子 三子 幼子 长女 次女 三女 幼女 孙子 孙女 外孙 外孙女 儿媳 女婿".split()
)


def _named_by_a_witness(text: str, start: int, full: str) -> bool:
    """True when the given name at ``start`` of the normalised ``text`` (not the end of
    ``full``) follows a kinship word (其弟春生到案后), or is quoted (``_quoted``) between
    ``_QUOTED_BEFORE`` and ``_QUOTED_AFTER``."""
    if text.startswith(full, start - 1):
        return False
    if any(text.endswith(word, 0, start) for word in KIN_WORDS | _DESCENDANTS):
        return True
    before = text[start - 1 : start] if start else "“"
    return (
        before in _QUOTED_BEFORE
        and text[start + 2 : start + 3] in _QUOTED_AFTER
        and _quoted(text, start)
    )


def _quoted(text: str, position: int) -> bool:
    """True when ``position`` lies inside a quotation of its line (“…”, 「…」, or an odd
    number of ASCII double quotes before it)."""
    line = text.rfind("\n", 0, position) + 1
    for opening, closing in _QUOTES:
        if text.rfind(opening, line, position) > text.rfind(closing, line, position):
            return True
    return text.count('"', line, position) % 2 == 1


def family_name_references(pieces: Pieces, seeds: Iterable[str], score: float) -> list[Finding]:
    """Every occurrence of the family name of a Japanese name found (渡边 of 渡边健一: 据渡边
    先生反映, 向渡边请假)."""
    families = {family for key in seeds if (family := japanese_family_name(key))}
    return [
        finding
        for family in families
        for offset, norm in pieces
        for finding in occurrences(norm, offset, family, score)
    ]


# How people call a person they know (老王, 小李, 王哥 after 王建国; 平安哥 after 杨平安, 刚哥
# after 罗刚): not a common word (老师, 小时, 小区, 小龙虾) nor after one (古老王国, 最小王子).
_FAMILIAR_WORD = 400
_BEFORE_WORD = 100
_ELDER = "哥姐"


def familiar_references(pieces: Pieces, seeds: Iterable[str], score: float) -> list[Finding]:
    """Every occurrence of 老 or 小 before the surname of a full name found, of 阿 before its
    last character (no word), of the surname or the given name before 哥 or 姐, that no common
    word holds (the caller reads court documents
    only: news says 老王 of someone it never names)."""
    freq, tags = jieba_tables()
    forms: set[str] = set()
    for key in seeds:
        if len(key) not in (2, 3) or surname_length(key, 0) != 1 or MASKS & set(key):
            continue
        forms.update(("老" + key[0], "小" + key[0]))
        if len(key) == 3 and not freq.get("阿" + key[2]):
            forms.add("阿" + key[2])  # 阿成 after 区志成, not 阿訇 (an imam)
        forms.update(key[0] + elder for elder in _ELDER)  # 贝哥 after 贝国强
        forms.update(key[1:] + elder for elder in _ELDER)
    forms = {
        form
        for form in forms
        if freq.get(form, 0) < _FAMILIAR_WORD and tags.get(form) not in _NOT_FAMILIAR_TAGS
    }
    return [
        finding
        for form in forms
        for offset, norm in pieces
        for finding in occurrences(
            norm, offset, form, score, where=functools.partial(_familiar_at, norm.text, form)
        )
    ]


# A masked party's bare surname in the narrative (蓝拒不服从，符遂用手铐铐住蓝 after 蓝某 and
# 符某): after a mark, a function character or a verb (要求蓝配合, 驱赶罗之念), where no word
# holds it (宣判, 山林, 龙潭) and no numeral counts with it (两张).
_BARE_BEFORE = frozenset("，,。；;：:、“（(对将把向给被让叫和与同跟由从但及致如若因使令替帮找问")
_BARE_WORD = 10
_NUMERALS = frozenset("0123456789一二三四五六七八九十两几多每")
# (surnames that are function words or prefixes alone, 原系, 维持原审, 于当日, 为何, or
# things, 把钱转到, 将车开走)
_NOT_BARE = frozenset(
    "和向都时及与为是原任那现前代党国付位于何常全万单才但钱金房车马牛羊毛水田石路门"
)


def masked_surname_references(
    pieces: Pieces, surnames: Iterable[str], score: float
) -> list[Finding]:
    """Every occurrence of a masked party's single surname written alone for the party
    (the caller reads court documents only)."""
    found = []
    for surname in (s for s in surnames if len(s) == 1 and s not in _NOT_BARE):
        for offset, norm in pieces:
            text = norm.text
            position = text.find(surname)
            while position >= 0:
                if _bare_at(text, position):
                    start, end = norm.to_original(position, position + 1)
                    found.append(Finding(start + offset, end + offset, PERSON, score))
                position = text.find(surname, position + 1)
    return found


def _bare_at(text: str, start: int) -> bool:
    """True when the surname at ``start`` of ``text`` stands alone for a person."""
    end = start + 1
    after = text[end : end + 1]
    if after and (after in MASKS or after.isascii() and after.isalnum()):
        return False  # the masked name itself (蓝某, 蓝XX, 蓝1)
    before = text[start - 1 : start]
    if before in _NUMERALS and before:
        return False
    freq, tags = jieba_tables()
    words = [text[max(0, start - k) : end] for k in (1, 2) if start >= k]
    words += [text[start : end + k] for k in (1, 2) if end + k <= len(text)]
    if any(freq.get(word, 0) >= _BARE_WORD for word in words):
        return False
    return (
        not before
        or before in _BARE_BEFORE
        or before.isspace()
        or after == "的"  # 捅刺邢的头部
        # after a verb, before what the person does (逼迫保说出; not 安置房。)
        or (is_han(after) and tags.get(text[max(0, start - 2) : start], "").startswith("v"))
    )


def _familiar_at(text: str, form: str, start: int) -> bool:
    """True when ``form`` at ``start`` of ``text`` calls a person: no common word ends
    with its first character (古老王国), and it opens no shop's name (老乔家面馆)."""
    end = start + len(form)
    if text[end : end + 1] == "家" and text.startswith(_SHOPS, end + 1):
        return False
    freq, _ = jieba_tables()
    return start == 0 or freq.get(text[start - 1 : start + 1], 0) < _BEFORE_WORD


_NOT_FAMILIAR_TAGS = frozenset({"v", "a", "d", "p", "c", "ns"})
_SHOPS = (
    "面馆",
    "饭店",
    "餐馆",
    "菜馆",
    "酒楼",
    "超市",
    "小吃",
    "烧烤",
    "火锅",
    "药店",
    "商店",
    "诊所",
)


def spaced_references(pieces: Pieces, seeds: Iterable[str], score: float) -> list[Finding]:
    """Every occurrence of a name found, written with one or two spaces after its surname, as
    a signature or a scraped text spaces it (收款人：王 海洋, 证人万  小兵 after 王海洋, 万小兵)."""
    found: list[Finding] = []
    for offset, norm in pieces:
        if " " not in norm.text:
            continue
        for key in seeds:
            surname = surname_length(key, 0)
            if not surname or not 2 <= len(key) <= 4 or MASKS & set(key):
                continue
            for gap in (" ", "  "):
                found += occurrences(norm, offset, key[:surname] + gap + key[surname:], score)
    return found


# A line break inside a name, where a text was wrapped at a fixed width (被告人王鸿章、袁业\n余、
# 付建; 程\n某某), or a page's number between two lines of a PDF (蔡\n3\n德超): spaces either
# side of it allowed.
_WRAP = r"[ \t\u3000\r]*\n(?:[ \t\u3000]*\d{1,3}[ \t\u3000\r]*\n)?[ \t\u3000]*"


def wrapped_references(pieces: Pieces, seeds: Iterable[str], score: float) -> list[Finding]:
    """Every occurrence of a name found (masked or not) with a line break inside it."""
    keys = [key for key in seeds if 2 <= len(key) <= 6 and "\n" not in key]
    if not keys or not any("\n" in norm.text for _, norm in pieces):
        return []  # (most texts: no pattern is compiled for them)
    pattern = re.compile(
        "|".join(
            re.escape(key[:cut]) + _WRAP + re.escape(key[cut:])
            for key in keys
            for cut in range(1, len(key))
        )
    )
    found = []
    for offset, norm in pieces:
        if "\n" not in norm.text:
            continue
        for match in pattern.finditer(norm.text):
            start, end = norm.to_original(*match.span())
            found.append(Finding(start + offset, end + offset, PERSON, score))
    return found


# A person's name in another script in brackets right after the Chinese one, each item up to
# a comma or the bracket's end: 何嘉欣（HO KA YAN）, 费尔南德斯·若泽（José Fernandes）, 金敏智
# （김민지，KIM MINJI）; not an item of another kind (丘库·恩南迪（CHUKWU NNAMDI，另案处理）).
_BRACKET = re.compile(r"[（(]")
# Latin letters with Vietnamese marks (Nguyễn Thị Thu) and Cyrillic (Андрей Петров, Нұрлан)
_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff\u0400-\u04ff"
_OTHER_SCRIPT = re.compile(
    f"[{_LETTER}][{_LETTER}'’.\\-]*(?: [{_LETTER}][{_LETTER}'’.\\-]*){{0,4}}|[\uac00-\ud7a3]{{2,5}}"
)
_ITEM_END = frozenset("，,）)；;")
_CAPITALS_AFTER = re.compile(r"[，,] ?([A-Z][A-Z'\-]+(?: [A-Z][A-Z'\-]+){1,3})(?=[，,；;）)])")


def other_scripts(text: str, findings: list[Finding]) -> list[Finding]:
    """The Latin, Cyrillic or Hangul forms in brackets right after a person found
    (``_OTHER_SCRIPT``), and a romanised name in capitals between commas right after one (a
    crew list: 船长（Master）郑海涛，ZHENG HAITAO，中国籍)."""
    found = []
    for finding in findings:
        if finding.entity_type != PERSON:
            continue
        if capitals := _CAPITALS_AFTER.match(text, finding.end):
            found.append(Finding(*capitals.span(1), PERSON, finding.score))
        if not _BRACKET.match(text, finding.end):
            continue
        position = finding.end + 1
        while item := _OTHER_SCRIPT.match(text, position):
            if text[item.end() : item.end() + 1] not in _ITEM_END:
                break
            found.append(Finding(item.start(), item.end(), PERSON, finding.score))
            if text[item.end()] in "）)":
                break
            position = item.end() + 1
    return found


def occurrences(
    norm: NormalizedText,
    offset: int,
    key: str,
    score: float,
    where: Callable[[int], bool] | None = None,
) -> list[Finding]:
    """Every occurrence of ``key`` in the piece but those inside an organisation's or a
    place's name (海洋 in 青岛海洋食品有限公司), and with ``where`` those at whose start in
    the normalised text it holds."""
    found = []
    position = norm.text.find(key)
    while position != -1:
        end = position + len(key)
        if not ORGANIZATION_AFTER.match(norm.text, end) and (where is None or where(position)):
            start, stop = norm.to_original(position, end)
            found.append(Finding(start + offset, stop + offset, PERSON, score))
        position = norm.text.find(key, position + 1)
    return found


# A married woman's name in Hong Kong and Taiwan puts her husband's surname before her own
# (楊許牡丹: 楊 and 許牡丹).  The models read three of its four characters (楊許牡, 楊牡丹):
# where every occurrence of such a guess has the same character beside it, the name is the
# four, in a document written in traditional characters.  Not a function character or a
# numeral beside it (向王小明, 李王强说, 主張伊於八十), not a firm's name (高田公|司) nor the
# first character of a word after it (金明志|小吃部).
_MARRIED_NOT_BESIDE = frozenset(
    "和向都时及与为是对跟同给被把将让由从在于说称等的了伊一二三四五六七八九十"
)


def married_names(pieces: Pieces, seeds: dict[str, float]) -> dict[str, float]:
    """``seeds`` with each three-character name that is part of a married woman's name
    (``_MARRIED_NOT_BESIDE``) replaced by the four characters: two surnames and a given
    character that the same character follows at each of its two or more occurrences
    (楊許牡 → 楊許牡丹), or a surname and its given name that the same surname precedes
    (楊牡丹 → 許楊牡丹)."""
    result = dict(seeds)
    for key, score in seeds.items():
        if len(key) != 3 or key[0] not in SINGLE_SURNAMES:
            continue
        places = [(norm.text, start) for _, norm in pieces for start in _starts(norm.text, key)]
        befores = {text[start - 1 : start] for text, start in places}
        afters = {text[start + 3 : start + 4] for text, start in places}
        if len(afters) == 1 and key[1] in SINGLE_SURNAMES:
            married = key + afters.pop()
            if any(_word_or_firm_at(text, start + 2) for text, start in places):
                continue
        elif len(befores) == 1 and befores <= SINGLE_SURNAMES:
            married = befores.pop() + key
        else:
            continue
        if (
            len(married) == 4
            and is_han(married)
            and not {married[0], married[1], married[3]} & _MARRIED_NOT_BESIDE
            and sum(len(_starts(norm.text, married)) for _, norm in pieces) >= 2
            and _traditional(pieces)
        ):
            del result[key]
            result[married] = score
    return result


def _traditional(pieces: Pieces) -> bool:
    """Whether the document is written in traditional characters."""
    return written_in_traditional("".join(norm.original for _, norm in pieces))


def _starts(text: str, key: str) -> list[int]:
    """Where ``key`` starts in ``text``, occurrences not overlapping (``str.find``: a
    regular expression per key costs a compilation each)."""
    starts = []
    position = text.find(key)
    while position >= 0:
        starts.append(position)
        position = text.find(key, position + len(key))
    return starts


def _word_or_firm_at(text: str, position: int) -> bool:
    """Whether a firm's name ends at ``position`` (公司) or a word of jieba's dictionary
    starts right after the character there (小吃 of 金明志小吃部)."""
    after = position + 1
    return bool(ORGANIZATION_AFTER.match(text, position)) or (
        jieba_tables()[0].get(text[after : after + 2], 0) > 0
    )
