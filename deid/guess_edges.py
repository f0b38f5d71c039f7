"""The document pass's cuts of a ``PERSON`` guess back to the name it runs into
(``deid.consistency``): the title, role, kinship word or function character before a name
the document gives on its own (次子诸葛强, 向陈丰收), what follows it (诸葛建国的父母), and a
guess that lies inside another but for one function character (东因 of 包援东因与)."""

from __future__ import annotations

from deid.findings import PERSON, Finding
from deid.recognizers.person import name_starts, title_ending_in
from deid.surnames import surname_length


def names_trimmed(text: str, findings: list[Finding], names: set[str]) -> list[Finding]:
    """``findings`` with a guess that runs a name the document names on its own into the
    words beside it cut back to that name: the end of a title, role or kinship word before
    it (次子诸葛强 where 诸葛强 is found), or 的 and what follows (诸葛建国的父母). One person,
    one pseudonym, and the words left to read. ``names``: the names found on their own."""
    result = []
    starts = name_starts(text, names)
    for finding in findings:
        start, end = finding.start, finding.end
        if finding.entity_type == PERSON and end - start >= 2:
            start, end = _guess_cut(text, start, end, names, starts)
        result.append(
            finding
            if (start, end) == (finding.start, finding.end)
            else Finding(start, end, PERSON, finding.score)
        )
    return result


# A guess's one character past a name it overlaps, or before one, that is a function
# character (东因 of 包援东因与, 丁于 of 郜某丁于被告, 丁作 of 南某丁作为; 因钟 of 因钟某某):
# never 和, which ends given names often enough, nor a surname before a name (和向东).
_OVERHANG_AFTER = frozenset("因于与及对向等犯称是的了在将被系作")
_OVERHANG_BEFORE = frozenset("因系对与及被把给将在")


def without_overhangs(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` without a person finding that lies inside another but for one function
    character past its edge (``_OVERHANG_AFTER``, ``_OVERHANG_BEFORE``): the character is
    the sentence's, not a name's, and the redaction keeps it."""
    by_end: dict[int, int] = {}  # end → the earliest start of a person ending there
    by_start: dict[int, int] = {}  # start → the furthest end of a person starting there
    for f in findings:
        if f.entity_type == PERSON:
            by_end[f.end] = min(by_end.get(f.end, f.start), f.start)
            by_start[f.start] = max(by_start.get(f.start, f.end), f.end)
    return [
        f
        for f in findings
        if f.entity_type != PERSON
        or f.end - f.start < 2
        or not (
            (by_end.get(f.end - 1, f.start) < f.start and text[f.end - 1] in _OVERHANG_AFTER)
            or (by_start.get(f.start + 1, 0) >= f.end and text[f.start] in _OVERHANG_BEFORE)
        )
    ]


def _full_name_at(text: str, position: int, reaching: int, starts: dict[int, int]) -> bool:
    """True when a name that begins with a surname starts at ``position``, reaches
    ``reaching`` and is written elsewhere without the character before it (钟某某 of 因钟某某,
    许靖 of 向许靖; not a name always written after it, 和四益, nor a guess found only
    there, 向东认 of 和向东认为: 和 and 向 are surnames too)."""
    end = starts.get(position, 0)
    if end < max(reaching, position + 2) or not surname_length(text, position):
        return False
    if text[position - 1] in _SURNAMES_BEFORE_NAME and end - position < 3:
        return False  # 从文明 where 文明 is found: 从 is the surname
    name = text[position:end]
    return text.count(name) > text.count(text[position - 1] + name)


def _guess_cut(
    text: str, start: int, end: int, names: set[str], starts: dict[int, int]
) -> tuple[int, int]:
    """``names_trimmed``'s cut of one guess ``text[start:end]``: the title before a name, a
    function character before one (向陈丰收 where 陈丰收 is found, 因钟 of 因钟某某: the
    guess keeps only what lies inside the name), and what follows the name."""
    if end - start >= 3:
        start += title_ending_in(text, start, end, starts)
    if text[start] in _BEFORE_NAME and _full_name_at(text, start + 1, end - 1, starts):
        start += 1
    if end - start < 3:
        return start, end
    # 出纳颜宇于12月10日: 于 before a date ends no given name
    if text[end - 1] == "于" and text[end : end + 1].isdigit():
        return start, end - 1
    return start, _name_end(text, start, end, names)


# What a judgment writes right after a name and a given name hardly ends in (被告人张伟于2016年,
# 王丽系某公司职工, 刘洋将被害人打伤, 被告人上官宇犯聚众斗殴罪, 王丽对指控的事实无异议,
# 欧阳平与书记员, 管家乐向申请人借款, 计明及严某某, 王鹏等人, 陈华称其, 陈金花是夫妻).
_AFTER_NAME = "的于系将因被在犯等称是"
# … and what joins a name to what may be another one, cut only where the guess ends on it
# (王丽对, not 炎帝与黄帝联合: the guess may hold the second name too)
_LAST_AFTER_NAME = "对与向及"
# … and right before one, where the name is found on its own too (向陈丰收支付, 鉴于缪国庆,
# 短信系司马某代发, 因钟某某名下; 于 is a surname as well: only before a name found alone).
_BEFORE_NAME = "向于因系对与和及被把给将从"
_SURNAMES_BEFORE_NAME = "向于和从"


def _name_end(text: str, start: int, end: int, names: set[str]) -> int:
    """Where the name of ``names`` that opens ``text[start:end]`` ends when 的, 于, 系 or
    the like (``_AFTER_NAME``) follows it (诸葛建国的父母, 张伟于2016年 where 张伟 is found),
    else ``end``. (Not before any function word or common word: a given name ends in 和,
    同 or 一 often enough, 何后和, 靳定一出庭.)"""
    for cut in range(end - 1, start + 1, -1):
        if (
            text[cut] in _AFTER_NAME or (cut == end - 1 and text[cut] in _LAST_AFTER_NAME)
        ) and text[start:cut] in names:
            return cut
    return end
