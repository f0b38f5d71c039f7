"""``Finding``: one span of personal information, and how overlapping findings are settled."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

PERSON = "PERSON"

# When two types claim the same characters with equal scores, the earlier type wins: a
# checksum-valid resident ID that happens to pass Luhn is an ID, not a bank card.
TYPE_PRIORITY = (
    "CN_RESIDENT_ID",
    "CN_USCC",
    "CN_BANK_CARD",
    "CN_PHONE",
    "CN_PASSPORT",
    "CN_HK_MACAU_PERMIT",
    "CN_LICENSE_PLATE",
    "CN_VIN",
    "CN_SOCIAL_SECURITY",
    "CN_MEDICAL_RECORD",
    "CN_ENGINE_NUMBER",
    "CN_QQ",
    "CN_WECHAT",
    "EMAIL_ADDRESS",
    "URL",
    "IP_ADDRESS",
    "CN_ADDRESS",
    "PERSON",
)


@dataclass(frozen=True, order=True)
class Finding:
    """A span ``text[start:end]`` (Python ``str`` offsets, end exclusive) of ``entity_type``
    with a confidence ``score`` in [0, 1]."""

    start: int
    end: int
    entity_type: str
    score: float

    def overlaps(self, other: Finding) -> bool:
        """True when the two spans share at least one character."""
        return self.start < other.end and other.start < self.end


def _rank(finding: Finding) -> tuple[float, int, int]:
    priority = (
        TYPE_PRIORITY.index(finding.entity_type)
        if finding.entity_type in TYPE_PRIORITY
        else len(TYPE_PRIORITY)
    )
    return (-finding.score, priority, finding.start - finding.end)


def resolve_overlaps(findings: list[Finding]) -> list[Finding]:
    """Drop a finding lying inside a stronger one (higher score, or equal score and earlier in
    ``TYPE_PRIORITY``, or longer) and exact duplicates; keep partial overlaps (the anonymizer
    merges them).  Returns the survivors sorted by position."""
    kept: list[Finding] = []
    spans: list[tuple[int, int]] = []  # the kept spans, by start
    longest = 0
    for finding in sorted(set(findings), key=_rank):
        # only a kept span starting at most ``longest`` before it can hold it
        first = bisect.bisect_left(spans, (finding.start - longest, -1))
        last = bisect.bisect_right(spans, (finding.start, finding.end + longest + 1))
        if any(end >= finding.end and start <= finding.start for start, end in spans[first:last]):
            continue
        kept.append(finding)
        bisect.insort(spans, (finding.start, finding.end))
        longest = max(longest, finding.end - finding.start)
    return sorted(kept)
