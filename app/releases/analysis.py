"""The analysis job: every pending document of a release through ``deid.analyze_batch``
and, redacted with those findings, through the residual scan, in committed batches (a
worker killed half-way resumes with the documents still pending and writes no finding
twice); then the review sample.  A document the analyser fails on is held back and fails
the release, naming the document and the error (fail closed)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from app.database import begin_write
from app.extensions import db
from app.models import Item, Release, ReleaseDocument
from app.models.base import utcnow
from app.releases.policy import ReleasePolicy
from app.releases.redaction import redact_document
from app.releases.sampling import DocumentFindings, sample_size, stratified_sample
from app.releases.scanning import analyse_texts, finding_row, residual_scan
from app.releases.services import move, policy_of
from app.releases.states import ReleaseState

BATCH = 256
MAX_FAILURES_SHOWN = 100
# An analysing release without a committed batch for this long lost its worker.
STALE_AFTER = timedelta(minutes=3)


def _pending(release_id: int) -> list[tuple[int, str]]:
    # Nothing more once the release left "analysing" (withdrawn half-way, say).
    return list(
        db.session.execute(
            select(ReleaseDocument.id, Item.text)
            .join(Item, Item.id == ReleaseDocument.item_id)
            .join(Release, Release.id == ReleaseDocument.release_id)
            .where(
                ReleaseDocument.release_id == release_id,
                ReleaseDocument.status == "pending",
                Release.state == ReleaseState.ANALYSING,
            )
            .order_by(ReleaseDocument.seq)
            .limit(BATCH)
        ).tuples()
    )


def document_outcomes(texts: list[str], policy: ReleasePolicy, key: bytes) -> list[dict[str, Any]]:
    """The stored values of analysed texts: findings under the policy's profile, and the
    residual scan of each text redacted with them (``app.releases.scanning``); a text either
    step fails on is ``failed`` with the error."""
    found = analyse_texts(texts, policy.profile)
    good = [(i, f) for i, f in enumerate(found) if not isinstance(f, str)]
    redactions = [redact_document(texts[i], f, policy, key) for i, f in good]
    scans = dict(
        zip([i for i, _ in good], residual_scan(redactions, policy.residual_threshold), strict=True)
    )
    outcomes: list[dict[str, Any]] = []
    for i, (text, result) in enumerate(zip(texts, found, strict=True)):
        scan = scans.get(i, [])
        if isinstance(result, str) or isinstance(scan, str):
            error = result if isinstance(result, str) else f"residual scan: {scan}"
            outcomes.append({"status": "failed", "error": error[:500], "chars": len(text)})
            continue
        outcomes.append(
            {
                "status": "analysed",
                "chars": len(text),
                "findings": [finding_row(f) for f in result],
                "residual_findings": scan,
                "residual_count": len(scan),
            }
        )
    return outcomes


def _store(release_id: int, batch: list[tuple[int, str]], outcomes: list[dict[str, Any]]) -> None:
    begin_write()
    for (document_id, _), values in zip(batch, outcomes, strict=True):
        db.session.execute(
            update(ReleaseDocument)
            .where(ReleaseDocument.id == document_id, ReleaseDocument.status == "pending")
            .values(**values)
        )
    done, chars = db.session.execute(
        select(func.count(), func.coalesce(func.sum(ReleaseDocument.chars), 0)).where(
            ReleaseDocument.release_id == release_id, ReleaseDocument.status != "pending"
        )
    ).one()
    db.session.execute(
        update(Release)
        .where(Release.id == release_id)
        .values(analysed_count=done, char_count=chars, heartbeat_at=utcnow())
    )
    db.session.commit()


def analyse_release(release_id: int) -> None:
    """Analyse the pending documents of a release that is ``analysing`` (a no-op otherwise),
    then fail it or open its review (``finish_analysis``)."""
    release = db.session.get(Release, release_id)
    if release is None or release.state != ReleaseState.ANALYSING:
        return
    policy, key = policy_of(release), release.pseudonym_key
    db.session.rollback()
    while batch := _pending(release_id):
        _store(release_id, batch, document_outcomes([text for _, text in batch], policy, key))
    finish_analysis(release_id)


def _failures(release_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(
            ReleaseDocument.id, ReleaseDocument.seq, ReleaseDocument.item_id, ReleaseDocument.error
        )
        .where(ReleaseDocument.release_id == release_id, ReleaseDocument.status == "failed")
        .order_by(ReleaseDocument.seq)
        .limit(MAX_FAILURES_SHOWN)
    )
    return [{"document_id": d, "seq": s, "item_id": i, "error": e} for d, s, i, e in rows]


def finish_analysis(release_id: int) -> None:
    """After the last batch: a release with a failed document becomes ``failed`` (listing
    them); otherwise the review sample is drawn (``app.releases.sampling``) and the release
    goes ``in_review``."""
    begin_write()
    release = db.session.get(Release, release_id)
    if release is None or release.state != ReleaseState.ANALYSING:
        db.session.rollback()
        return
    failures = _failures(release_id)
    if failures:
        release.failures = failures
        move(release, ReleaseState.FAILED, None, failed=len(failures))
    else:
        chosen = draw_sample(release)
        release.analysed_at = utcnow()
        release.residual = {"sample_size": len(chosen)}
        move(release, ReleaseState.IN_REVIEW, None, sample=len(chosen))
    db.session.commit()


def draw_sample(release: Release) -> list[int]:
    """Mark the review sample of ``release`` (stratified by entity type and confidence,
    seeded by the release) and return the chosen document ids.  The caller commits."""
    policy = policy_of(release)
    rows = db.session.execute(
        select(ReleaseDocument.id, ReleaseDocument.findings).where(
            ReleaseDocument.release_id == release.id
        )
    )
    documents = [
        DocumentFindings(document_id, tuple((f[2], f[3]) for f in findings))
        for document_id, findings in rows
    ]
    size = sample_size(len(documents), policy.sample_rate, policy.residual_bound)
    chosen = [
        i for i in stratified_sample(documents, size, release.sample_seed) if isinstance(i, int)
    ]
    db.session.execute(
        update(ReleaseDocument)
        .where(ReleaseDocument.release_id == release.id)
        .values(in_sample=False)
    )
    for start in range(0, len(chosen), 500):
        db.session.execute(
            update(ReleaseDocument)
            .where(ReleaseDocument.id.in_(chosen[start : start + 500]))
            .values(in_sample=True)
        )
    return chosen


def stalled_analyses(now: datetime | None = None) -> list[int]:
    """Ids of releases still ``analysing`` whose last batch is older than ``STALE_AFTER``
    (their worker died): the periodic job queues them again and they resume."""
    limit = (now or utcnow()) - STALE_AFTER
    return list(
        db.session.scalars(
            select(Release.id).where(
                Release.state == ReleaseState.ANALYSING,
                or_(Release.heartbeat_at.is_(None), Release.heartbeat_at < limit),
            )
        )
    )
