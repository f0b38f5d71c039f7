"""The analysis job: every pending document of a release through ``deid.analyze_batch``
and, redacted with those findings, through the residual scan, in committed batches (a
worker killed half-way resumes with the documents still pending and writes no finding
twice); then the review sample.  A document the analyser fails on is held back and fails
the release, naming the document and the error (fail closed)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import Table, bindparam, or_, select, update

from app.database import ONE_PASS_CACHE_KB, begin_write, small_page_cache
from app.extensions import db
from app.models import Item, Release, ReleaseDocument
from app.models.base import utcnow
from app.releases.policy import ReleasePolicy
from app.releases.redaction import DocumentRedaction, redact_document
from app.releases.sampling import DocumentFindings, sample_size, stratified_sample
from app.releases.scanning import (
    RESIDUAL_PROFILE,
    Analysers,
    Outcome,
    Submitted,
    finding_row,
    residual_outcomes,
)
from app.releases.services import move, policy_of
from app.releases.states import ReleaseState

BATCH = 256
MAX_FAILURES_SHOWN = 100
# An analysing release without a committed batch for this long lost its worker.
STALE_AFTER = timedelta(minutes=3)
# Worker processes of an analysis (``RELEASE_ANALYSER_PROCESSES``), each running both the
# policy's profile and the residual scan: one per core of the 2-core server.  Tests and
# jobs run in the request (``HUEY_IMMEDIATE``) analyse in their own process unless told
# otherwise.
DEFAULT_PROCESSES = 2


def analyser_processes() -> int:
    """Worker processes the analysis of a release uses (0: the calling process)."""
    configured = current_app.config.get("RELEASE_ANALYSER_PROCESSES")
    if configured is not None:
        return max(0, int(configured))
    return 0 if current_app.config.get("HUEY_IMMEDIATE") else DEFAULT_PROCESSES


Row = tuple[int, int, str]  # document id, seq, text


def _pending(release_id: int, after_seq: int) -> list[Row]:
    # Nothing more once the release left "analysing" (withdrawn half-way, say).
    rows = db.session.execute(
        select(ReleaseDocument.id, ReleaseDocument.seq, Item.text)
        .join(Item, Item.id == ReleaseDocument.item_id)
        .join(Release, Release.id == ReleaseDocument.release_id)
        .where(
            ReleaseDocument.release_id == release_id,
            ReleaseDocument.status == "pending",
            ReleaseDocument.seq > after_seq,
            Release.state == ReleaseState.ANALYSING,
        )
        .order_by(ReleaseDocument.seq)
        .limit(BATCH)
    ).tuples()
    result = list(rows)
    db.session.rollback()  # no read transaction held while the batch is analysed
    return result


@dataclass
class _Batch:
    """One batch on its way: analysed, then redacted and scanned, then stored."""

    rows: list[Row]
    analysis: Submitted
    found: list[Outcome] = field(default_factory=list)
    redactions: list[DocumentRedaction] = field(default_factory=list)
    scan: Submitted = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [text for _, _, text in self.rows]


def _redact(batch: _Batch, policy: ReleasePolicy, key: bytes, analysers: Analysers) -> _Batch:
    """Wait for the batch's findings, redact the documents they allow, start their scan."""
    batch.found = analysers.outcomes(batch.analysis, policy.profile)
    batch.redactions = [
        redact_document(text, found, policy, key)
        for text, found in zip(batch.texts, batch.found, strict=True)
        if not isinstance(found, str)
    ]
    # Each redacted text goes to the worker that analysed its original (see ``Analysers``).
    lanes = [
        lane
        for lane, found in zip(analysers.lanes_of(batch.analysis), batch.found, strict=True)
        if not isinstance(found, str)
    ]
    batch.scan = analysers.submit([r.text for r in batch.redactions], RESIDUAL_PROFILE, lanes)
    return batch


def _outcomes(batch: _Batch, policy: ReleasePolicy, analysers: Analysers) -> list[dict[str, Any]]:
    """The stored values of a scanned batch: each text's findings and residual scan, or
    ``failed`` with the error of whichever step failed on it."""
    scanned = analysers.outcomes(batch.scan, RESIDUAL_PROFILE)
    scans = iter(residual_outcomes(batch.redactions, scanned, policy.residual_threshold))
    outcomes: list[dict[str, Any]] = []
    for text, result in zip(batch.texts, batch.found, strict=True):
        scan = next(scans) if not isinstance(result, str) else []
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


def _store(release_id: int, batch: _Batch, outcomes: list[dict[str, Any]]) -> None:
    """Store a batch's outcomes (documents still pending only: a resumed job writes no
    finding twice) and the progress.  A batch already analysed when the release left
    ``analysing`` is kept; ``_pending`` reads no more.

    The progress counters grow by the documents this batch moved out of ``pending`` (read
    under the write lock, their rows locked on PostgreSQL), never by a count over the
    whole release: that count read every analysed document once per batch."""
    begin_write()
    ids = [row[0] for row in batch.rows]
    still_pending = set(
        db.session.scalars(
            select(ReleaseDocument.id)
            .where(ReleaseDocument.id.in_(ids), ReleaseDocument.status == "pending")
            .with_for_update()
        )
    )
    moved = [
        (row[0], values)
        for row, values in zip(batch.rows, outcomes, strict=True)
        if row[0] in still_pending
    ]
    if moved:
        # One executemany of a Core UPDATE: no ORM object per document.
        table = cast(Table, ReleaseDocument.__table__)
        db.session.connection().execute(
            update(table)
            .where(table.c.id == bindparam("document"), table.c.status == "pending")
            .values({name: bindparam(f"new_{name}") for name in STORED}),
            [
                {f"new_{name}": values.get(name, DEFAULTS.get(name)) for name in STORED}
                | {"document": document_id}
                for document_id, values in moved
            ],
        )
    db.session.execute(
        update(Release)
        .where(Release.id == release_id)
        .values(
            analysed_count=Release.analysed_count + len(moved),
            char_count=Release.char_count + sum(values["chars"] for _, values in moved),
            heartbeat_at=utcnow(),
        )
    )
    db.session.commit()


STORED = ("status", "chars", "error", "findings", "residual_findings", "residual_count")
DEFAULTS: dict[str, Any] = {"findings": [], "residual_findings": [], "residual_count": 0}


def _analyse_pending(
    release_id: int, policy: ReleasePolicy, key: bytes, analysers: Analysers
) -> None:
    """Batches through two stages (analysis, then redaction and residual scan), each
    stage keeping its worker processes busy; in this process, one batch at a time."""
    first: deque[_Batch] = deque()
    second: deque[_Batch] = deque()
    last, more = -1, True
    while more or first or second:
        rows = _pending(release_id, last) if more else []
        if more := bool(rows):
            last = rows[-1][1]
            first.append(_Batch(rows, analysers.submit([t for *_, t in rows], policy.profile)))
        while first and (not more or len(first) > analysers.workers()):
            second.append(_redact(first.popleft(), policy, key, analysers))
        while second and (not more or len(second) > analysers.workers()):
            batch = second.popleft()
            _store(release_id, batch, _outcomes(batch, policy, analysers))


def analyse_release(release_id: int, processes: int | None = None) -> None:
    """Analyse the pending documents of a release that is ``analysing`` (a no-op otherwise),
    in ``processes`` worker processes (``analyser_processes()`` by default), then fail it
    or open its review (``finish_analysis``)."""
    release = db.session.get(Release, release_id)
    if release is None or release.state != ReleaseState.ANALYSING:
        return
    policy, key = policy_of(release), release.pseudonym_key
    db.session.rollback()
    processes = analyser_processes() if processes is None else processes
    # The documents are read once and written back once: 64 MB of page cache would only
    # stay with the consumer for its life (see ``small_page_cache``).
    with small_page_cache(ONE_PASS_CACHE_KB):
        with Analysers(processes, (policy.profile, RESIDUAL_PROFILE)) as analysers:
            analysers.warm_up()
            _analyse_pending(release_id, policy, key, analysers)
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
        .where(ReleaseDocument.release_id == release.id, ReleaseDocument.in_sample.is_(True))
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
