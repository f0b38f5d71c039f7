"""A party's other names in a court's document: a former name or an alias (曾用名田园, 化名张三,
又名章起根), a nickname quoted or not (绰号“黑子”, 乳名芃芃), and a name in Latin letters
beside the Chinese one or after a role (金正浩（KIM JUNGHO），男; 被害人AfariVictorYeboah)."""

from __future__ import annotations

import re

from deid.recognizers.base import DOTS, HAN, holds_any
from deid.recognizers.judgment_lists import nickname_list_spans
from deid.recognizers.quoted_names import pseudonym_spans
from deid.surnames import SURNAME_PATTERN

_SURNAME = SURNAME_PATTERN
_CJK = HAN

# A party's other names: 曾用名田园, 化名张三; 绰号“黑子”, 外号"光头" (原名 and 又名 name
# places and things as often, so only set off by commas or brackets, as a party's line does).
_ALIAS = re.compile(
    rf"(?:曾用名|别名|化名)[:：]?((?:{_SURNAME}|[{_CJK}]+[{DOTS}])[{_CJK}{DOTS}]{{1,8}}?)"
    r"(?=[，,）)、。；;\s]|绰号|外号)"
    # … or whatever name fills a bracket after the party (程某某（曾用名老东）)
    rf"|[（(](?:曾用名|别名|化名)[:：]?([{_CJK}]{{2,4}})(?=[）)])"
    # … and 又名 or 原名 in a party's line, a name set off like the party's own (被告人章根林，
    # 又名章起根，男)
    rf"|(?<=[，,（(])(?:又名|原名)[:：]?((?:{_SURNAME})[{_CJK}]{{1,2}})(?=[，,）)])"
)
# ... and a child's pet name or what people call someone, unquoted (乳名芃芃, 小名三子，;
# 村里人称胡二愣）).
_PET_NAME = re.compile(
    rf"(?:乳名|小名|人称)(?:为|是|叫)?[:：]?([{_CJK}]{{1,3}}?)(?=[，,）)、。；;\s])"
    # … and two unquoted nicknames in a party's bracket (（绰号小凤、丫丫）)
    rf"|[（(](?:绰号|外号)[:：]?[{_CJK}]{{2,3}}、([{_CJK}]{{2,3}})(?=[）)])"
)
_NICKNAME = re.compile(
    r"(?:绰号|外号|诨号|小名|乳名|网名|艺名|笔名|署名|别名|化名|昵称|微信名|微信昵称|人称|"
    r"叫他|叫她)(?:为|是|叫)?[:：]?"
    r"[“\"‘'「]([^”\"’'」\n]{1,8})[”\"’'」]"
    # … or in Latin letters, unquoted (绰号CD，男)
    r"|(?:绰号|外号|诨号|网名|昵称)[:：]?([A-Za-z][A-Za-z0-9]{1,11})(?![A-Za-z0-9])"
)
# A foreign party's name in Latin letters in brackets after the Chinese one, the sex after
# it (金正浩（KIM JUNGHO），男; 约翰·史密斯（John Smith），男), or before it.
_LATIN = r"[A-Z][A-Za-z'\-]*(?:[ .\-]{1,2}[A-Z][A-Za-z'\-]*){1,4}"
# (陈大文（Chan Tai Man），该公司董事长, …，香港某某公司董事)
_POSTS_AFTER = r"[^，,。\n]{0,24}(?:董事长|董事|总经理|经理|律师事务所|律师)"
_LATIN_NAME = re.compile(
    rf"(?<=[{_CJK}])[（(]({_LATIN})[）)](?=[，,][ \t]*(?:[男女]|该|{_POSTS_AFTER}))"
    # … or before the Chinese one (原告：Michael Johnson（迈克尔·约翰逊），男)
    rf"|(?<=[:：\s])({_LATIN})(?=[（(][{_CJK}{DOTS}]{{2,12}}[）)][，,][ \t]*[男女])"
)
# … or right after a role or another name's word, written without spaces or with a dot
# (被害人AfariVictorYeboah, 化名IBRAHIM·ETE, 法定代表人：JohnF.Coburn): two capitalised
# parts at least (an initial with its dot), no firm's.
_LATIN_AFTER_ROLE = re.compile(
    r"(?:被告人|被害人|受害人|证人|上诉人|被上诉人|原告|被告|罪犯|化名|别名|曾用名|英文名|"
    r"法定代表人|代表人|负责人|代理人)[:：]?"
    r"([A-Z][A-Za-z]+(?:[·.•・ ]?[A-Z](?:[A-Za-z]+|\.))+)(?![A-Za-z]|公司|集团|有限|银行)"
)
# … or after a dotted transliteration whatever follows (弗朗茨·霍夫曼（Franz Hoffmann），董事会
# 主席), unless it is a firm's (葛兰素·威康（Glaxo Wellcome）公司, 欧米伽·维特拉股份公司（…）).
_LATIN_AFTER_DOTTED = re.compile(
    rf"[{_CJK}][{DOTS}][{_CJK}]{{1,8}}(?<!公司)(?<!集团)[（(]({_LATIN})[）)]"
    r"(?!(?:股份)?(?:有限)?(?:公司|集团))"
)
_CAPITAL = re.compile("[A-Z][A-Za-z]")


def other_name_spans(text: str) -> list[tuple[int, int]]:
    """A party's former names and aliases (``_ALIAS``), nicknames (``_NICKNAME``,
    ``_PET_NAME``, a list of them) and pseudonyms (乐乐（化名）)."""
    spans = [match.span(match.lastindex or 0) for match in _ALIAS.finditer(text)]
    spans += [match.span(match.lastindex or 1) for match in _NICKNAME.finditer(text)]
    spans += [match.span(match.lastindex or 1) for match in _PET_NAME.finditer(text)]
    return spans + nickname_list_spans(text) + pseudonym_spans(text)


def latin_name_spans(text: str) -> list[tuple[int, int]]:
    """Names in Latin letters: beside the Chinese name of a party (``_LATIN_NAME``), after a
    dotted transliteration (``_LATIN_AFTER_DOTTED``) or a role (``_LATIN_AFTER_ROLE``)."""
    if not _CAPITAL.search(text):
        return []
    spans = [match.span(1) for match in _LATIN_AFTER_ROLE.finditer(text)]
    if holds_any(text, "男女"):
        spans += [match.span(match.lastindex or 1) for match in _LATIN_NAME.finditer(text)]
    if holds_any(text, DOTS):
        spans += [match.span(1) for match in _LATIN_AFTER_DOTTED.finditer(text)]
    return spans
