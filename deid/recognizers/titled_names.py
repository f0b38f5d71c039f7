"""Names after a title, a byline or a kinship word (经理韩朝晖是, 记者张胜男, 其夫是王红旗):
from jieba's tokens in the ``recall`` profile (``name_after_title_spans``) and without a
segmenter everywhere (``name_after_title_word_spans``)."""

from __future__ import annotations

import re

from deid.dictionary import jieba_tables
from deid.divisions import division_names
from deid.recognizers.base import HAN, is_han
from deid.recognizers.judgment_rules import is_judgment
from deid.recognizers.person_rules import (
    COMMON_WORD_FREQ,
    FUNCTION_SURNAMES,
    KIN_WORDS,
    LIFE_WORDS,
    NAME_TAGS,
    PLACE_ENDS,
    TITLE_WORDS,
    is_cjk,
)
from deid.recognizers.yi_names import CLANS as YI_CLANS
from deid.surnames import SURNAME_PATTERN, surname_length

_TITLE_ALTERNATIVES = "|".join(sorted(TITLE_WORDS, key=len, reverse=True))
_AFTER_TITLE = re.compile(f"(?:{_TITLE_ALTERNATIVES})({SURNAME_PATTERN})(?=[{HAN}])")
_AFTER_LIFE_WORD = re.compile(
    f"(?:{'|'.join(sorted(LIFE_WORDS, key=len, reverse=True))})({SURNAME_PATTERN})(?=[{HAN}])"
)
# A relative named with a copula (仝振华之妻为郜玉兰, 其夫是王红旗).
_KIN_COPULA = re.compile(f"[之其][夫妻子女父母兄弟姐妹][为是]({SURNAME_PATTERN})(?=[{HAN}])")

_LONGEST_TITLE = max(map(len, TITLE_WORDS))


def _after_title_with(text: str, surnames: frozenset[str]) -> list[tuple[int, int, int]]:
    """``_AFTER_TITLE``'s matches (title start, surname start and end) for the
    single-character ``surnames`` given instead of the table's: each occurrence of one of
    them before a CJK character, after the longest title word that ends there. (Each
    document has its own set: a pattern compiled for it cost more than the document's
    whole analysis.)"""
    matches = []
    for start, char in enumerate(text[:-1]):
        if char not in surnames or not is_han(text[start + 1]):
            continue
        for length in range(min(_LONGEST_TITLE, start), 0, -1):
            if text[start - length : start] in TITLE_WORDS:
                matches.append((start - length, start, start + 1))
                break
    return matches


def name_after_title_spans(text: str, tokens: list[tuple[str, int]]) -> list[tuple[int, int]]:
    """A surname and one or two more characters right after an official title, a byline or
    a kinship word, ending on a word boundary: 经理韩朝晖是 → 韩朝晖, 记者张胜男 → 张胜男."""
    boundaries = {start for _, start in tokens} | {len(text)}
    spans = []
    for (word, _), (_, following) in zip(tokens, tokens[1:], strict=False):
        titled = word[-2:] in TITLE_WORDS or word[-3:] in TITLE_WORDS  # 本报记者, 副局长
        surname = surname_length(text, following) if titled else 0
        if not surname:
            continue
        if word[-2:] in KIN_WORDS and (
            text[following] in FUNCTION_SURNAMES or text[following] in _KIN_NOT_SURNAMES
        ):
            continue  # 父母和亲人, 爷爷曾经说过: a conjunction or an adverb after a relative
        for end in (following + surname + 2, following + surname + 1):
            if end in boundaries and is_cjk(text[following:end]):
                spans.append((following, end))
                break
    return spans


# After a kinship or a life's word these are adverbs or verbs, not surnames (其妹曾在, 哥哥那次,
# 弟弟来上学, 朋友来向我).
_KIN_NOT_SURNAMES = frozenset("曾来那相种边谈也还都")
_WORD_AFTER = 100
# Words of a judgment's narrative jieba ranks rarer than that: a name before one of them is
# two characters (证人吴春出庭作证: not 吴春出).
_PROCEDURE_WORDS = frozenset(
    "出庭 到庭 到案 供述 辩称 诉称 述称 供认 投案 报案 签收 指证 证言 伙同 归案 入户 "
    "转账 出借 举证 质证".split()
)
# A "surname" that opens a word of this frequency or more after a title is that word (死者安详,
# 教授鞠躬后, 记者施以老拳): 100, not COMMON_WORD_FREQ, lost no name of MSRA train's judge block.
_OPENING_WORD = 100
# 曾, a surname, is the adverb "once" before these (患者曾有高血压病史, 被害人曾称)
_AFTER_ONCE = frozenset("有是在经任因于被多向与到去用称说")
_PLACE_ENDS = frozenset("街路道巷桥村镇乡区县市省")
# Characters no given name opens with, that follow a verb or adverb read as a surname
# (稽查人员封了, 编采人员曾把).
_NO_GIVEN_OPENING = frozenset("了把被将的地得着过对已也都又就才")
_CLOSING_MARKS = frozenset("、，,。；;")
# What follows a person named as a sentence's subject (其妹夫古国辉于, 之兄伍平系)
_AFTER_SUBJECT = frozenset("于於在系因向与将")
_BRACKET_OR_LIST = frozenset("（(、")


def name_after_life_word_spans(text: str) -> list[tuple[int, int]]:
    """``name_after_title_word_spans`` after the people of a narrative's life (``LIFE_WORDS``:
    同班工友闻红旗可以证明); the caller reads court documents only."""
    return name_after_title_word_spans(text, life=True)


def _parents_surname(text: str, title: int, start: int) -> bool:
    """True when the relative at ``start`` bears the surname of the person named right before
    the kinship word (宫玉兰之子宫宇航: 子宫 is a word, the son a 宫 all the same)."""
    return text[title : title + 1] == "之" and text[start] in (
        text[title - 3 : title - 2],
        text[title - 2 : title - 1],
    )


def _title_runs_on(text: str, start: int, given: int) -> bool:
    """True when the title before ``start`` is part of a longer word: 村民委员会主任 (委员会,
    not 委员 and a 会), 西昌市长安街某宾馆 (长安's street, not the mayor's Mr 安; 局长江涛 is)."""
    freq, tags = jieba_tables()
    return freq.get(text[start - 2 : start + 1], 0) >= _OPENING_WORD or (
        tags.get(text[start - 1 : start + 1]) == "ns" and text[given : given + 1] in _PLACE_ENDS
    )


def _place_at(text: str, start: int) -> bool:
    """True when a place's name of three or four characters opens at ``start`` (第三人乌鲁木齐
    丝路置业有限公司: not Mr 乌)."""
    _, tags = jieba_tables()
    return tags.get(text[start : start + 4]) == "ns" or tags.get(text[start : start + 3]) == "ns"


def _written_again(text: str, start: int, given: int) -> bool:
    """True when a court's document writes the three characters at ``start`` again and the
    third opens no word: a name the models read as words (被告战国栋驾驶 … 认定战国栋负事故
    主要责任, 司机包金山驾车 … 包金山在过磅单上签字; not 被告单位认为 … 单位认为)."""
    freq, tags = jieba_tables()
    name = text[start : given + 2]
    return (
        not freq.get(text[given + 1 : given + 3])  # (支付定金, 常规排查)
        and tags.get(text[start : given + 1]) not in _VERB_TAGS  # (应当有)
        and text.count(name) >= 2
        and is_judgment(text)
    )


_VERB_TAGS = frozenset({"v", "vn", "vd", "d", "p", "c", "a", "ad"})
# A party of a case before a surname (原告, 被告 …: no titles, 被告公司, 被告应当), and the
# characters that end a name of two there (被告单位在).
_AFTER_PARTY = re.compile(
    f"(?:被上诉人|上诉人|被申请人|申请人|原告|被告)({SURNAME_PATTERN})(?=[{HAN}]{{2}})"
)
_TYPICAL = 2  # (``deid.lexicon``'s levels: often in given names)
_NO_THIRD = frozenset("的了和与及等在于是系将被把让给跟向对从由称说为也都已曾某家氏")


def party_named_again_spans(text: str) -> list[tuple[int, int]]:
    """A party's name of three whose first two make a noun or whose given name is a common
    word (被告战国栋驾驶 … 认定战国栋负事故主要责任: the models read 战国, a period; 原告
    粟和平), written again (``_written_again``), its given name's characters typical of
    given names (not 原告房屋外, 被告毕节市)."""
    from deid.lexicon import jieba_lexicon  # (it reads this package's tables: not at import)

    freq, tags = jieba_tables()
    typical = jieba_lexicon().given
    spans = []
    for match in _AFTER_PARTY.finditer(text):
        start, given = match.span(1)
        if (
            (
                tags.get(text[start : given + 1]) == "n"
                or freq.get(text[given : given + 2], 0) >= _WORD_AFTER
            )
            and text[given + 1] not in _NO_THIRD
            and min(typical[ord(char)] for char in text[given : given + 2]) >= _TYPICAL
            and _written_again(text, start, given)
        ):
            spans.append((start, given + 2))
    return spans


def name_after_title_word_spans(
    text: str, surnames: frozenset[str] | None = None, life: bool = False
) -> list[tuple[int, int]]:
    """``name_after_title_spans`` without a segmenter: the surname and two more characters
    after a title, byline or kinship word, or one when a dictionary word starts right after
    it (老伴石粉兰今年 → 石粉兰, 记者李娜今天 → 李娜); nothing when the surname begins a
    common word (记者于是) or is a function word there (主任向记者). ``surnames``: look
    for these surnames instead of the table's (a document's own rare ones, 婚生子訾子轩
    after 訾卫国)."""
    freq, tags = jieba_tables()
    spans = []
    if surnames is None:
        matches = [
            (m.start(), m.start(1), m.end(1))
            for pattern in ((_AFTER_LIFE_WORD,) if life else (_AFTER_TITLE, _KIN_COPULA))
            for m in pattern.finditer(text)
        ]
    else:
        matches = _after_title_with(text, surnames)
    for title, start, given in matches:
        opening = text[start : given + 1]
        if _title_runs_on(text, start, given) or _place_at(text, start):
            continue
        if (
            (text[title:start] in KIN_WORDS or text[title:start] in LIFE_WORDS)
            and (text[start] in _KIN_NOT_SURNAMES or freq.get(text[start - 1 : start + 1], 0) >= 10)
            and not _parents_surname(text, title, start)
        ):
            continue
        # After a kinship word, a name of three that a mark closes, or a preposition or a
        # copula follows, is one, whatever word its first two make (车德福之父车长贵、之母:
        # 车长, a conductor; 其妹婿古國輝於同日: 古国, an ancient state; not 记者连日来，); so is
        # one before a word of the procedure after any title (村民组长文学军出庭证实).
        closed = is_cjk(text[start : given + 2]) and (
            (
                text[title:start] in KIN_WORDS
                and text[given + 2 : given + 3] in _CLOSING_MARKS | _AFTER_SUBJECT
            )
            or text[given + 2 : given + 4] in _PROCEDURE_WORDS
            or _written_again(text, start, given)
        )
        if (
            text[start] in FUNCTION_SURNAMES
            or (text[start] == "曾" and text[given] in _AFTER_ONCE)
            or text[given] in _NO_GIVEN_OPENING
            or (
                freq.get(opening, 0) >= _OPENING_WORD
                and tags.get(opening) not in NAME_TAGS
                and not closed
            )
            or opening in division_names()
        ):
            continue
        after = text[given + 1 : given + 3]
        # A two-character name that ends the text (…实习生王昭) ends with it; one a common
        # word follows is two characters (记者李娜今天), one a rare word may follow three
        # (被告人钟国强将货物: 强将 is an idiom's word, 37 in jieba's dictionary).
        two = len(after) == 2 and (freq.get(after, 0) >= _WORD_AFTER or after in _PROCEDURE_WORDS)
        # (a name of two before a bracket or a list's mark: 生育女儿冼芃（乳名芃芃）)
        two = two or text[given + 1 : given + 2] in _BRACKET_OR_LIST
        end = given + 1 if two else min(given + 2, len(text))
        # After a compound surname, a given name that is a word is whole (被继承人诸葛建国名下:
        # not 诸葛建 before 国名).
        if given - start == 2 and freq.get(text[given : given + 2], 0) >= COMMON_WORD_FREQ:
            end = min(given + 2, len(text))
        # A Yi name is a clan's two characters and two more (父亲阿牛拉博、).
        if text[start : start + 2] in YI_CLANS and is_cjk(text[start : start + 4]):
            end = start + 4
        # 被害人黎明的陈述, 被告人欧阳红于2015年, 被告人王丽系某公司职工, 罪犯岩温犯运输毒品罪,
        # 之兄伍平作担保, 其妻李红向法院起诉, 被告人王鹏等人
        if text[end - 1] in "的了是在和与于系将因被犯作向对给把等" and end - 1 > given:
            end -= 1
        # 被执行人桂林市…: a place (jieba tags 桂林 a name), not a person.
        if is_cjk(text[given:end]) and not PLACE_ENDS & set(text[end - 1 : end + 1]):
            spans.append((start, end))
    return spans


# What people call a person by the surname (景老板, 亓师傅, 冷奶奶, 房会计, 上官老板): the
# surname and the word together, in a court's testimony.
_CALLED = re.compile(
    f"({SURNAME_PATTERN})(?:老板|老板娘|师傅|阿姨|奶奶|爷爷|大爷|大妈|大娘|大婶|老伯|叔叔|婶婶"
    "|会计|主任|经理|老师|医生|书记|村长|队长|组长|厂长|站长|所长|律师|警官)"
)


# (not a district's, a sumu's or a former post: 管理区主任, 嘎查会计, 原会计; the surname after
# a word of the narrative only, not inside a name: 哈斯木江经理)
_NOT_CALLED = frozenset("区原前副总老新大小向和与及同为是都时")
_BEFORE_CALLED = frozenset(
    "是给着的了识认骂打喊叫找跟和与及同把被让对向问说见到为请去来等由帮替还欠"
)


def surname_and_title_spans(text: str) -> list[tuple[int, int]]:
    """A surname and what people call its bearer (``_CALLED``: 都是景老板喊来干活的), in a
    court's document; not a word the surname makes with what follows (班主任), nor after
    another word's character (出纳会计, 哈斯木江经理)."""
    if not is_judgment(text):
        return []
    freq, _ = jieba_tables()
    spans = []
    for match in _CALLED.finditer(text):
        start, end = match.span()
        if (
            freq.get(match.group(), 0)
            or freq.get(text[start : start + 2], 0) >= _WORD_AFTER
            or text[start] in _NOT_CALLED
            or (start and is_han(text[start - 1]) and text[start - 1] not in _BEFORE_CALLED)
        ):
            continue
        spans.append((start, end))
    return spans
