"""Corpus upload: stream the bytes to object storage, then ingest them in a background job."""

from __future__ import annotations

import codecs
import hashlib
import shutil
import tempfile
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, cast
from urllib.parse import quote

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import record_event
from app.corpora.annotations_in import BINARY_TEXT_FORMATS, TEXT_FORMATS
from app.corpora.documents.text import EncodingSniffer
from app.corpora.formats import TEXT_MODES
from app.corpora.images import IMAGE_CONTENT_TYPES, ImageOverBudget, check_header
from app.corpora.tables.entries import TABLE_FORMATS
from app.corpora.tables.setup import prepare_table, validated_mapping
from app.corpora.upload_formats import identify_upload
from app.database import begin_write
from app.exceptions import Forbidden, Invalid, Unavailable
from app.extensions import db
from app.models import Corpus, Role, User
from app.rule_messages import image_over_budget_message, line_error_message
from app.scoping import get_managed
from app.storage import ObjectStore, StorageUnavailable

# Text is checked while it streams in: JSON Lines must be UTF-8 (RFC 8259), plain text may
# be UTF-8, GBK or GB18030. HTML is stored as plain text, never as a page to render.
TEXT_CHECKS = {
    "txt": "cascade",
    "jsonl": "utf-8",
    "json": "utf-8",
    "csv": "cascade",
    "tsv": "cascade",
    **{fmt: "utf-8" for fmt in TEXT_FORMATS if fmt not in BINARY_TEXT_FORMATS},
}
CONTENT_TYPES = {
    **IMAGE_CONTENT_TYPES,
    "zip": "application/zip",
    "docs": "application/zip",
    "spacy": "application/octet-stream",
    "lsboxes": "application/zip",
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "jsonl": "text/plain; charset=utf-8",
    "json": "application/json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UploadRejected(Exception):
    """Raised from inside the upload stream; aborts the multipart upload."""

    def __init__(self, error: Invalid) -> None:
        super().__init__(str(error))
        self.error = error


class CheckedStream:
    """File-like wrapper that hashes, counts and checks text while the bytes pass through.

    ``text`` is None (bytes not checked), ``"utf-8"`` (strict UTF-8, as JSON Lines must be)
    or ``"cascade"`` (UTF-8, GBK or GB18030, whichever fits the whole file: ``encoding``).
    """

    def __init__(self, raw: IO[bytes], text: str | None = "utf-8") -> None:
        self.raw = raw
        self.text = text
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.lines = 1
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.sniffer = EncodingSniffer()

    @property
    def encoding(self) -> str | None:
        """The text encoding found (None for files that are not checked as text)."""
        return (
            None
            if self.text is None
            else self.sniffer.encoding
            if self.text == "cascade"
            else "utf-8"
        )

    def read(self, size: int = -1) -> bytes:
        chunk = self.raw.read(size)
        if self.text is not None:
            self._check_text(chunk)
        self.sha256.update(chunk)
        self.size += len(chunk)
        return chunk

    def _check_text(self, chunk: bytes) -> None:
        if b"\x00" in chunk:
            raise UploadRejected(Invalid(_l("The file contains NUL bytes: it is not text.")))
        if self.text == "cascade":
            self.sniffer.feed(chunk, final=not chunk)
            if not self.sniffer.decoders:
                raise UploadRejected(
                    Invalid(
                        _l(
                            "The file is neither UTF-8 nor GB18030/GBK text (line %(line)d is not "
                            "UTF-8). Save it as UTF-8 and upload it again.",
                            line=self.sniffer.utf8_error_line or 1,
                        )
                    )
                )
            return
        try:
            self.decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            line = self.lines + chunk[: exc.start].count(b"\n")
            raise UploadRejected(
                Invalid(_l("The file is not valid UTF-8 (line %(line)d).", line=line))
            ) from exc
        self.lines += chunk.count(b"\n")


def checked_text_mode(mode: Any) -> str:
    """How plain text splits into items: ``paragraph`` (the default, also for an empty
    field) or ``line``. Invalid otherwise."""
    if mode is None or mode == "":
        return "paragraph"
    if mode not in TEXT_MODES:
        raise Invalid(
            _l("Split text by paragraph or by line; “%(mode)s” is neither.", mode=str(mode)[:40]),
            code="text_mode",
        )
    return str(mode)


def text_reading(fmt: str, text_mode: str) -> dict[str, Any] | None:
    """The ``mapping`` column of a plain-text corpus read line by line (None: by paragraph,
    and for every other format)."""
    return {"text_mode": "line"} if fmt == "txt" and text_mode == "line" else None


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


def display_filename(filename: str) -> str:
    """The base name without control or bidi-override characters, at most 255 characters."""
    base = PurePath(filename.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return cleaned[:255] or "upload"


def _refuse_undecodable(stream: IO[bytes]) -> None:
    """Read a picture's header in the upload request: a picture over the decoding memory
    budget, or one whose header is not a picture, is refused before anything is stored."""
    try:
        check_header(stream, current_app.config["IMAGE_DECODE_BUDGET"])
    except ImageOverBudget as exc:
        message = image_over_budget_message(exc.width, exc.height, exc.decoded, exc.budget)
        raise Invalid(message, code="image_over_budget") from None
    except ValueError as exc:
        reason = line_error_message(str(exc))
        raise Invalid(
            _l("This picture cannot be opened: %(reason)s. Nothing was stored.", reason=reason),
            code=str(exc),
        ) from None


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
        _refuse_undecodable(stream)
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


@dataclass(frozen=True)
class StoredTable:
    """A table's columns, first rows and mapping (the corpus's ``mapping`` column; None for
    other formats), and whether its ingestion may start now (False: the mapping step)."""

    table: dict[str, Any] | None = None
    ready: bool = True


def stored_table(
    fmt: str, store: ObjectStore, key: str, wait: bool = False, text_mode: str = "paragraph"
) -> StoredTable:
    """What :class:`StoredTable` an upload sent in parts needs: a table's columns and first
    rows, read back from object storage, wait for the mapping step when ``wait`` asks for it
    (the browser does) or when it has no conventional text column (named text, content, 文本
    …); otherwise it takes the conventional mapping. JSON Lines with such a field is ingested
    at once, as before tables had a mapping step.

    CSV and TSV are read whole first, since their encoding (UTF-8, GBK or GB18030) is known
    only at the end, and .xlsx needs a seekable file: both are spooled to disk, so memory
    stays flat. JSON and JSON Lines are UTF-8 by definition (RFC 8259), so only the records
    the preview shows are read; the ingestion checks every line's bytes (invalid UTF-8, NUL)
    and imports nothing from a file with a bad line."""
    if fmt not in TABLE_FORMATS:
        return StoredTable(text_reading(fmt, text_mode))
    if fmt in ("json", "jsonl"):

        def from_the_head(wait_now: bool) -> tuple[dict[str, Any], bool]:
            with closing(store.iter_chunks(key)) as chunks:  # the rest is never downloaded
                reader = cast(IO[bytes], _ChunkReader(chunks))
                return prepare_table(fmt, reader, "utf-8", None, wait_now)

        return _described(fmt, from_the_head, wait)
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        reader = cast(IO[bytes], _ChunkReader(store.iter_chunks(key)))
        checked = CheckedStream(reader, text=TEXT_CHECKS.get(fmt))
        try:
            shutil.copyfileobj(checked, spool)
        except UploadRejected as rejected:  # NUL bytes, or neither UTF-8 nor GBK
            raise rejected.error from None

        def from_the_spool(wait_now: bool) -> tuple[dict[str, Any], bool]:
            spool.seek(0)
            return prepare_table(fmt, cast(IO[bytes], spool), checked.encoding, None, wait_now)

        return _described(fmt, from_the_spool, wait)


def _described(
    fmt: str, read_table: Callable[[bool], tuple[dict[str, Any], bool]], wait: bool
) -> StoredTable:
    """The table as ``read_table(wait)`` describes it; read again to wait for the mapping
    step when it has no conventional text column."""
    try:
        table, ready = read_table(wait and fmt != "jsonl")
    except Invalid:  # no conventional text column: the vendor maps the columns
        table, ready = read_table(True)
    return StoredTable(table, ready)


class _ChunkReader:
    """A file-like ``read`` over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.rest = b""

    def read(self, size: int = -1, /) -> bytes:
        while size < 0 or len(self.rest) < size:
            chunk = next(self.chunks, b"")
            if not chunk:
                break
            self.rest += chunk
        out, self.rest = (self.rest, b"") if size < 0 else (self.rest[:size], self.rest[size:])
        return out


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


def _mapping_json(corpus: Corpus) -> dict[str, Any] | None:
    if not corpus.mapping or corpus.file_format == "txt":  # plain text keeps its mode only
        return None
    keys = ("encoding", "sheets", "chosen", "proposed", "meta_columns")
    return {key: corpus.mapping.get(key) for key in keys}


#: Other tools' exports, as the corpus page names them.
PREANNOTATED_TITLES = {
    "lsjson": _l("Label Studio JSON"),
    "doccano": _l("doccano JSONL"),
    "conll": _l("CoNLL-2003 / BIO"),
    "coco": _l("COCO JSON with its pictures"),
    "voc": _l("Pascal VOC with its pictures"),
    "yolo": _l("YOLO with its pictures"),
    "lsboxes": _l("Label Studio JSON with its pictures"),
    "spacy": _l("spaCy DocBin"),
}


def format_title(file_format: str) -> str:
    """The name of a corpus's format shown to people (the format code for plain corpora)."""
    title = PREANNOTATED_TITLES.get(file_format)
    return str(title) if title is not None else file_format


def corpus_json(corpus: Corpus) -> dict[str, Any]:
    """A corpus as the API shows it, with translated per-line errors and, for a table, its
    columns, first rows and mapping."""
    errors = [dict(e, message=line_error_message(e["code"], e.get("field"))) for e in corpus.errors]
    progress = corpus.bytes_processed / corpus.size_bytes if corpus.size_bytes else 1.0
    return {
        "id": corpus.id,
        "name": corpus.name,
        "status": corpus.status,
        "item_count": corpus.item_count,
        "duplicate_count": corpus.duplicate_count,
        "size_bytes": corpus.size_bytes,
        "progress": round(min(progress, 1.0), 3),
        "errors": errors,
        "file_format": corpus.file_format,
        "mapping": _mapping_json(corpus),
        "format": corpus.file_format,
        "format_title": format_title(corpus.file_format),
        "preannotations": corpus.preannotations,
        "text_mode": text_mode_of(corpus),
    }


def text_mode_of(corpus: Corpus) -> str | None:
    """How a plain-text corpus was split into items (None for other formats)."""
    if corpus.file_format != "txt":
        return None
    return str((corpus.mapping or {}).get("text_mode", "paragraph"))
