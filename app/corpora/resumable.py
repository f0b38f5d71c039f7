"""Resumable corpus uploads: a file of up to ``UPLOAD_MAX_BYTES`` sent in numbered parts.

The browser (or a tool) starts an upload, sends its parts in any order, as often as it must
(a part sent again replaces the one stored), asks which parts the server holds after a
dropped connection or a closed tab, and completes it. Every part streams through the app into
the object store's multipart upload with bounded memory; completing joins them, identifies
the format by the bytes as a one-request upload does, and hands the object to the corpus
ingestion. Only the user who started an upload sees it: anyone else gets a 404.
"""

from __future__ import annotations

import hashlib
import io
import math
import uuid
from collections.abc import Callable, Iterator
from pathlib import PurePath
from typing import IO, Any
from urllib.parse import quote

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from werkzeug.exceptions import ClientDisconnected

from app.corpora.services import StoredFile, record_corpus
from app.corpora.stored_tables import stored_table
from app.corpora.upload_checks import checked_text_mode, display_filename
from app.corpora.upload_formats import MAGIC, SNIFF_BYTES, identify_upload
from app.database import begin_write
from app.exceptions import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    ServiceError,
    TooLarge,
    Unavailable,
)
from app.extensions import db
from app.models import Corpus, ResumableUpload, Role, User
from app.storage import ObjectStore, StorageUnavailable, multipart
from app.storage.multipart import UploadGone

S3_MAX_PARTS = 10_000
S3_MIN_PART = 5 * 1024 * 1024  # every part but the last (S3's EntityTooSmall below it)
CHUNK = 1024 * 1024
UNAVAILABLE = _l("Storage is unavailable; nothing was lost. Try again in a moment.")


def _uploader(user: User) -> int:
    if user.role not in (Role.VENDOR, Role.PUBLISHER) or user.organization_id is None:
        raise Forbidden(_l("Only vendor staff can upload corpora."))
    return user.organization_id


def part_count(upload: ResumableUpload) -> int:
    """How many parts the file is cut into."""
    return max(1, math.ceil(upload.size_bytes / upload.part_size))


def part_length(upload: ResumableUpload, number: int) -> int:
    """The exact size of part ``number`` (the last one holds the rest)."""
    return min(upload.part_size, upload.size_bytes - (number - 1) * upload.part_size)


def _declared_size(size: Any) -> int:
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        raise Invalid(_l("The file is empty."), code="bad_size")
    if size > limit:
        raise TooLarge(
            _l(
                "The file is larger than the limit of %(limit)s GB.",
                limit=f"{limit / 1024**3:.3g}",
            ),
            code="too_large",
        )
    return size


def _declared_sha256(sha256: Any) -> str | None:
    if sha256 is None:
        return None
    digest = sha256.lower() if isinstance(sha256, str) else ""
    if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
        raise Invalid(_l("The SHA-256 must be 64 hexadecimal digits."), code="bad_sha256")
    return digest


def start_upload(
    user: User, name: str, filename: str, size: Any, sha256: Any, store: ObjectStore
) -> ResumableUpload:
    """Begin an upload of ``size`` bytes; the answer says how to cut the file."""
    organization_id = _uploader(user)
    size = _declared_size(size)
    digest = _declared_sha256(sha256)
    if not filename.strip():
        raise Invalid(_l("Choose a file to upload."), code="no_file")
    shown = display_filename(filename)
    part_size = max(
        S3_MIN_PART, current_app.config["UPLOAD_PART_BYTES"], math.ceil(size / S3_MAX_PARTS)
    )
    key = f"corpora/{organization_id}/{uuid.uuid4().hex}/raw/original"
    try:
        upload_id = multipart.start(store, key, {"original-filename": quote(shown[:200])})
    except StorageUnavailable as exc:
        raise Unavailable(UNAVAILABLE) from exc
    upload = ResumableUpload(
        id=uuid.uuid4().hex,
        organization_id=organization_id,
        created_by_id=user.id,
        name=(name.strip() or PurePath(shown).stem)[:200],
        filename=shown,
        size_bytes=size,
        part_size=part_size,
        sha256=digest,
        object_key=key,
        s3_upload_id=upload_id,
    )
    begin_write()
    db.session.add(upload)
    db.session.commit()
    return upload


def owned_upload(user: User, upload_id: str) -> ResumableUpload:
    """The user's own upload; anyone else's (or none) is a 404."""
    upload = db.session.get(ResumableUpload, upload_id[:32])
    if upload is None or upload.created_by_id != user.id:
        raise NotFound(_l("This upload does not exist or has expired; start it again."))
    return upload


def _corpus_of(upload: ResumableUpload) -> Corpus | None:
    return db.session.scalar(select(Corpus).where(Corpus.object_key == upload.object_key))


def _forget(upload: ResumableUpload) -> None:
    begin_write()
    db.session.execute(delete(ResumableUpload).where(ResumableUpload.id == upload.id))
    db.session.commit()


def _gone(upload: ResumableUpload) -> NotFound:
    _forget(upload)
    return NotFound(
        _l("This upload has expired and its parts are gone; start it again."), code="expired"
    )


def upload_status(upload: ResumableUpload, store: ObjectStore) -> dict[str, Any]:
    """The upload as the API shows it: how it is cut, which parts arrived, its corpus."""
    corpus = _corpus_of(upload)
    received: list[dict[str, int]] = []
    if corpus is None:
        received = [
            {"number": part.number, "size": part.size}
            for part in _stored_parts(upload, store)
            if part.number <= part_count(upload) and part.size == part_length(upload, part.number)
        ]
    return {
        "id": upload.id,
        "name": upload.name,
        "filename": upload.filename,
        "size": upload.size_bytes,
        "part_size": upload.part_size,
        "part_count": part_count(upload),
        "parts": received,
        "corpus_id": corpus.id if corpus else None,
    }


def _stored_parts(upload: ResumableUpload, store: ObjectStore) -> list[multipart.StoredPart]:
    try:
        return multipart.parts(store, upload.object_key, upload.s3_upload_id)
    except UploadGone:
        raise _gone(upload) from None
    except StorageUnavailable as exc:
        raise Unavailable(UNAVAILABLE) from exc


def _check_part(upload: ResumableUpload, number: int, length: int | None) -> int:
    if _corpus_of(upload) is not None:
        raise Conflict(_l("This upload is already complete."), code="complete")
    if not 1 <= number <= part_count(upload):
        raise Invalid(
            _l("Part numbers go from 1 to %(count)d.", count=part_count(upload)),
            code="bad_part_number",
        )
    expected = part_length(upload, number)
    if length != expected:
        raise Invalid(
            _l("Part %(number)d must be exactly %(size)d bytes.", number=number, size=expected),
            code="bad_part_size",
        )
    return expected


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    pieces, missing = [], size
    while missing:
        piece = stream.read(missing)
        if not piece:
            break
        pieces.append(piece)
        missing -= len(piece)
    return b"".join(pieces)


class _Body:
    """The part's bytes in chunks. A body that ends early (the client's connection broke)
    raises inside the store's request, so the store keeps nothing of the part."""

    def __init__(self, head: bytes, stream: IO[bytes], length: int) -> None:
        self.head, self.stream, self.length, self.cut = head, stream, length, False

    def __iter__(self) -> Iterator[bytes]:
        if self.head:
            yield self.head
        left = self.length - len(self.head)
        while left:
            try:
                chunk = self.stream.read(min(CHUNK, left))
            except (ClientDisconnected, OSError):  # Werkzeug's word for it, or the socket's
                chunk = b""
            if not chunk:
                self.cut = True
                raise ConnectionAbortedError("the part ended early")
            left -= len(chunk)
            yield chunk


class PartIncomplete(ServiceError):
    status = 400
    code = "part_incomplete"


def receive_part(
    user: User,
    upload_id: str,
    number: int,
    length: int | None,
    stream: IO[bytes],
    store: ObjectStore,
) -> int:
    """Stream part ``number`` (``length`` bytes) into the object store; returns its size.

    The first part's first bytes are checked as a one-request upload's are (an empty, binary
    or unknown file is refused before anything is stored); a ZIP is checked on completion."""
    upload = owned_upload(user, upload_id)
    expected = _check_part(upload, number, length)
    head = b""
    if number == 1:
        head = _read_exactly(stream, min(SNIFF_BYTES, expected))
        if not head.startswith(MAGIC["zip"]):
            identify_upload(upload.filename, io.BytesIO(head))
    body = _Body(head, stream, expected)
    try:
        multipart.put_part(store, upload.object_key, upload.s3_upload_id, number, expected, body)
    except UploadGone:
        raise _gone(upload) from None
    except (StorageUnavailable, ConnectionAbortedError) as exc:
        if body.cut:
            raise PartIncomplete(
                _l("Part %(number)d arrived incomplete; send it again.", number=number)
            ) from None
        raise Unavailable(UNAVAILABLE) from exc
    return expected


def _missing_parts(upload: ResumableUpload, stored: list[multipart.StoredPart]) -> list[int]:
    sizes = {part.number: part.size for part in stored}
    return [
        number
        for number in range(1, part_count(upload) + 1)
        if sizes.get(number) != part_length(upload, number)
    ]


def _refuse_missing(missing: list[int]) -> None:
    shown = ", ".join(map(str, missing[:10])) + (" …" if len(missing) > 10 else "")
    raise Invalid(
        _l(
            "These parts have not arrived yet: %(parts)s. Send them, then complete the "
            "upload again.",
            parts=shown,
        ),
        code="parts_missing",
        details=missing,
    )


def _identify(upload: ResumableUpload, store: ObjectStore) -> tuple[str, int]:
    reader, size = multipart.open_object(store, upload.object_key)
    with reader:
        return identify_upload(upload.filename, reader), size


def _verify_sha256(upload: ResumableUpload, store: ObjectStore) -> str:
    """The declared SHA-256, checked by reading the object once; empty when none was given
    (the ingestion hashes the file as it reads it)."""
    if upload.sha256 is None:
        return ""
    digest = hashlib.sha256()
    for chunk in store.iter_chunks(upload.object_key, CHUNK):
        digest.update(chunk)
    if digest.hexdigest() != upload.sha256:
        raise Invalid(
            _l("The file's SHA-256 is not the one declared when the upload began."),
            code="sha256_mismatch",
        )
    return upload.sha256


def _joined_elsewhere(upload: ResumableUpload, store: ObjectStore) -> Corpus:
    """The store no longer knows the multipart upload: its corpus, a conflict while another
    request makes that corpus, or a 404 when the upload expired."""
    corpus = _corpus_of(upload)
    if corpus is not None:
        return corpus
    if multipart.exists(store, upload.object_key):
        raise Conflict(
            _l("This upload is being completed; its corpus appears in a moment."),
            code="completing",
        )
    raise _gone(upload)


def _join(upload: ResumableUpload, store: ObjectStore) -> Corpus | None:
    """Complete the multipart upload; the corpus when a concurrent completion made it."""
    try:
        stored = multipart.parts(store, upload.object_key, upload.s3_upload_id)
        missing = _missing_parts(upload, stored)
        if missing:
            _refuse_missing(missing)
        multipart.complete(store, upload.object_key, upload.s3_upload_id, stored)
    except UploadGone:
        return _joined_elsewhere(upload, store)
    except StorageUnavailable as exc:
        raise Unavailable(UNAVAILABLE) from exc
    return None


def complete_upload(
    user: User,
    upload_id: str,
    store: ObjectStore,
    enqueue: Callable[[int], None],
    wait_for_mapping: bool = False,
    text_mode: str = "paragraph",
) -> Corpus:
    """Join the parts and queue the corpus ingestion; the same corpus when repeated.

    A file refused by its bytes (damaged ZIP, wrong checksum …) is deleted with the upload."""
    upload = owned_upload(user, upload_id)
    text_mode = checked_text_mode(text_mode)
    corpus = _corpus_of(upload) or _join(upload, store)
    if corpus is not None:
        return corpus
    try:
        fmt, size = _identify(upload, store)
        digest = _verify_sha256(upload, store)
    except Invalid:
        store.delete(upload.object_key)
        _forget(upload)
        raise
    except StorageUnavailable as exc:
        raise Unavailable(UNAVAILABLE) from exc
    stored = StoredFile(upload.filename, fmt, upload.object_key, size, digest)
    try:
        table = stored_table(fmt, store, upload.object_key, wait_for_mapping, text_mode)
    except Invalid:
        store.delete(upload.object_key)
        _forget(upload)
        raise
    corpus = record_corpus(user, upload.name, stored, store, table, parts=part_count(upload))
    if table.ready:
        enqueue(corpus.id)
    return corpus


def abort_upload(user: User, upload_id: str, store: ObjectStore) -> None:
    """Drop an unfinished upload and its parts."""
    upload = owned_upload(user, upload_id)
    if _corpus_of(upload) is not None:
        raise Conflict(_l("This upload is already complete."), code="complete")
    try:
        multipart.abort(store, upload.object_key, upload.s3_upload_id)
    except StorageUnavailable as exc:
        raise Unavailable(UNAVAILABLE) from exc
    _forget(upload)
