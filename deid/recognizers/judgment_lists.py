"""People a judgment lists: after a post (执勤民警皇甫刚、端木强出具), witnesses and experts
whatever their names (证人那日苏、其木格), witnesses set off by spaces (证人 郗大勇 粘春花 亓长明
的证言), and the evidence formulas (证人明亮、田素的证言); and the two tests of jieba's
dictionary the judgment rules share (``common_word``, ``dictionary_word``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from deid.dictionary import jieba_tables
from deid.recognizers.base import GAP, HAN, is_han
from deid.segmenting import NAME_TAGS
from deid.surnames import SURNAME_PATTERN, WORD_SURNAMES, surname_length

_SURNAME = SURNAME_PATTERN
_CJK = HAN
_GAP = GAP
_GAP_RE = re.compile(_GAP)
# Parts of speech of a common word that is no name (pronouns, nouns, verbs …): such a word
# in a party line is a name only when what follows says so (deid.recognizers.judgment_rules).
_NOT_NAME_TAGS = frozenset({"r", "n", "v", "vn", "vd", "d", "c", "p", "m", "q", "f", "u", "t"})
_COMMON = 300
_RARE = 10
# People a judgment or a penalty notice lists after their post (执勤民警皇甫刚、端木强出具的,
# 鉴定人熊伟、白雪鉴定, 办案民警：甘　霖（警号：012345）、巫海洋): each item a surname and
# one or two characters (spaced out or not), a bracket (警号, 执法证号) after it allowed.
_LISTED_POSTS = (
    "办案民警|承办民警|执勤民警|民警|干警|辅警|鉴定人|执法人员|办案人员|侦查人员|"
    "价格认定人员|认定人员|评估人员|检测人员|调查人员|工作人员|检察官|法医|"
    # … and any post ending in 员 (测绘员龙飞、鹿鸣, 劳动保障监察员粘文、邬海燕; the
    # pattern opens with 员 itself, a literal the search skips to)
    "员"
)
# (a surname too much a word for the table may open an item: 民警南向东、粘国庆在)
_LIST_ITEM = rf"(?:{_SURNAME}|[{WORD_SURNAMES}])(?:{_GAP}{{0,2}}[{_CJK}]){{1,2}}"
_LISTED = re.compile(
    rf"(?:{_LISTED_POSTS})([:：]?){_GAP}*({_LIST_ITEM}(?:[（(][^）)\n]{{1,20}}[）)])?"
    rf"(?:、{_LIST_ITEM}(?:[（(][^）)\n]{{1,20}}[）)])?)*)"
)
# ... and a list of two or more witnesses, experts, accomplices or prosecutors whatever their
# names (证人那日苏、其木格能够证明: Mongolian names have no Chinese surname; 伙同吉胡明民、
# 沙库阿正、鲁子烟华: Yi names; 指派检察员边巴卓玛、次旦央吉出庭: Tibetan ones), none of them
# a word of the dictionary but a name (证人证言、物证、书证).
_LISTED_ANY = re.compile(
    rf"(?:证人|鉴定人|被告人|被害人|罪犯|犯罪嫌疑人|上诉人|伙同|纠集|检察员|检察官)"
    rf"((?:[{_CJK}]{{2,4}}、)+[{_CJK}]{{2,4}})"
)
# ... and witnesses set off by spaces, as some scraped texts list them (证人 郗大勇 粘春花
# 亓长明 的证言): two or more, each a surname and one or two characters.
_SPACED_NAME = rf"(?:{_SURNAME}|[{WORD_SURNAMES}])[{_CJK}]{{1,2}}"
_LISTED_SPACED = re.compile(
    rf"(?:证人|被害人|鉴定人){_GAP}+((?:{_SPACED_NAME}{_GAP}+)+{_SPACED_NAME})(?={_GAP}*[的等])"
)
# A disciplinary committee's members, one a line in its decision's footer, title and name
# spaced out (主席委員長  謝  文  定, 委  員  朱  瓊  華; read simplified): not a member named in
# running text (委员黄毅诚和委员会俄方主席).
_COMMITTEE = re.compile(
    rf"(?m)^{_GAP}*(?:主席)?委{_GAP}{{0,3}}员(?:{_GAP}{{0,3}}长)?{_GAP}+"
    rf"([{_CJK}](?:{_GAP}{{0,3}}[{_CJK}]){{1,3}}){_GAP}*$"
)
# What no name of such a list holds: a defendant's list of pleas (系从犯、认罪认罚) or of
# roles (贺军、原审附带民事诉讼原告人).
_NO_NAME_CHARS = frozenset("系罪犯审认罚诉")
# … and what opens no name right after the role (的 of 剥夺了被害人的生命、给被害人家属造成;
# 和 may: 证人韦东升、和建平).
_NOT_OPENING_NAMES = frozenset("的了在是给对被把将向从就也都")
_NON_GAP = re.compile(r"[^ \t\u3000]+")
_ITEM_ENDS = "、，,。；;：:（()）的等和与及在称于系将经均伙犯以"
# ... of which these end a given name too, before a mark (王小均（外号“小三”）)
_GIVEN_TOO = frozenset("均经以和")
_MARKS = frozenset("、，,。；;：:（()）")
# A name found by ``_LISTED`` ends at a mark, or where a common word begins (白雪|鉴定).
_WORD_AFTER = 100
# The evidence formulas: 证人明亮、田素的证言, 被害人江山的陈述, 被告人平安的供述.
_TESTIMONY = re.compile(
    rf"(?:证人|被害人|被告人|上诉人|原审被告人)((?:{_SURNAME}[{_CJK}]{{1,2}}、)*"
    rf"{_SURNAME}[{_CJK}]{{1,2}})(?=等人的|的)(?:等人的|的)(?:证言|证词|陈述|供述|辩解)"
)


# … and one name whatever its surname (证人波罕的证言: a Dai name), no common word.
_TESTIMONY_ANY = re.compile(
    rf"(?:证人|被害人|被告人)([{_CJK}]{{2,4}}?)(?=的(?:证言|证词|陈述|供述|辩解))"
)


# … an item of a list of evidence, a witness's or a party's statement whatever the name (15、
# 季卫的询问笔录; 3、俄来的供述) …
_EVIDENCE_ITEM = re.compile(
    rf"(?:^|(?<=[\s；;，,。：:]))[0-9０-９]{{1,2}}[、.．]"
    rf"(?:证人|被害人|被告人|原告|被告|上诉人|第三人|罪犯)?([{_CJK}]{{2,4}}?)"
    r"(?=的(?:询问笔录|讯问笔录|调查笔录|证言|证词|陈述|供述|辩解|辨认笔录))",
    re.MULTILINE,
)
# … and a defendant before his accomplices (被告人俄来目加伙同海来XX: a Yi name).
_BEFORE_ACCOMPLICE = re.compile(
    rf"(?:被告人|罪犯|犯罪嫌疑人)([{_CJK}]{{2,5}}?)(?=伙同|纠集|指使|雇佣|雇请)"
)
# … or one accomplice whom the court names without trying him (伙同杰都加加（在逃）).
_ACCOMPLICE_AT_LARGE = re.compile(
    rf"(?:伙同|纠集)([{_CJK}]{{2,5}}?)(?=[（(](?:在逃|另案|另行|已判|已被判|未到案|身份不明))"
)
_NOT_IN_ACTOR = frozenset("的了在是和与及等某又再先后即便遂各")
# … and anyone the court sets apart in a bracket (何朝某指挥吴杯龙（另案处理）): the surname and
# one or two characters before it, after a word's end or a mark.
_SET_APART = re.compile(r"(?=[（(]均?(?:另案|另行处理|在逃|已判刑|已判决))")


def committee_spans(text: str) -> list[tuple[int, int]]:
    """The members a disciplinary committee's footer lists (``_COMMITTEE``)."""
    return [
        match.span(1)
        for match in _COMMITTEE.finditer(text)
        if not common_word(_GAP_RE.sub("", match.group(1)))
    ]


def listed_spans(text: str) -> list[tuple[int, int]]:
    """The names listed after a post (``_LISTED``): 执勤民警皇甫刚、端木强出具 → 皇甫刚, 端木强.
    Taken when the list has two names or more, or the post is set off by a colon, or a
    bracket (警号) follows the name; a name that is a common word (民警依法) only inside a
    list of two or more."""
    spans = []
    for match in _LISTED.finditer(text):
        items = _list_items(text, match.start(2), match.end(2))
        if not items:
            continue
        marked = bool(match.group(1)) or text[items[0][1] : items[0][1] + 1] in "（("
        if len(items) == 1 and not marked:
            continue
        for number, (start, end) in enumerate(items, 1):
            if len(items) == 1 and common_word(_GAP_RE.sub("", text[start:end])):
                continue
            if number == len(items) and _runs_into_word(text, start, end):
                continue
            spans.append((start, end))
    for match in _LISTED_ANY.finditer(text):
        items = _without_word_at_end(text, _list_items(text, match.start(1), match.end(1)))
        if len(items) >= 2 and _names_listed(text, items):
            spans += items
    return spans + [
        name.span() for match in _LISTED_SPACED.finditer(text) for name in _spaced_names(match)
    ]


def _spaced_names(match: re.Match[str]) -> Iterator[re.Match[str]]:
    """The names of a ``_LISTED_SPACED`` match (郗大勇, 粘春花, 亓长明)."""
    return _NON_GAP.finditer(match.string, match.start(1), match.end(1))


def _list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The names of a list ``text[start:end]`` matched by ``_LISTED``: the items between
    its 、, each without its bracket, the last one cut where a mark or common word begins."""
    items = []
    position = start
    for piece in re.split("(、)", text[start:end]):
        if piece == "、":
            position += 1
            continue
        name = re.split("[（(]", piece, maxsplit=1)[0]
        name_end: int | None = position + len(name)
        if name_end == end:  # the last item: the match may have run into the next word
            name_end = _name_end(text, position, end)
        if name_end is None:
            break
        items.append((position, name_end))
        position += len(piece)
    return items


def _name_end(text: str, start: int, end: int) -> int | None:
    """Where the name ``text[start:end]`` (the last of a list) ends: the first place from
    two characters on before a mark, the end of the text or a common word (白雪|鉴定)."""
    freq, _ = jieba_tables()
    for stop in range(start + 2, end + 1):
        if _GAP_RE.match(text[stop - 1]):
            continue
        if text[stop : stop + 1] in _GIVEN_TOO and text[stop + 1 : stop + 2] in _MARKS:
            return stop + 1  # 王小均（外号…）: 均 before a mark is no "all"
        if stop == len(text) or text[stop] in _ITEM_ENDS or text[stop] == "\n":
            return stop
        following = freq.get(text[stop : stop + 2], 0)
        if following >= _WORD_AFTER or text[stop : stop + 2] in _COURT:
            if stop + 1 <= end and freq.get(text[stop + 1 : stop + 3], 0) > following:
                continue  # 程永生|根据, not 程永|生根: the word one on is the commoner
            if text[stop + 1 : stop + 2] == "等":
                continue  # 苟志平|等三十余人, not 苟志|平等
            return stop
    return None


def _names_listed(text: str, items: list[tuple[int, int]]) -> bool:
    """True when the items of a list after a role (``_LISTED_ANY``) are names: none holds
    what no name holds (系从犯、认罪认罚), and none is a word of the dictionary (证人证言、
    物证), but a noun after a surname beside an item that is no word (被告人夏雨、方圆)."""
    words = [text[s:e] for s, e in items]
    if any(_NO_NAME_CHARS & set(word) for word in words):
        return False
    if words[0][0] in _NOT_OPENING_NAMES and "某" not in words[0]:
        return False  # 被害人的生命、给被害人家属: a clause, not a list (的某 is a Yi name)
    plain = [word for word in words if not dictionary_word(word)]
    _, tags = jieba_tables()
    return bool(plain) and all(
        word in plain or (surname_length(word, 0) and tags.get(word) in _NAME_LIKE_TAGS)
        for word in words
    )


# Tags of the dictionary's words a person may be named (方圆 n, 常青 nr; not 申辩 v, 江山 ns).
_NAME_LIKE_TAGS = frozenset({"n", "nr", "nz"})


def _without_word_at_end(text: str, items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``items`` with the last one, of four characters, cut before the word of the
    dictionary it ends with (应秀琴、贝伟、邵红钱款共计: 钱款, 8 in jieba's dictionary), unless
    a compound surname opens it (欧阳天明)."""
    if not items:
        return items
    start, end = items[-1]
    freq, tags = jieba_tables()
    word = text[end - 2 : end]
    if (
        end - start == 4
        and surname_length(text, start) != 2
        and freq.get(word, 0) >= _WORD_AT_END
        and tags.get(word) not in NAME_TAGS
    ):
        return [*items[:-1], (start, end - 2)]
    return items


_WORD_AT_END = 3


def _runs_into_word(text: str, start: int, end: int) -> bool:
    """True when the last item of a list ``text[start:end]`` is a common word that runs on
    into a word of the dictionary with what follows it (技术员黎明、项目|经理邬海洋: 项目经理
    is a post, not the name 项目 before the title 经理)."""
    freq, tags = jieba_tables()
    return common_word(text[start:end]) and any(
        freq.get(text[start : end + extra], 0) > 0
        and tags.get(text[start : end + extra]) not in NAME_TAGS
        for extra in (1, 2)
    )


# Words of a judgment rarer than _WORD_AFTER in jieba's dictionary (检察员晏平安、龙小雨出庭).
_COURT = frozenset({"出庭", "到庭"})


def testimony_spans(text: str) -> list[tuple[int, int]]:
    """Each name of an evidence formula (``_TESTIMONY``): 证人明亮、田素的证言 → 明亮, 田素;
    证人波罕的证言 → 波罕 (``_TESTIMONY_ANY``)."""
    spans = []
    for match in _TESTIMONY.finditer(text):
        position = match.start(1)
        for name in match.group(1).split("、"):
            spans.append((position, position + len(name)))
            position += len(name) + 1
    spans += [m.span(1) for m in _TESTIMONY_ANY.finditer(text) if not dictionary_word(m.group(1))]
    return spans


def set_apart_spans(text: str) -> list[tuple[int, int]]:
    """The name before each ``_SET_APART`` bracket: three characters when a word or a mark
    ends before them (指挥|吴杯龙), else two (伙同|张三), opening with a surname, no word."""
    freq, _ = jieba_tables()
    spans = []
    for match in _SET_APART.finditer(text):
        bracket = match.start()
        for length in (3, 2):
            start = bracket - length
            name = text[start:bracket]
            if start < 0 or not surname_length(text, start) or not is_han(name):
                continue
            before = text[max(0, start - 2) : start]
            if start and is_han(text[start - 1]) and freq.get(before, 0) < _RARE:
                continue
            if not dictionary_word(name):
                spans.append((start, bracket))
            break
    return spans


def numbered_evidence_spans(text: str) -> list[tuple[int, int]]:
    """The name of a numbered item of evidence (``_EVIDENCE_ITEM``: 15、季卫的询问笔录 → 季卫)
    and a defendant before his accomplices (``_BEFORE_ACCOMPLICE``: 被告人俄来目加伙同 →
    俄来目加) or one at large after him (伙同杰都加加（在逃）), whatever the name, no word of
    the dictionary."""
    return [
        m.span(1)
        for pattern in (_EVIDENCE_ITEM, _BEFORE_ACCOMPLICE, _ACCOMPLICE_AT_LARGE)
        for m in pattern.finditer(text)
        if not dictionary_word(m.group(1))
        and not _NOT_IN_ACTOR & set(m.group(1))
        and not m.group(1).endswith(("人", "方"))  # 6.各被告人的供述, 对方
    ]


# Nicknames unquoted after 绰号 or 外号 in a party's line, one or several (绰号柳州仔、捞哥，
# 男; （外号大熊、阿强）), before the party's sex or the bracket's end.
_NICKNAME_LIST = re.compile(
    rf"(?:绰号|外号)[:：]?((?:[{_CJK}]{{2,4}}、){{0,3}}[{_CJK}]{{2,4}})(?=[，,][男女]|[）)])"
)
# ... and quoted ones, the second and later of a list (绰号“和尚”、“小奶崽”，男: the first is
# ``judgment_rules``' quoted nickname)
_QUOTED_NICKNAMES = re.compile(r"(?:绰号|外号)[:：]?“[^”\n]{1,8}”((?:、“[^”\n]{1,8}”)+)")
_QUOTED = re.compile(r"“([^”\n]{1,8})”")


_NO_NICKNAME = frozenset("不详 未知 不明 没有".split())  # (绰号不详)


def nickname_list_spans(text: str) -> list[tuple[int, int]]:
    """Each nickname of ``_NICKNAME_LIST``'s and ``_QUOTED_NICKNAMES``' lists."""
    spans = []
    for match in _NICKNAME_LIST.finditer(text):
        start = match.start(1)
        for name in match.group(1).split("、"):
            if name not in _NO_NICKNAME:
                spans.append((start, start + len(name)))
            start += len(name) + 1
    for match in _QUOTED_NICKNAMES.finditer(text):
        spans += [m.span(1) for m in _QUOTED.finditer(text, match.start(1), match.end(1))]
    return spans


def common_word(word: str, at_least: int = _COMMON) -> bool:
    """True for a common word that is no name (记录, 签名): ``at_least`` that frequent in
    jieba's dictionary, and tagged a pronoun, noun, verb … there."""
    freq, tags = jieba_tables()
    return freq.get(word, 0) >= at_least and tags.get(word) in _NOT_NAME_TAGS


def dictionary_word(word: str) -> bool:
    """True for a word of jieba's dictionary, not a rare one (边巴, 2), that it does not tag
    as a name (物证, 方圆)."""
    freq, tags = jieba_tables()
    return freq.get(word, 0) >= _RARE and tags.get(word) not in NAME_TAGS
