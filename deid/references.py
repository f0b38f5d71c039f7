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
REFERENCE = re.compile(
    # case numbers: (2018)桂0305刑初123号, (2019)皖01民终1234号之一, (2020)最高法民申12号
    _YEAR
    + r"[\u4e00-\u9fa5]{1,4}\d{0,6}[\u4e00-\u9fa5]{1,6}\d{1,6}号(?:之[一二三四五六七八九十\d]+)?"
    # document numbers: 皖政〔2023〕5号, 国办发[2023]12号, 财预〔2023〕1号
    r"|[\u4e00-\u9fa5]{1,8}" + _YEAR + r"\s*\d{1,5}\s*号"
)


# An issuer's abbreviation before a document number's year: 皖政, 国办发, 杭西检刑诉,
# 邵双检公诉刑诉.
ISSUER_CHARS = 8
_BRACKETS = "([〔【"
# … which holds no function word nor verb of a sentence that mentions the document (冯子军手中
# 有荥组（1977）100号文件: the issuer is 荥组, not the person before it).
_NOT_ISSUER = frozenset("的了在是有和与及向对将把由从为被给于按据依照经称说持收到")


def reference_spans(text: str) -> list[tuple[int, int]]:
    """Spans of case and document numbers in ``text`` (normalised: ASCII parentheses)."""
    if "号" not in text:
        return []
    return [match.span() for match in REFERENCE.finditer(text)]


def nameless_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of the references ``spans`` that hold no name: a case number whole, a
    document number from at most ``ISSUER_CHARS`` characters before its year, none of them
    in ``_NOT_ISSUER``."""
    result = []
    for start, end in spans:
        bracket = min(i for i in range(start, end) if text[i] in _BRACKETS)
        issuer = bracket
        while issuer > max(start, bracket - ISSUER_CHARS) and text[issuer - 1] not in _NOT_ISSUER:
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
