"""Public references that stay: court case numbers and document numbers.

（2018）桂0305刑初123号 names a case, 皖政〔2023〕5号 a government document; both are printed
to be cited, and their digits must never be taken for a phone, an ID or an account.  The
engine drops every finding of a number type that overlaps one (``outside_references``),
and every name inside a case number or inside the issuer's abbreviation right before a
document number's year (杭西 of 杭西检刑诉〔2020〕312号, which the name models read as a
name); other names are kept (the words further before may be a signatory's).
"""

from __future__ import annotations

import re

from deid.findings import Finding

# After NFKC, （ ） are ASCII parentheses; 〔 〕 and 【 】 stay.
_YEAR = r"[(\[〔【]\s*(?:19|20)\d{2}\s*[)\]〕】]"
# An issuer's character, or a bracketed one or two (鄂公(交)乌认字, 蔡公(奓)行决字)
_ISSUER = r"(?:[\u4e00-\u9fa5]|\([\u4e00-\u9fa5]{1,2}\))"
REFERENCE = re.compile(
    # case numbers: (2018)桂0305刑初123号, (2019)皖01民终1234号之一, (2020)最高法民申12号
    _YEAR
    + r"[\u4e00-\u9fa5]{1,4}\d{0,6}[\u4e00-\u9fa5]{1,6}\d{1,6}号(?:之[一二三四五六七八九十\d]+)?"
    # document numbers: 皖政〔2023〕5号, 国办发[2023]12号, 伊南检民刑附民公诉(2020)1号,
    # 鄂公(交)乌认字(2015)第15306号
    rf"|{_ISSUER}{{1,10}}" + _YEAR + r"\s*第?\s*\d{1,6}\s*号"
    # case numbers of before 2016 without a year: 郑刑执字第210号, 格刑初字第117号
    r"|[\u4e00-\u9fa5]{1,8}字第\d{1,6}号"
)


# An issuer's abbreviation before a document number's year: 皖政, 国办发, 杭西检刑诉,
# 邵双检公诉刑诉, 伊南检民刑附民公诉 (or before 字第 in a case number without a year).
ISSUER_CHARS = 16  # characters, an issuer's brackets included
# … which holds no function word nor verb of a sentence that mentions the document (冯子军手中
# 有荥组（1977）100号文件: the issuer is 荥组, not the person before it; 以伊南检…公诉,
# 向牛海涛出具西公（文）告字〔2023〕第0173号).
_NOT_ISSUER = frozenset("的了在是有和与及向对将把由从为被给于按据依照经称说持收到以出具作")
_YEAR_AT = re.compile(_YEAR)


def reference_spans(text: str) -> list[tuple[int, int]]:
    """Spans of case and document numbers in ``text`` (normalised: ASCII parentheses)."""
    if "号" not in text:
        return []
    return [match.span() for match in REFERENCE.finditer(text)]


def nameless_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of the references ``spans`` that hold no name: a case number whole, a
    document number from at most ``ISSUER_CHARS`` characters before its year (or a case
    number without a year before its 字第), none of them in ``_NOT_ISSUER``."""
    result = []
    for start, end in spans:
        year = _YEAR_AT.search(text, start, end)
        anchor = year.start() if year else text.find("字第", start, end)
        issuer = anchor
        while issuer > max(start, anchor - ISSUER_CHARS) and text[issuer - 1] not in _NOT_ISSUER:
            issuer -= 1
        result.append((issuer, end))
    return result


def outside_references(findings: list[Finding], text: str) -> list[Finding]:
    """``findings`` of ``text`` less those of another type than ``PERSON`` that overlap a
    case or document number, and the names inside one's ``nameless_spans``."""
    spans = reference_spans(text)
    if not spans:
        return findings
    nameless = nameless_spans(text, spans)
    return [
        f
        for f in findings
        if not any(f.start < end and start < f.end for start, end in spans)
        or (
            f.entity_type == "PERSON"
            and not any(start <= f.start and f.end <= end for start, end in nameless)
        )
    ]
