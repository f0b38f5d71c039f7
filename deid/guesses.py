"""The document pass's corrections of single ``PERSON`` guesses (``deid.consistency``),
made before a name is looked for elsewhere: a guess that is no name is dropped (由东向西行驶,
於民國112年, a role word of a court's document, a lone character of a common word), one that
runs a name the document gives on its own into the words beside it is cut back (次子诸葛强:
``deid.guess_edges``); the names of a list are ``deid.listed``'s, and the firms' and places'
names a guess may be ``deid.firms_and_places``'."""

from __future__ import annotations

import re

from deid.dictionary import jieba_tables
from deid.divisions import division_names
from deid.findings import PERSON, Finding
from deid.firms_and_places import (
    DISTRICT_ENDS,
    PLACE_SUFFIXES,
    firm_or_place,
    inside_any,
    masked_shop,
    short_names_of_bodies,
    villages_and_firms,
)
from deid.normalize import normalize, written_in_traditional
from deid.recognizers.judgment_rules import (
    BENCH_TITLES,
    TITLE_WITHIN,
    is_judgment,
)
from deid.recognizers.judgment_words import NoNames
from deid.recognizers.masked import MASK_CHARS
from deid.recognizers.person import ROLE_WORDS
from deid.recognizers.person_rules import TITLE_WORDS, is_cjk
from deid.segmenting import NAME_TAGS
from deid.surnames import surname_length


def without_no_names(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` less the ``PERSON`` guesses that are no name (``_no_name``)."""
    if not any(f.entity_type == PERSON for f in findings):
        return findings
    no_names = NoNames(text)
    # (read only when a guess is such a word: most texts have none)
    court = any(_role_or_title(text, f) for f in findings) and court_document(text)
    places = villages_and_firms(text, findings)
    bodies = short_names_of_bodies(text)
    traditional = ("於" in text or "伊" in text) and written_in_traditional(text)
    result = []
    for finding in findings:
        if finding.entity_type == PERSON:
            cut = _without_word_opening(text, _without_place_opening(text, finding))
            cut = _without_preposition_or_pronoun(text, cut, traditional)
            if cut is not None and (end := no_names.name_before(cut.start, cut.end)):
                cut = Finding(cut.start, end, PERSON, cut.score)  # 逄祎|陈述：
            if cut is None or _no_name(text, cut, no_names, court):
                continue
            if places and text[cut.start : cut.end] in places:
                continue
            if bodies and inside_any(text, cut, bodies):
                continue  # 寿光广|潍 of （以下简称寿光广潍）
            finding = cut
        result.append(finding)
    return result


def _in_capital_amount(text: str, start: int, end: int) -> bool:
    """True for a guess of an amount's capital numerals inside a run of three or more of
    them (叁拾陆万元整, 新臺幣貳拾陸萬柒仟元: 陆, 伍 and 万 are surnames too)."""
    if not _CAPITAL_NUMERALS.issuperset(text[start:end]):
        return False
    while start > 0 and text[start - 1] in _CAPITAL_NUMERALS:
        start -= 1
    while end < len(text) and text[end] in _CAPITAL_NUMERALS:
        end += 1
    return end - start >= 3


_CAPITAL_NUMERALS = frozenset("零壹贰貳叁參肆伍陆陸柒捌玖拾佰仟万萬亿億元圆圓角分整")


def _inside_latin_word(text: str, start: int, end: int) -> bool:
    """True for a guess of Latin letters that a letter runs into on either side."""
    if not text[start].isascii() and not "\u00c0" <= text[start] <= "\u00ff":
        return False  # (most guesses: Chinese)
    if not _LATIN.fullmatch(text, start, end):
        return False
    return bool(_LATIN.search(text[start - 1 : start] + text[end : end + 1]))


_LATIN = re.compile("[A-Za-zÀ-ÖØ-öø-ÿ]+")


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


# Words for relatives that are no title (诸葛建国的父母诸葛长庚: 父母 is no name).
_KIN_NOUNS = frozenset(
    "父母 子女 儿女 兄弟 姐妹 兄妹 姐弟 夫妻 双亲 夫妇 母子 父子 母女 父女".split()
)


def _role_or_title(text: str, finding: Finding) -> bool:
    word = text[finding.start : finding.end].strip()
    return finding.entity_type == PERSON and (
        word in ROLE_WORDS or word in TITLE_WORDS or word in _KIN_NOUNS
    )


def court_document(text: str) -> bool:
    """``is_judgment`` of ``text``, its head read simplified as well when it has a
    traditional character of a title (刑事判決書, 民事裁定書, 調解書)."""
    if is_judgment(text):
        return True
    head = text[:TITLE_WITHIN]
    return any(char in head for char in "書決調") and is_judgment(normalize(head).text)


# What follows 伊 where Taiwan's courts write it for "he" or "she" (伊稱, 伊當天有去, 伊不知道):
# verbs of saying, adverbs, prepositions and conjunctions, in traditional characters.
_AFTER_PRONOUN = frozenset(
    "稱称說说當当不與与有於于即並并亦係系因在將将則则之所等未已曾乃遂對对向被把為为是就都也還还又再均另"
)


def _without_preposition_or_pronoun(
    text: str, finding: Finding | None, traditional: bool
) -> Finding | None:
    """In a ``traditional`` document, ``finding`` cut before the preposition 於 it runs into
    (林志明於案發後 → 林志明), or none when that leaves less than two characters (嗣於,
    人於本院, 於偵查中): 於 simplifies to the surname 于, which traditional characters write
    于 too (於梨華's rare surname is lost; simplified characters keep 於 for that surname:
    於海涛); and none for Taiwan's pronoun 伊 (伊稱其, 伊 alone)."""
    if finding is None or not traditional:
        return finding
    word = text[finding.start : finding.end]
    at = word.find("於")
    if at >= 0:
        return (
            Finding(finding.start, finding.start + at, PERSON, finding.score) if at >= 2 else None
        )
    if word[0] == "伊" and (len(word) == 1 or word[1] in _AFTER_PRONOUN):
        return None
    return finding


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
        and word[-1] in _ENDS_OF_PLACES
        and text[finding.end : finding.end + 1] not in (_TITLE_AFTER_PLACE)
        and not _common_noun(word[-2:])  # 唐知县: Magistrate 唐 (MSRA), 知县 a title
        and not _on_the_bench(text, finding.start)  # 审判员张成镇: a judge, not a town
    ):
        return True  # 丰泽区, 彭泽县, 姜寨镇: a district or a town, not 丰泽 + 区
    if word.isdecimal() or _in_capital_amount(text, finding.start, finding.end):
        return True  # 转账900000元, 叁拾陆万元整: a guess inside a figure
    if masked_shop(text, finding):
        return True  # 市府路某夜宵店: a masked shop on the road, not a Mr 路 (被害人路某发生)
    if _in_latin_or_plate(text, finding):
        return True  # ELECTRONICS, Comércio: a firm's name in Latin; 苏E·7G2K9: a plate
    if len(word) >= 3 and word[-1] in "病症":
        return True  # 阿尔茨海默病: a disease named after a person, not the person
    if court and _role_or_title(text, finding):
        return True
    if text.startswith(_DEADLINE_OPENINGS, finding.start):
        return True  # 于本判决生效之日起: 于 read as the surname
    if firm_or_place(text, finding):
        return True  # 山东德衡律师事务所, 葛兰素·威康公司: the firm's name, not a person's
    return no_names.holds(finding.start, finding.end)


def _on_the_bench(text: str, start: int) -> bool:
    """True when a bench title (审判员, 书记员, ``BENCH_TITLES``) ends right before
    ``start``, spaces or none between."""
    return text[max(0, start - 12) : start].rstrip(" \t\u3000\xa0").endswith(BENCH_TITLES)


# A Chinese vehicle plate: a province's character, a letter, a dot or not, five or six more.
_PLATE = re.compile(r"[\u4e00-\u9fff][A-Z][·・.•]?[A-Z0-9]{5,6}")


def _in_latin_or_plate(text: str, finding: Finding) -> bool:
    """True for a guess inside a word in Latin letters or a vehicle's plate (``_PLATE``)."""
    if _inside_latin_word(text, finding.start, finding.end):
        return True
    plates = _PLATE.finditer(text, max(0, finding.start - 1), finding.end + 8)
    return any(m.start() <= finding.start and finding.end <= m.end() for m in plates)


def _place_opening(word: str) -> int:
    """The length of the place ``word`` begins with, or 0: a division of the table of three
    characters or more (郑州市, 石家庄) or a place of jieba's dictionary (潍坊, tagged ns) with
    its suffix (``PLACE_SUFFIXES``: 潍坊市); the longest."""
    _, tags = jieba_tables()
    divisions = division_names()
    for end in range(len(word), 2, -1):
        if word[:end] in divisions or (
            word[end - 1] in PLACE_SUFFIXES and tags.get(word[: end - 1]) == "ns"
        ):
            return end
    return 0


# The ends of a place's name of three characters or more (丰泽区, 姜寨镇: no name of MSRA
# train ends in 镇)
_ENDS_OF_PLACES = DISTRICT_ENDS | {"镇"}
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
_MASK_CHARS = frozenset("某" + MASK_CHARS)
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
    if freq.get(opening, 0) < _WORD_BEFORE or tags.get(opening) in NAME_TAGS:
        return None
    if freq.get(text[max(0, start - 2) : start], 0) >= _WORD_BEFORE:
        return None  # 结合|金某某: 合 ends 结合, not 合金
    rest = text[start + 1 : end]
    if rest not in _REST_FUNCTION and (len(rest) < 2 or freq.get(rest, 0) < _REST_WORD):
        return None
    if rest[:1] in _MASK_CHARS:
        return None  # 被扶养人|马某某: 人马 is a word, 马某某 a masked name
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
        jieba_tables()[1].get(word) in NAME_TAGS
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


_KIN_CHARS = frozenset("妻夫子女父母兄弟姐妹孙")


def _in_word(text: str, position: int) -> bool:
    """True when the character at ``position``, no surname, is part of a common word that is
    no name with the one before or after it (年 of 成年子女), or is part of a place's name
    (石家庄, 吴中区): a lone-character guess there is no name."""
    if text[position] in _KIN_CHARS and position and text[position - 1] in "之其":
        return True  # 罗志勇之妻钟燕, 黄建国之子黄磊: the relation, not a person
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
        if len(word) == 2 and freq.get(word, 0) >= _COMMON and tags.get(word) not in NAME_TAGS:
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
        text[suffix : suffix + 1] in PLACE_SUFFIXES
        and text[suffix + 1 : suffix + 2] not in _TITLE_AFTER_PLACE
        and is_cjk(text[position + 1 : suffix + 1])
        and freq.get(text[position + 1 : suffix + 1], 0) < _COMMON
        for suffix in (position + 1, position + 2)
    )


# The operative part's deadline (于本判决生效之日起十日内), which the name models read as a
# name at the judgment threshold.
_DEADLINE_OPENINGS = ("于本判决", "于本裁定", "于本决定", "于本调解书", "於本判決")
_TITLE_AFTER_PLACE = frozenset("长委")
# A common word of jieba's dictionary (成年 465; not 马列 102, two names in MSRA's gold).
_COMMON = 300
