"""Approval of a release: by a second person of the bureau, with every sampled document
reviewed, the residual bound within the policy and the residual scan clean."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, true

from app.database import begin_write
from app.exceptions import Conflict
from app.extensions import db
from app.models import Item, Release, ReleaseDocument, ReviewDecision, User
from app.models.base import utcnow
from app.releases.analysis import analyser_processes
from app.releases.errors import ReleaseRuleError
from app.releases.redaction import DocumentRedaction, redact_document
from app.releases.review import _reviewable, decisions_of, review_summary, split_decisions
from app.releases.scanning import RESIDUAL_PROFILE, Analysers, residual_scan, stored_finding
from app.releases.services import ensure_can_move, move, policy_of, service_error
from app.releases.states import ReleaseState, check_approver

BATCH = 500
# Decided documents from which the approval scan starts a second worker: a worker spends
# two to three CPU seconds loading the recall engine, about what it takes to scan 500
# documents of 500 characters, so below this a second one costs more than it saves.
SECOND_WORKER_DOCUMENTS = 1000


def redacted_documents(
    release: Release,
    document_ids: list[int] | None = None,
) -> Iterator[tuple[ReleaseDocument, DocumentRedaction, str, dict[str, Any]]]:
    """Every analysed document of ``release`` (or those of ``document_ids``) in order with
    its redaction under the policy, the reviewers' decisions and the release's pseudonym
    key, its original text and its item's ``meta`` (``{}`` for none), read in batches of
    ``BATCH``.  Raises Conflict (``release.unanalysed``) at a document that was not
    analysed: nothing leaves raw."""
    policy, last = policy_of(release), -1
    chosen = ReleaseDocument.id.in_(document_ids) if document_ids is not None else true()
    while True:
        rows = (
            db.session.execute(
                select(ReleaseDocument, Item.text, Item.meta)
                .join(Item, Item.id == ReleaseDocument.item_id)
                .where(ReleaseDocument.release_id == release.id, ReleaseDocument.seq > last, chosen)
                .order_by(ReleaseDocument.seq)
                .limit(BATCH)
            )
            .tuples()
            .all()
        )
        if not rows:
            return
        decisions = decisions_of([document.id for document, _, _ in rows])
        for document, text, meta in rows:
            if document.status != "analysed":
                raise Conflict(_l("A document was not analysed."), code="release.unanalysed")
            rejected, added = split_decisions(decisions.get(document.id, []))
            yield (
                document,
                redact_document(
                    text,
                    [stored_finding(f) for f in document.findings],
                    policy,
                    release.pseudonym_key,
                    rejected,
                    added,
                ),
                text,
                meta or {},
            )
        last = rows[-1][0].seq


def rescan_decided(release: Release) -> int:
    """Scan again, with the reviewers' decisions applied, every document whose output the
    decisions change (one with a rejected or an added span) or whose residual findings an
    earlier approval already replaced (``rescanned_at``: a decision may have changed
    since).  The analysis job scanned the rest with the same redaction (no decisions, or
    only accepted findings, which the analyser's redaction applied anyway), so their
    stored residual findings stand.  A span a reviewer rejected is dismissed.  Returns
    how many documents of the release still have residual findings.  The caller commits."""
    decided = list(
        db.session.scalars(
            select(ReviewDecision.document_id.distinct())
            .join(ReleaseDocument, ReleaseDocument.id == ReviewDecision.document_id)
            .where(
                ReleaseDocument.release_id == release.id,
                (ReviewDecision.decision != "accept") | ReleaseDocument.rescanned_at.is_not(None),
            )
        )
    )
    threshold = policy_of(release).residual_threshold
    # The scan runs in worker processes (started only if something was decided), so the
    # web worker never loads the recall engine; a second one only for much to scan.
    workers = min(2 if len(decided) >= SECOND_WORKER_DOCUMENTS else 1, analyser_processes())
    if decided:
        with Analysers(workers, [RESIDUAL_PROFILE]) as analysers:
            for start in range(0, len(decided), BATCH):
                _rescan(release, decided[start : start + BATCH], threshold, analysers)
        db.session.flush()
    return (
        db.session.scalar(
            select(func.count()).where(
                ReleaseDocument.release_id == release.id, ReleaseDocument.residual_count > 0
            )
        )
        or 0
    )


def _rescan(
    release: Release, document_ids: list[int], threshold: float, analysers: Analysers
) -> None:
    pairs = [(d, r) for d, r, _, _ in redacted_documents(release, document_ids)]
    decisions = decisions_of([d.id for d, _ in pairs])
    dismissed = [split_decisions(decisions.get(d.id, []))[0] for d, _ in pairs]
    scans = residual_scan([r for _, r in pairs], threshold, dismissed, analysers)
    for (document, _), scan in zip(pairs, scans, strict=True):
        if isinstance(scan, str):
            raise Conflict(
                _l("The residual scan failed on a document."),
                code="release.residual_scan_failed",
                details=[document.id],
            )
        document.residual_findings, document.residual_count = scan, len(scan)
        document.rescanned_at = utcnow()


def approve_release(user: User, release_id: int) -> Release:
    """Approve a release in review: a second person (never its builder) of the bureau, with
    every sampled document reviewed, the residual bound within the policy and the residual
    scan clean.  Raises Forbidden (``release.self_approval``) or Conflict
    (``release.sample_unreviewed``, ``release.bound_not_met``, ``release.residual_findings``,
    ``release.bad_transition``); a residual finding is stored for the reviewers to resolve."""
    begin_write()
    release = _reviewable(user, release_id)
    try:
        check_approver(release.created_by_id, user.id)
    except ReleaseRuleError as error:
        raise service_error(error) from None
    ensure_can_move(release, ReleaseState.APPROVED)
    summary = review_summary(release)
    if summary["reviewed"] < summary["sample_size"]:
        raise Conflict(_l("Review every sampled document first."), code="release.sample_unreviewed")
    if not summary["meets_bound"]:
        raise Conflict(
            _l("The residual bound is above the policy's."), code="release.bound_not_met"
        )
    if flagged := rescan_decided(release):
        db.session.commit()  # keep the residual findings for the reviewers
        raise Conflict(
            _l("The residual scan found identifiers in %(n)d documents.", n=flagged),
            code="release.residual_findings",
        )
    release.residual = summary
    release.approved_by_id, release.approved_at = user.id, utcnow()
    move(release, ReleaseState.APPROVED, user, bound=summary["bound_per_1000"])
    db.session.commit()
    return release
