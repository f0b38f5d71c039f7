"""Approval (second person, sample bound met, residual scan clean) and publishing: the
redacted documents written once under ``releases/<id>/`` with a signed manifest."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, true

from app.csv_export import csv_lines
from app.database import as_utc, begin_write
from app.exceptions import Conflict, Unavailable
from app.extensions import db
from app.models import Item, Organization, Release, ReleaseDocument, ReviewDecision, User
from app.models.base import utcnow
from app.releases.errors import ReleaseRuleError
from app.releases.manifest import (
    ManifestFile,
    Person,
    build_manifest,
    canonical_bytes,
    deid_fingerprint,
    file_entry,
    sign_manifest,
)
from app.releases.redaction import DocumentRedaction, redact_document
from app.releases.review import _reviewable, decisions_of, review_summary, split_decisions
from app.releases.sampling import residual_bound
from app.releases.scanning import residual_scan, stored_finding
from app.releases.services import ensure_can_move, get_built, move, policy_of, service_error
from app.releases.states import ReleaseState, check_approver
from app.storage import ObjectStore, StorageUnavailable

BATCH = 500
SPOOL_BYTES = 8 * 1024 * 1024


def redacted_documents(release: Release, document_ids: list[int] | None = None,
                       ) -> Iterator[tuple[ReleaseDocument, DocumentRedaction]]:
    """Every analysed document of ``release`` (or those of ``document_ids``) in order with
    its redaction under the policy, the reviewers' decisions and the release's pseudonym
    key, read in batches of ``BATCH``.  Raises Conflict (``release.unanalysed``) at a
    document that was not analysed: nothing leaves raw."""
    policy, last = policy_of(release), -1
    chosen = ReleaseDocument.id.in_(document_ids) if document_ids is not None else true()
    while True:
        rows = db.session.execute(
            select(ReleaseDocument, Item.text).join(Item, Item.id == ReleaseDocument.item_id)
            .where(ReleaseDocument.release_id == release.id, ReleaseDocument.seq > last, chosen)
            .order_by(ReleaseDocument.seq).limit(BATCH)).tuples().all()
        if not rows:
            return
        decisions = decisions_of([document.id for document, _ in rows])
        for document, text in rows:
            if document.status != "analysed":
                raise Conflict(_l("A document was not analysed."), code="release.unanalysed")
            rejected, added = split_decisions(decisions.get(document.id, []))
            yield document, redact_document(
                text, [stored_finding(f) for f in document.findings], policy,
                release.pseudonym_key, rejected, added)
        last = rows[-1][0].seq


def rescan_decided(release: Release) -> int:
    """Scan again, with the reviewers' decisions applied, every document that has decisions
    (the analysis job scanned the rest: their output cannot have changed); a span a
    reviewer rejected is dismissed.  Returns how many documents of the release still have
    residual findings.  The caller commits."""
    decided = list(db.session.scalars(
        select(ReviewDecision.document_id.distinct())
        .join(ReleaseDocument, ReleaseDocument.id == ReviewDecision.document_id)
        .where(ReleaseDocument.release_id == release.id)))
    threshold = policy_of(release).residual_threshold
    for start in range(0, len(decided), BATCH):
        pairs = list(redacted_documents(release, decided[start:start + BATCH]))
        decisions = decisions_of([d.id for d, _ in pairs])
        dismissed = [split_decisions(decisions.get(d.id, []))[0] for d, _ in pairs]
        scans = residual_scan([r for _, r in pairs], threshold, dismissed)
        for (document, _), scan in zip(pairs, scans, strict=True):
            if isinstance(scan, str):
                raise Conflict(_l("The residual scan failed on a document."),
                               code="release.residual_scan_failed", details=[document.id])
            document.residual_findings, document.residual_count = scan, len(scan)
    db.session.flush()
    return db.session.scalar(select(func.count()).where(
        ReleaseDocument.release_id == release.id, ReleaseDocument.residual_count > 0)) or 0


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
        raise Conflict(_l("The residual bound is above the policy's."),
                       code="release.bound_not_met")
    if flagged := rescan_decided(release):
        db.session.commit()  # keep the residual findings for the reviewers
        raise Conflict(_l("The residual scan found identifiers in %(n)d documents.", n=flagged),
                       code="release.residual_findings")
    release.residual = summary
    release.approved_by_id, release.approved_at = user.id, utcnow()
    move(release, ReleaseState.APPROVED, user, bound=summary["bound_per_1000"])
    db.session.commit()
    return release


@dataclass
class _Written:
    files: list[ManifestFile] = field(default_factory=list)
    by_type: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)


def _put(store: ObjectStore, release: Release, path: str, stream: IO[bytes],
         content_type: str) -> None:
    store.put_stream(f"releases/{release.id}/{path}", stream, content_type)


def _put_bytes(store: ObjectStore, release: Release, written: _Written, path: str,
               data: bytes, content_type: str) -> None:
    _put(store, release, path, io.BytesIO(data), content_type)
    written.files.append(file_entry(path, data))


def _csv_row(values: tuple[Any, ...]) -> bytes:
    return "".join(csv_lines([values])).removeprefix("\ufeff").encode()


class _HashingSpool:
    """A spooled file that hashes and counts what is written to it."""

    def __init__(self, head: bytes = b"") -> None:
        self.file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
        self.digest, self.size = hashlib.sha256(), 0
        self.write(head)

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.digest.update(data)
        self.size += len(data)


def _write_documents(release: Release, store: ObjectStore) -> _Written:
    # The CSV starts with a BOM so spreadsheet programs read the Chinese as UTF-8.
    written = _Written()
    jsonl = _HashingSpool()
    table = _HashingSpool("\ufeff".encode() + _csv_row(("seq", "characters", "text")))
    for document, result in redacted_documents(release):
        _put_bytes(store, release, written, f"texts/{document.seq:06d}.txt",
                   result.text.encode(), "text/plain; charset=utf-8")
        jsonl.write(json.dumps({"seq": document.seq, "text": result.text},
                               ensure_ascii=False).encode() + b"\n")
        table.write(_csv_row((document.seq, len(result.text), result.text)))
        written.by_type.update(f.entity_type for f in result.applied)
        written.kept.update(k.text for k in result.kept)
    for path, spool, kind in (("documents.jsonl", jsonl, "application/x-ndjson"),
                              ("documents.csv", table, "text/csv; charset=utf-8")):
        spool.file.seek(0)
        _put(store, release, path, spool.file, kind)
        written.files.append(ManifestFile(path, spool.digest.hexdigest(), spool.size))
        spool.file.close()
    return written


def _person(user_id: int | None) -> Person:
    user = db.session.get(User, user_id) if user_id else None
    org = db.session.get(Organization, user.organization_id) if user and user.organization_id \
        else None
    return Person(user.id if user else 0, user.name if user else "",
                  org.name if org else "安徽省数据资源局")


def _manifest(release: Release, written: _Written, published_at: datetime) -> dict[str, Any]:
    organization = db.session.get(Organization, release.organization_id)
    summary = release.residual
    return build_manifest(
        release={"id": release.id, "title": release.title, "domain": release.domain,
                 "licence": release.licence, "corpus_id": release.corpus_id,
                 "publisher": organization.name if organization else "",
                 "city": organization.city if organization else "",
                 "department": (organization.department or "") if organization else ""},
        files=written.files,
        counts={"documents": release.document_count, "characters": release.char_count,
                "sampled": summary.get("sample_size", 0), "reviewed": summary.get("reviewed", 0),
                "missed": summary.get("missed", 0)},
        policy=policy_of(release), findings_by_type=written.by_type, kept_names=written.kept,
        residual=residual_bound(summary.get("missed", 0), max(summary.get("reviewed", 0), 1),
                                max(release.document_count, 1)),
        deid_info=deid_fingerprint(), builder=_person(release.created_by_id),
        approver=_person(release.approved_by_id),
        times={name: as_utc(moment) if moment else None for name, moment in (
            ("created", release.created_at), ("analysed", release.analysed_at),
            ("approved", release.approved_at), ("published", published_at))})


def publish_release(user: User, release_id: int, store: ObjectStore,
                    private_key: Ed25519PrivateKey) -> Release:
    """Publish an approved release of the user's organization: write every redacted document
    (``texts/NNNNNN.txt``, ``documents.jsonl``, ``documents.csv``) under ``releases/<id>/``,
    then ``manifest.json`` (canonical bytes) and ``manifest.sig`` (Ed25519, see
    ``app.releases.manifest``), and only then mark the release published.  If the object
    store fails on the way nothing is listed and the release can be published again.
    Raises NotFound, Conflict (``release.bad_transition``) or Unavailable."""
    release = get_built(user, release_id)
    ensure_can_move(release, ReleaseState.PUBLISHED)
    try:
        written = _write_documents(release, store)
        manifest = _manifest(release, written, published_at := utcnow())
        signature = sign_manifest(manifest, private_key)
        _put_bytes(store, release, written, "manifest.json", canonical_bytes(manifest),
                   "application/json")
        _put_bytes(store, release, written, "manifest.sig",
                   json.dumps(signature, sort_keys=True).encode(), "application/json")
    except StorageUnavailable as error:
        db.session.rollback()
        raise Unavailable(_l("Storage is unavailable; nothing was published. Try again.")) \
            from error
    return _mark_published(user, release.id, manifest, signature, written, published_at)


def _mark_published(user: User, release_id: int, manifest: dict[str, Any],
                    signature: dict[str, str], written: _Written,
                    published_at: datetime) -> Release:
    begin_write()
    release = get_built(user, release_id)
    release.manifest, release.signature = manifest, signature
    release.size_bytes = sum(f.size for f in written.files)
    release.published_at = published_at
    move(release, ReleaseState.PUBLISHED, user, files=len(written.files))
    db.session.commit()
    return release
