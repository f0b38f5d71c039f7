"""Corpus upload: stream the bytes to object storage, then ingest them in a background job."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any
from urllib.parse import quote

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import record_event
from app.corpora.images import IMAGE_CONTENT_TYPES
from app.corpora.stored_tables import StoredTable, text_reading
from app.corpora.tables.entries import TABLE_FORMATS
from app.corpora.tables.setup import prepare_table, validated_mapping
from app.corpora.upload_checks import (
    CONTENT_TYPES,
    TEXT_CHECKS,
    CheckedStream,
    UploadRejected,
    checked_text_mode,
    display_filename,
    refuse_undecodable,
)
from app.corpora.upload_formats import identify_upload
from app.database import begin_write
from app.exceptions import Forbidden, Invalid, Unavailable
from app.extensions import db
from app.models import Corpus, Role, User
from app.scoping import get_managed
from app.storage import ObjectStore, StorageUnavailable


def _described_table(
    fmt: str,
    stream: IO[bytes],
    checked: CheckedStream,
    mapping: Any,
    wait: bool,
    text_mode: str = "paragraph",
) -> tuple[dict[str, Any] | None, bool]:
    """(the corpus's ``mapping`` column, whether ingestion starts now) of a stored upload: a
    table's columns, first rows and mapping (read again from the start of the upload), plain
    text's mode, or None for other formats. Raises Invalid for a table that is refused."""
    if fmt not in TABLE_FORMATS:
        return text_reading(fmt, text_mode), True
    stream.seek(0)
    return prepare_table(fmt, stream, checked.encoding, mapping, wait)


def upload_corpus(
    user: User,
    name: str,
    filename: str,
    stream: IO[bytes],
    store: ObjectStore,
    enqueue: Callable[[int], None],
    mapping: Any = None,
    wait_for_mapping: bool = False,
    text_mode: str = "paragraph",
) -> Corpus:
    """Store an uploaded corpus and queue its ingestion.

    The bytes go to ``corpora/<org>/<key>/raw/original.<ext>`` in one streaming multipart
    upload. A table (CSV, TSV, .xlsx, JSON) takes ``mapping`` (see
    :mod:`app.corpora.tables.mapping`) or the conventional one; with ``wait_for_mapping``
    it waits in status ``mapping`` for :func:`choose_mapping`. Plain text splits by
    ``text_mode`` (``paragraph`` or ``line``). Raises Invalid (bad file, mapping or mode),
    Forbidden (not a vendor or publisher) or Unavailable (storage down); in every case no row
    and no object remain.
    """
    if user.role not in (Role.VENDOR, Role.PUBLISHER) or user.organization_id is None:
        raise Forbidden(_l("Only vendor staff can upload corpora."))
    text_mode = checked_text_mode(text_mode)
    fmt = identify_upload(filename, stream)
    if fmt in IMAGE_CONTENT_TYPES:
        refuse_undecodable(stream)
    shown_name = display_filename(filename)
    name = name.strip() or PurePath(shown_name).stem
    key = f"corpora/{user.organization_id}/{uuid.uuid4().hex}/raw/original.{fmt}"
    checked = CheckedStream(stream, text=TEXT_CHECKS.get(fmt))
    try:
        store.put_stream(
            key,
            checked,
            CONTENT_TYPES.get(fmt, "text/plain"),
            metadata={"original-filename": quote(filename[:1024])},
        )
    except UploadRejected as rejected:
        raise rejected.error from None
    except StorageUnavailable as exc:
        raise Unavailable(_l("Storage is unavailable; nothing was saved. Try again.")) from exc
    try:
        table, ready = _described_table(fmt, stream, checked, mapping, wait_for_mapping, text_mode)
    except Exception:  # a refused table (Invalid) or worse: its bytes go
        store.delete(key)
        raise
    corpus = record_corpus(
        user,
        name,
        StoredFile(shown_name, fmt, key, checked.size, checked.sha256.hexdigest()),
        store,
        StoredTable(table, ready),
        encoding=checked.encoding,
    )
    if ready:
        enqueue(corpus.id)
    return corpus


@dataclass(frozen=True)
class StoredFile:
    """An uploaded file in object storage, its format found by its bytes."""

    shown_name: str
    fmt: str
    key: str
    size: int
    sha256: str  # empty until the ingestion hashes it (a file sent in parts)


def record_corpus(
    user: User,
    name: str,
    stored: StoredFile,
    store: ObjectStore,
    table: StoredTable | None = None,
    **detail: Any,
) -> Corpus:
    """The corpus row of a stored file, ``processing`` (``mapping`` for a table waiting for
    its mapping step), committed with its audit event.

    On failure the object is deleted and nothing remains."""
    table = table or StoredTable()
    try:
        begin_write()
        corpus = Corpus(
            organization_id=user.organization_id,
            name=name[:200],
            file_format=stored.fmt,
            original_filename=stored.shown_name,
            object_key=stored.key,
            size_bytes=stored.size,
            sha256=stored.sha256,
            created_by_id=user.id,
            status="processing" if table.ready else "mapping",
            mapping=table.table,
        )
        db.session.add(corpus)
        db.session.flush()
        record_event(
            "corpus_uploaded",
            user,
            object_type="corpus",
            object_id=corpus.id,
            bytes=stored.size,
            format=stored.fmt,
            **detail,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        store.delete(stored.key)
        raise
    return corpus


def ready_corpora(user: User) -> list[Corpus]:
    """The user's organization's corpora that finished ingestion (for a project form)."""
    return list(
        db.session.scalars(
            select(Corpus)
            .where(Corpus.organization_id == user.organization_id, Corpus.status == "ready")
            .order_by(Corpus.id.desc())
        )
    )


def choose_mapping(user: User, corpus_id: int, data: Any, enqueue: Callable[[int], None]) -> Corpus:
    """The mapping step: check ``data`` against the table's columns, keep it and queue the
    ingestion. NotFound for another organization's corpus, Invalid for a bad mapping or a
    corpus that is not waiting for one (nothing changes then)."""
    if user.role not in (Role.VENDOR, Role.PUBLISHER):
        raise Forbidden(_l("Only vendor staff can upload corpora."))
    begin_write()
    corpus = get_managed(Corpus, corpus_id, user)
    if corpus.status != "mapping" or not corpus.mapping:
        db.session.rollback()
        raise Invalid(_l("This corpus is not waiting for a mapping."), code="not_mapping")
    try:
        chosen = validated_mapping(corpus.file_format, corpus.mapping["sheets"], data)
    except Invalid:
        db.session.rollback()
        raise
    corpus.mapping = {**corpus.mapping, "chosen": chosen.as_json()}
    corpus.status = "processing"
    record_event(
        "corpus_mapped", user, object_type="corpus", object_id=corpus.id, **chosen.as_json()
    )
    db.session.commit()
    enqueue(corpus.id)
    return corpus
