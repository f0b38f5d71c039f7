"""Running the de-identifier for a release, without the database: findings of the original
texts, and the residual scan (the ``recall`` profile over the redacted output).

A text the analyser fails on is reported, never skipped: the caller holds its document
back (fail closed).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from typing import Any

from app.releases.redaction import DocumentRedaction
from deid import Finding, analyze_batch

RESIDUAL_PROFILE = "recall"
logger = logging.getLogger(__name__)


def finding_row(finding: Finding) -> list[Any]:
    """A finding as stored: ``[start, end, entity_type, score]``."""
    return [finding.start, finding.end, finding.entity_type, round(finding.score, 4)]


def stored_finding(row: list[Any]) -> Finding:
    """The ``Finding`` of a stored row."""
    return Finding(int(row[0]), int(row[1]), str(row[2]), float(row[3]))


def analyse_texts(texts: list[str], profile: str) -> list[list[Finding] | str]:
    """Findings per text (``deid.analyze_batch`` with ``profile``), or the error
    (``type: message``) for a text the analyser fails on.  The batch is tried whole first;
    when it fails, each text alone, so one bad document holds back only itself."""
    try:
        return list(analyze_batch(texts, profile=profile))
    except Exception:  # noqa: BLE001 - any analyser failure is narrowed down below
        logger.warning("analysis batch failed; retrying document by document", exc_info=True)
    results: list[list[Finding] | str] = []
    for text in texts:
        try:
            results.append(analyze_batch([text], profile=profile)[0])
        except Exception as error:  # noqa: BLE001 - recorded on the document, fail closed
            results.append(f"{type(error).__name__}: {str(error)[:400]}")
    return results


def residual_hits(
    result: DocumentRedaction,
    found: list[Finding],
    threshold: float,
    dismissed: Collection[tuple[int, int, str]] = (),
) -> list[list[Any]]:
    """What the residual scan found in one redacted document, as stored rows in the
    original text's offsets: findings scoring at least ``threshold`` that are not inside a
    replacement (a type tag or pseudonym), not an allow-listed name that was kept, and not
    a span a reviewer dismissed (``dismissed``: rejected ``(start, end, type)``)."""
    hits = []
    for finding in found:
        if finding.score < threshold or any(
            op.new_start <= finding.start and finding.end <= op.new_end
            for op in result.redaction.operations
        ):
            continue
        start = result.redaction.old_position(finding.start)
        end = result.redaction.old_position(finding.end)
        if (start, end, finding.entity_type) in dismissed or any(
            k.start <= start and end <= k.end for k in result.kept
        ):
            continue
        hits.append(finding_row(Finding(start, end, finding.entity_type, finding.score)))
    return hits


def residual_scan(
    results: list[DocumentRedaction],
    threshold: float,
    dismissed: Sequence[Collection[tuple[int, int, str]]] | None = None,
) -> list[list[list[Any]] | str]:
    """The residual scan of redacted documents: per document its ``residual_hits``, or the
    error when the analyser failed on it."""
    found = analyse_texts([r.text for r in results], RESIDUAL_PROFILE)
    dismissed = dismissed or [() for _ in results]
    return [
        f if isinstance(f, str) else residual_hits(r, f, threshold, d)
        for r, f, d in zip(results, found, dismissed, strict=True)
    ]
