"""Apply a release policy to one document, and carry labelled spans through the redaction.

What gets redacted is the analyser's findings, minus those a reviewer rejected, plus the
spans a reviewer added; a name on the policy's allow-list stays and is reported.  The
anonymizer (``deid.anonymize``) returns an offset map from original to redacted positions,
through which ``remap_spans`` moves a labelled project's spans.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import deid
from app.releases.errors import SpanInvalid
from app.releases.policy import ReleasePolicy, entity_types
from deid import Finding

if TYPE_CHECKING:
    from deid import Redaction

# A reviewer-added span is certain: it was read by a person.
REVIEWER_SCORE = 1.0
ALLOWED_TYPE = "PERSON"


@dataclass(frozen=True)
class KeptName:
    """An allow-listed name left in the text at ``[start, end)``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DocumentRedaction:
    """The redacted document: ``redaction`` (text, operations, offset map), the findings
    actually ``applied`` and the allow-listed names ``kept``."""

    redaction: Redaction
    applied: tuple[Finding, ...]
    kept: tuple[KeptName, ...]

    @property
    def text(self) -> str:
        """The redacted text."""
        return self.redaction.text


@dataclass(frozen=True)
class RemappedSpan:
    """A labelled span moved into the redacted text.

    ``status``: ``kept`` (touches no redaction), ``covers`` (wholly contains redacted
    regions), ``widened`` (cut through a redacted region, so widened to the whole
    replacement: a label never splits a pseudonym or tag), ``dropped`` (lay inside a region
    that was removed, nothing left to point at)."""

    start: int
    end: int
    label: str
    new_start: int
    new_end: int
    status: str


def reviewer_finding(text: str, start: Any, end: Any, entity_type: Any) -> Finding:
    """A finding added by a reviewer, checked against ``text`` (the values come straight
    from a request).  Raises ``SpanInvalid`` (``span.out_of_range``,
    ``span.unknown_entity_type``)."""
    if not (type(start) is int and type(end) is int and 0 <= start < end <= len(text)):
        raise SpanInvalid(
            "span.out_of_range",
            f"span [{start}, {end}) is not inside a text of {len(text)} characters",
        )
    if entity_type not in entity_types():
        raise SpanInvalid("span.unknown_entity_type", f"unknown entity type {entity_type!r}")
    return Finding(start, end, entity_type, REVIEWER_SCORE)


def select_findings(
    text: str,
    findings: Iterable[Finding],
    allow_list: Collection[str],
    rejected: Collection[tuple[int, int, str]] = (),
    added: Sequence[Finding] = (),
) -> tuple[list[Finding], list[KeptName]]:
    """Decide what is redacted: analyser ``findings`` not ``rejected`` (by
    ``(start, end, entity_type)``) plus reviewer ``added`` spans.  An analyser ``PERSON``
    finding whose text is an allow-listed name (compared as ``deid.name_key``: 陳冠希 is
    陈冠希) stays and is returned as kept, unless
    another redacted span overlaps it.  Returns ``(applied, kept)``, both by position."""
    allowed = {deid.name_key(name) for name in allow_list}
    applied: list[Finding] = list(added)
    candidates: list[Finding] = []
    for finding in findings:
        if (finding.start, finding.end, finding.entity_type) in rejected:
            continue
        name = deid.name_key(text[finding.start : finding.end])
        is_allowed = finding.entity_type == ALLOWED_TYPE and name in allowed
        (candidates if is_allowed else applied).append(finding)
    # An allowed name inside a redacted span goes with it: half a region left is a leak.
    overlapped = [f for f in candidates if any(f.overlaps(other) for other in applied)]
    kept = [
        KeptName(f.start, f.end, text[f.start : f.end]) for f in candidates if f not in overlapped
    ]
    applied += overlapped
    return sorted(set(applied)), sorted(kept, key=lambda k: k.start)


def redact_document(
    text: str,
    findings: Iterable[Finding],
    policy: ReleasePolicy,
    key: bytes | None,
    rejected: Collection[tuple[int, int, str]] = (),
    added: Sequence[Finding] = (),
) -> DocumentRedaction:
    """Redact ``text`` under ``policy`` with the release's pseudonym ``key`` (one key per
    release: one person, one pseudonym throughout the release, unlinkable across releases;
    HMAC-SHA256, RFC 2104, in ``deid.anonymize``).  Decisions as ``select_findings``.
    Raises ``SpanInvalid`` (``span.out_of_range``) for a finding outside the text and
    ``ValueError`` for a pseudonym policy without a key."""
    findings = list(findings)
    if any(not 0 <= f.start < f.end <= len(text) for f in [*findings, *added]):
        raise SpanInvalid("span.out_of_range", "a finding lies outside the document")
    applied, kept = select_findings(text, findings, policy.allow_list, rejected, added)
    redaction = deid.anonymize(text, applied, policy.deid_policy(key))
    return DocumentRedaction(redaction, tuple(applied), tuple(kept))


def remap_span(redaction: Redaction, start: int, end: int, label: str) -> RemappedSpan:
    """Move the labelled span ``[start, end)`` of the original text into the redacted text
    through ``redaction.offset_map``; a span cutting through a redacted region is widened
    to the region's whole replacement (see ``RemappedSpan``).  Raises ``SpanInvalid``
    (``span.out_of_range``) for a span outside the original text."""
    if not 0 <= start <= end < len(redaction.offset_map):
        raise SpanInvalid(
            "span.out_of_range", f"labelled span [{start}, {end}) is outside the original text"
        )
    touching = [op for op in redaction.operations if op.start < end and start < op.end]
    new_start = redaction.offset_map[start]
    new_end = redaction.offset_map[end]
    cut = [op for op in touching if op.start < end < op.end]
    if cut:
        new_end = cut[0].new_end
    if not touching:
        status = "kept"
    elif all(start <= op.start and op.end <= end for op in touching):
        status = "covers"
    else:
        status = "widened"
    if new_start == new_end and start < end:
        status = "dropped"
    return RemappedSpan(start, end, label, new_start, new_end, status)


def remap_spans(redaction: Redaction, spans: Iterable[tuple[int, int, str]]) -> list[RemappedSpan]:
    """``remap_span`` for every ``(start, end, label)``, in the given order."""
    return [remap_span(redaction, start, end, label) for start, end, label in spans]
