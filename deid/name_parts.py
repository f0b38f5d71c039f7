"""A character written as its two parts in brackets, which the models cut a name at.

People's Daily, and the corpora made of it, write a character outside GB2312 as its two
parts in brackets (吴（王君）for 吴珺, 郑乃〈王光〉for 郑乃珖).  The models read the parts as
characters and stop inside the brackets (吴（王君); a person found so runs on to the bracket
that closes them.  Nothing here finds a name: only a person found into the brackets grows.
A name before the brackets and the parts found as a name of their own (郑乃, 王光) stay two:
a court writes a nickname so (张秀梅（二丫）), and each keeps its own pseudonym.
"""

from __future__ import annotations

import re

from deid.findings import PERSON, Finding

# two Chinese characters in brackets right after a Chinese character
_PARTS = re.compile("(?<=[\u4e00-\u9fff])(?:[(（][\u4e00-\u9fff]{2}[)）]|〈[\u4e00-\u9fff]{2}〉)")


def grown_through_parts(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` of ``text`` with each person that starts before a bracketed pair of
    parts and ends inside it run on to its closing bracket (the module's docstring)."""
    parts = [match.span() for match in _PARTS.finditer(text)]
    if not parts:
        return findings
    return [_grown(finding, parts) for finding in findings]


def _grown(finding: Finding, parts: list[tuple[int, int]]) -> Finding:
    if finding.entity_type != PERSON:
        return finding
    for first, last in parts:
        if finding.start < first < finding.end < last:
            return Finding(finding.start, last, finding.entity_type, finding.score)
    return finding
