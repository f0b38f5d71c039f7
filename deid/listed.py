"""The document pass's names of a list (``deid.consistency``): an item with names found
before and after it in a list, whatever its surname (竺海燕 of 应秀琴、毛建国、竺海燕、贝伟),
the last name of a list after a name found (侯亮、付强轮流值夜班), and a quoted nickname in a
list of people set apart (周凤、“翠翠”（均另案处理）)."""

from __future__ import annotations

import re

from deid.dictionary import jieba_tables
from deid.divisions import division_names
from deid.findings import PERSON, Finding
from deid.recognizers.base import HAN
from deid.recognizers.judgment_rules import ORGANIZATION_AFTER
from deid.recognizers.person_rules import NAME_TAGS, is_cjk
from deid.surnames import SURNAME_PATTERN, surname_length

_NAME_TAGS = NAME_TAGS

# A list item between names found (被害人应秀琴、毛建国、竺海燕、贝伟: 竺 is not in the
# surname table; 杨建军、才让扎西、冼国庆: a Tibetan name has none; 金玉兰、白冰、买买提艾力、
# 巴特尔: two missed side by side): two to five Chinese characters between two 、.
_LIST_ITEM = re.compile(f"(?<=、)[{HAN}]{{2,5}}(?=、)")


def between_listed_names(text: str, people: list[Finding], score: float) -> list[Finding]:
    """Names in a list of names (``_LIST_ITEM``s joined by 、) with a name found somewhere
    before them and somewhere after them in the list, whatever their surname: one of the
    list is the same kind of thing as its neighbours; and the last name of such a list.
    Reported with ``score``."""
    if "、" not in text or len(people) < 2:
        return []
    ends = {f.end for f in people}
    starts = {f.start for f in people}
    covered = {i for f in people for i in range(f.start, f.end)}
    found = []
    for items in _lists(text):
        # the list's first and last items are found when a name ends at the first 、 or
        # starts after the last one; the others when a name covers them
        named = [items[0][1] in ends] + [
            covered.issuperset(range(start, end)) for start, end in items[1:-1]
        ]
        named.append(items[-1][0] in starts)
        first, last = named.index(True) if True in named else len(named), len(named) - 1
        while last >= 0 and not named[last]:
            last -= 1
        found += [
            Finding(start, end, PERSON, score)
            for index, (start, end) in enumerate(items[1:-1], start=1)
            if first < index < last and not named[index]
        ]
    found += _first_listed_names(text, people, score)
    # (a lone character found there is the name's surname: 钟丽、甘|永生吸食)
    lone = {f.start for f in people if f.end - f.start == 1}
    for position in sorted(ends):
        if text[position : position + 1] == "、" and (
            position + 1 not in covered or position + 1 in lone
        ):
            found += _last_listed_name(text, position + 1, score)
    return found


# A list of people the court sets apart (均另案处理, 在逃), its items up to ten characters, and
# a nickname quoted among them (陈X富、李X龙、“木禄”、“猫瘦”（均另案处理）; 周凤、“翠翠”（均另案
# 处理）).
_SET_APART_LIST = re.compile(
    r"(?:[^、，,。；;：:（()）\s]{1,10}、){1,12}[^、，,。；;：:（()）\s]{1,10}"
    r"(?=[（(]均?(?:另案|另行处理|在逃|已判))"
)
_QUOTED_ITEM = re.compile(f"“([{HAN}]{{2,4}})”")
# ... and a quoted nickname the court says is a person it names (参与抢劫的“胖子”即廖汝文)
_QUOTED_IS = re.compile(f"“([{HAN}]{{2,4}})”即")


def quoted_nicknames(text: str, people: list[Finding], score: float) -> list[Finding]:
    """The quoted items of a list of people set apart (``_SET_APART_LIST``) of which an
    unquoted item holds a name found: nicknames, the court's only name for those people; and
    a quoted nickname right before 即 and a name found (``_QUOTED_IS``). Reported with
    ``score``."""
    if "“" not in text or "、" not in text:
        return []
    covered = {i for f in people for i in range(f.start, f.end)}
    found = []
    for match in _SET_APART_LIST.finditer(text):
        quoted = list(_QUOTED_ITEM.finditer(text, match.start(), match.end()))
        inside = set(range(match.start(), match.end()))
        for item in quoted:
            inside -= set(range(*item.span()))
        if quoted and inside & covered:
            found += [Finding(*item.span(1), PERSON, score) for item in quoted]
    starts = {f.start for f in people}
    found += [
        Finding(*m.span(1), PERSON, score) for m in _QUOTED_IS.finditer(text) if m.end() in starts
    ]
    return found


# The first item of a list opened by a function word, before a name found (向陶者根、吉海晶（均
# 另案处理）收取): a surname and one or two characters, no word.
_FIRST_ITEM = re.compile(f"[向与和给对被让由将把同跟及]((?:{SURNAME_PATTERN})[{HAN}]{{1,2}})$")


def _first_listed_names(text: str, people: list[Finding], score: float) -> list[Finding]:
    """The list items before a name found that ``_FIRST_ITEM`` reads as names."""
    found = []
    freq, _ = jieba_tables()
    for person in people:
        if text[person.start - 1 : person.start] != "、":
            continue
        match = _FIRST_ITEM.search(text, max(0, person.start - 6), person.start - 1)
        if match and freq.get(match.group(1), 0) < _WORD_AFTER and is_cjk(match.group(1)):
            found.append(Finding(*match.span(1), PERSON, score))
    return found


def _lists(text: str) -> list[list[tuple[int, int]]]:
    """Each run of ``_LIST_ITEM``s joined by 、, as item spans with an empty item at each
    end: the 、 before the first (its end) and the 、 after the last (its start)."""
    runs: list[list[tuple[int, int]]] = []
    for match in _LIST_ITEM.finditer(text):
        start, end = match.span()
        if runs and runs[-1][-1][1] == start - 1:
            runs[-1].append((start, end))
        else:
            runs.append([(start - 1, start - 1), (start, end)])
    return [run + [(run[-1][1] + 1, run[-1][1] + 1)] for run in runs]


# What ends the last name of a list: a mark or a function character (侯亮、付强的), or a
# common word that is no name (侯亮、付强轮流值夜班).
_LIST_ENDS = frozenset("、，,。；;：:（(的等和与及在")
_WORD_AFTER = 100
_OPENING_WORD = 5


def _last_listed_name(text: str, start: int, score: float) -> list[Finding]:
    """The name after a found name's 、 (同事侯亮、付强轮流值夜班 → 付强): a surname and two
    characters, or one, up to a mark or a common word; nothing when it is a common word
    itself."""
    surname = surname_length(text, start)
    if not surname:
        return []
    freq, tags = jieba_tables()
    for end in (start + surname + 2, start + surname + 1):
        name = text[start:end]
        if end > len(text) or not is_cjk(name):
            continue
        after = text[end : end + 2]
        if not (
            end == len(text)
            or text[end] in _LIST_ENDS
            or (freq.get(after, 0) >= _WORD_AFTER and tags.get(after) not in _NAME_TAGS)
        ):
            continue
        opening = text[start : start + 2]
        if (
            (freq.get(name, 0) >= _WORD_AFTER and tags.get(name) not in _NAME_TAGS)
            or (freq.get(opening, 0) >= _OPENING_WORD and tags.get(opening) not in _NAME_TAGS)
            or name in division_names()
            or ORGANIZATION_AFTER.match(text, end)  # 仇某、安信达财产保险股份有限公司
        ):
            return []  # 陈述、申辩和要求, 朱某甲、原审第三人, 李某、石家庄某某公司
        return [Finding(start, end, PERSON, score)]
    return []
