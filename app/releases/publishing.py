"""Publishing: the redacted documents written once under ``releases/<id>/`` with a signed
manifest, by a background job, listed only once everything is written."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import or_, select

from app.audit import record_event
from app.csv_export import csv_lines
from app.database import ONE_PASS_CACHE_KB, as_utc, begin_write, small_page_cache
from app.extensions import db
from app.models import Organization, Project, Release, User
from app.models.base import utcnow
from app.quality.report import final_results
from app.releases.approval import redacted_documents
from app.releases.manifest import (
    ManifestFile,
    Person,
    build_manifest,
    deid_fingerprint,
    file_entry,
    sign_bytes,
    write_canonical,
)
from app.releases.redaction import DocumentRedaction, remap_spans
from app.releases.sampling import residual_bound
from app.releases.services import ensure_can_move, get_built, move, policy_of, touch
from app.releases.states import ReleaseState
from app.storage import ObjectStore, StorageUnavailable

SPOOL_BYTES = 1024 * 1024  # documents.jsonl and .csv go to disk beyond this
PUT_THREADS = 8
IN_FLIGHT = 64
HEARTBEAT_EVERY = 1000  # documents written between two heartbeats
# A publishing job without a heartbeat for this long lost its worker.
STALE_AFTER = timedelta(minutes=10)


class _TextEntries:
    """The manifest entries of the per-document texts, one line each in a temporary file
    (a release of 100,000 documents lists 100,000 texts; held as objects they were the
    largest part of the publishing job's memory)."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()
        self.count, self.size, self.last, self.in_order = 0, 0, "", True

    def add(self, entry: ManifestFile) -> None:
        self.in_order = self.in_order and entry.path > self.last
        self.file.write(f"{entry.path}\t{entry.sha256}\t{entry.size}\n".encode())
        self.count, self.size, self.last = self.count + 1, self.size + entry.size, entry.path

    def by_path(self) -> Iterator[ManifestFile]:
        """The entries sorted by path: as written (documents go in ``seq`` order, and
        ``texts/NNNNNN.txt`` sorts so below a million documents), else sorted here."""
        self.file.seek(0)
        entries = (
            ManifestFile(path, digest, int(size))
            for path, digest, size in (line.decode().split("\t") for line in self.file)
        )
        return entries if self.in_order else iter(sorted(entries, key=lambda f: f.path))


@dataclass
class _Written:
    files: list[ManifestFile] = field(default_factory=list)  # the top-level files
    texts: _TextEntries = field(default_factory=_TextEntries)
    by_type: Counter[str] = field(default_factory=Counter)
    kept: Counter[str] = field(default_factory=Counter)
    spans: Counter[str] = field(default_factory=Counter)

    @property
    def file_count(self) -> int:
        return len(self.files) + self.texts.count

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files) + self.texts.size


def _put(
    store: ObjectStore,
    release: Release,
    path: str,
    stream: IO[bytes],
    content_type: str,
    length: int,
) -> None:
    # One part at a time, of a known length: three 8 MB parts in flight (the SDK's default)
    # and the one being read, copied, were the job's largest moment of memory (~40 MB).
    store.put_stream(
        f"releases/{release.id}/{path}", stream, content_type, parallel_parts=1, length=length
    )


def _put_bytes(
    store: ObjectStore,
    release: Release,
    written: _Written,
    path: str,
    data: bytes,
    content_type: str,
) -> None:
    _put(store, release, path, io.BytesIO(data), content_type, len(data))
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


def _final_labels(release: Release) -> dict[int, dict[str, Any]]:
    project = db.session.get(Project, release.project_id) if release.project_id else None
    return final_results(project) if project else {}


def published_title(title: Any, text: str, result: DocumentRedaction) -> str | None:
    """A document's title as published: only when it is the first line of its ``text``,
    and then as redacted there.  A title from a file's properties never went through the
    de-identifier, nor did the source file name: neither is published."""
    if not isinstance(title, str) or not title or text.split("\n", 1)[0] != title:
        return None
    return result.text[: result.redaction.offset_map[len(title)]]


def remapped_labels(
    labels: dict[str, Any] | None, result: DocumentRedaction, counts: Counter[str]
) -> dict[str, Any] | None:
    """A final answer as published: spans (``[start, end, label]``) moved into the redacted
    text (``app.releases.redaction.remap_spans``; widened spans kept, dropped ones left
    out, both counted), any other answer as it is."""
    if not labels or "spans" not in labels:
        return labels
    moved = remap_spans(result.redaction, [tuple(span) for span in labels["spans"]])
    counts.update(f"spans_{m.status}" for m in moved)
    return {
        **labels,
        "spans": [[m.new_start, m.new_end, m.label] for m in moved if m.status != "dropped"],
    }


class _Uploads:
    """The per-document objects, put by ``PUT_THREADS`` threads (the object store answers
    each small put in a few milliseconds; one at a time the job would mostly wait).  At
    most ``IN_FLIGHT`` wait; the first failure is raised by ``put`` or ``finish``."""

    def __init__(self, store: ObjectStore, release: Release) -> None:
        self.store, self.release = store, release
        self.pool = ThreadPoolExecutor(PUT_THREADS, thread_name_prefix="release-put")
        self.waiting: deque[Future[None]] = deque()

    def put(self, path: str, data: bytes, content_type: str) -> None:
        stream = io.BytesIO(data)
        self.waiting.append(
            self.pool.submit(_put, self.store, self.release, path, stream, content_type, len(data))
        )
        while len(self.waiting) > IN_FLIGHT:
            self.waiting.popleft().result()

    def finish(self) -> None:
        try:
            while self.waiting:
                self.waiting.popleft().result()
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)


def _write_documents(release: Release, store: ObjectStore, written: _Written) -> None:
    # The CSV starts with a BOM so spreadsheet programs read the Chinese as UTF-8.
    final = _final_labels(release)
    jsonl = _HashingSpool()
    table = _HashingSpool("\ufeff".encode() + _csv_row(("seq", "characters", "text")))
    uploads = _Uploads(store, release)
    try:
        for count, (document, result, text, meta) in enumerate(redacted_documents(release), 1):
            if count % HEARTBEAT_EVERY == 0:
                touch(release.id)
            path, data = f"texts/{document.seq:06d}.txt", result.text.encode()
            uploads.put(path, data, "text/plain; charset=utf-8")
            written.texts.add(file_entry(path, data))
            line: dict[str, Any] = {"seq": document.seq, "text": result.text}
            if title := published_title(meta.get("title"), text, result):
                line["title"] = title
            if release.project_id:
                line["labels"] = remapped_labels(final.get(document.item_id), result, written.spans)
            jsonl.write(json.dumps(line, ensure_ascii=False).encode() + b"\n")
            table.write(_csv_row((document.seq, len(result.text), result.text)))
            written.by_type.update(f.entity_type for f in result.applied)
            written.kept.update(k.text for k in result.kept)
    finally:
        uploads.finish()
    for path, spool, kind in (
        ("documents.jsonl", jsonl, "application/x-ndjson"),
        ("documents.csv", table, "text/csv; charset=utf-8"),
    ):
        spool.file.seek(0)
        _put(store, release, path, spool.file, kind, spool.size)
        written.files.append(ManifestFile(path, spool.digest.hexdigest(), spool.size))
        spool.file.close()


def _person(user_id: int | None) -> Person:
    user = db.session.get(User, user_id) if user_id else None
    org = (
        db.session.get(Organization, user.organization_id)
        if user and user.organization_id
        else None
    )
    return Person(
        user.id if user else 0, user.name if user else "", org.name if org else "安徽省数据资源局"
    )


def _manifest(release: Release, written: _Written, published_at: datetime) -> dict[str, Any]:
    organization = db.session.get(Organization, release.organization_id)
    summary = release.residual
    return build_manifest(
        release={
            "id": release.id,
            "title": release.title,
            "domain": release.domain,
            "licence": release.licence,
            "corpus_id": release.corpus_id,
            "project_id": release.project_id,
            "publisher": organization.name if organization else "",
            "city": organization.city if organization else "",
            "department": (organization.department or "") if organization else "",
        },
        files=written.files,
        counts={
            "documents": release.document_count,
            "characters": release.char_count,
            "sampled": summary.get("sample_size", 0),
            "reviewed": summary.get("reviewed", 0),
            "missed": summary.get("missed", 0),
            **written.spans,
        },
        policy=policy_of(release),
        findings_by_type=written.by_type,
        kept_names=written.kept,
        residual=residual_bound(
            summary.get("missed", 0),
            max(summary.get("reviewed", 0), 1),
            max(release.document_count, 1),
        ),
        deid_info=deid_fingerprint(),
        builder=_person(release.created_by_id),
        approver=_person(release.approved_by_id),
        times={
            name: as_utc(moment) if moment else None
            for name, moment in (
                ("created", release.created_at),
                ("analysed", release.analysed_at),
                ("approved", release.approved_at),
                ("published", published_at),
            )
        },
    )


def request_publish(user: User, release_id: int, enqueue: Callable[[int], None]) -> Release:
    """Queue the publishing of an approved release of the user's organization (the job is
    ``run_publish``).  Raises NotFound or Conflict (``release.bad_transition``: not
    approved, or already published)."""
    begin_write()
    release = get_built(user, release_id)
    ensure_can_move(release, ReleaseState.PUBLISHED)
    release.publish_requested_at, release.publish_requested_by_id = utcnow(), user.id
    release.heartbeat_at = release.publish_requested_at
    release.publish_error = None
    record_event("release_publish_requested", user, object_type="release", object_id=release.id)
    db.session.commit()
    enqueue(release.id)
    return release


def run_publish(release_id: int, store: ObjectStore, private_key: Ed25519PrivateKey) -> None:
    """The publishing job: write every redacted document (``texts/NNNNNN.txt``,
    ``documents.jsonl``, ``documents.csv``) under ``releases/<id>/``, then ``manifest.json``
    (canonical bytes) and ``manifest.sig`` (Ed25519, ``app.releases.manifest``), and only
    then mark the release published.  When the object store fails on the way the release
    stays approved with ``publish_error`` set, nothing is listed, and publishing can be
    asked for again (the objects are rewritten whole); a worker killed on the way leaves
    a stale heartbeat and ``stalled_publishing`` queues the job again.  A no-op unless
    publishing was asked for an approved release."""
    with small_page_cache(ONE_PASS_CACHE_KB):
        _publish(release_id, store, private_key)


def _publish(release_id: int, store: ObjectStore, private_key: Ed25519PrivateKey) -> None:
    release = db.session.get(Release, release_id)
    if (
        release is None
        or release.state != ReleaseState.APPROVED
        or release.publish_requested_at is None
    ):
        return
    touch(release_id)
    written = _Written()
    try:
        _write_documents(release, store, written)
        manifest = _manifest(release, written, published_at := utcnow())
        signature = _put_manifest(store, release, written, manifest, private_key)
    except Exception as error:
        db.session.rollback()
        _publish_failed(
            release_id, "storage_unavailable" if isinstance(error, StorageUnavailable) else "error"
        )
        raise
    finally:
        written.texts.file.close()
    _mark_published(release_id, manifest, signature, written, published_at)


def _put_manifest(
    store: ObjectStore,
    release: Release,
    written: _Written,
    manifest: dict[str, Any],
    private_key: Ed25519PrivateKey,
) -> dict[str, str]:
    """Write ``manifest.json`` (the manifest listing every file, streamed through a
    temporary file) and ``manifest.sig``; returns the signature."""
    with tempfile.TemporaryFile() as out:
        write_canonical(manifest, out, written.texts.by_path())
        out.seek(0)
        signature = sign_bytes(out.read(), private_key)
        size = out.tell()
        out.seek(0)
        _put(store, release, "manifest.json", out, "application/json", size)
    written.files.append(ManifestFile("manifest.json", "", size))
    data = json.dumps(signature, sort_keys=True).encode()
    _put_bytes(store, release, written, "manifest.sig", data, "application/json")
    return signature


def stalled_publishing(now: datetime | None = None) -> list[int]:
    """Ids of approved releases whose publishing was asked for but whose job has not
    written a heartbeat for ``STALE_AFTER`` (its worker died): queued again, they are
    written again whole."""
    limit = (now or utcnow()) - STALE_AFTER
    return list(
        db.session.scalars(
            select(Release.id).where(
                Release.state == ReleaseState.APPROVED,
                Release.publish_requested_at.is_not(None),
                or_(Release.heartbeat_at.is_(None), Release.heartbeat_at < limit),
            )
        )
    )


def _publish_failed(release_id: int, code: str) -> None:
    begin_write()
    release = db.session.get(Release, release_id)
    assert release is not None
    release.publish_error, release.publish_requested_at = code, None
    db.session.commit()


def _mark_published(
    release_id: int,
    manifest: dict[str, Any],
    signature: dict[str, str],
    written: _Written,
    published_at: datetime,
) -> None:
    begin_write()
    release = db.session.get(Release, release_id)
    assert release is not None
    actor = db.session.get(User, release.publish_requested_by_id or release.created_by_id)
    # The stored manifest leaves out the per-document texts (``text_files`` counts them):
    # the signed one, listing them all, is manifest.json in the object store.
    release.manifest = {**manifest, "text_files": written.texts.count}
    release.signature = signature
    release.size_bytes = written.size
    release.published_at = published_at
    move(release, ReleaseState.PUBLISHED, actor, files=written.file_count)
    db.session.commit()
