"""Corpus upload: stream the bytes to object storage, then ingest them in a background job."""

from __future__ import annotations

import codecs
import hashlib
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import PurePath
from typing import IO, Any
from urllib.parse import quote

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import record_event
from app.corpora.annotations_in import TEXT_FORMATS
from app.corpora.documents.text import EncodingSniffer
from app.corpora.images import IMAGE_CONTENT_TYPES
from app.corpora.upload_formats import identify_upload
from app.database import begin_write
from app.exceptions import Forbidden, Invalid, Unavailable
from app.extensions import db
from app.models import Corpus, Role, User
from app.rule_messages import line_error_message
from app.storage import ObjectStore, StorageUnavailable

# Text is checked while it streams in: JSON Lines must be UTF-8 (RFC 8259), plain text may
# be UTF-8, GBK or GB18030. HTML is stored as plain text, never as a page to render.
TEXT_CHECKS = {"txt": "cascade", "jsonl": "utf-8", **dict.fromkeys(TEXT_FORMATS, "utf-8")}
CONTENT_TYPES = {
    **IMAGE_CONTENT_TYPES,
    "zip": "application/zip",
    "docs": "application/zip",
    "pdf": "application/pdf",
    "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "jsonl": "text/plain; charset=utf-8",
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


def display_filename(filename: str) -> str:
    """The base name without control or bidi-override characters, at most 255 characters."""
    base = PurePath(filename.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return cleaned[:255] or "upload"


def upload_corpus(
    user: User,
    name: str,
    filename: str,
    stream: IO[bytes],
    store: ObjectStore,
    enqueue: Callable[[int], None],
) -> Corpus:
    """Store an uploaded corpus and queue its ingestion.

    The bytes go to ``corpora/<org>/<key>/raw/original.<ext>`` in one streaming multipart
    upload. Raises Invalid (bad file), Forbidden (not a vendor or publisher) or Unavailable
    (storage down);
    in every case no row and no object remain.
    """
    if user.role not in (Role.VENDOR, Role.PUBLISHER) or user.organization_id is None:
        raise Forbidden(_l("Only vendor staff can upload corpora."))
    fmt = identify_upload(filename, stream)
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
        begin_write()
        corpus = Corpus(
            organization_id=user.organization_id,
            name=name[:200],
            file_format=fmt,
            original_filename=shown_name,
            object_key=key,
            size_bytes=checked.size,
            sha256=checked.sha256.hexdigest(),
            created_by_id=user.id,
        )
        db.session.add(corpus)
        db.session.flush()
        record_event(
            "corpus_uploaded",
            user,
            object_type="corpus",
            object_id=corpus.id,
            bytes=checked.size,
            format=fmt,
            encoding=checked.encoding,
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        store.delete(key)
        raise
    enqueue(corpus.id)
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


#: Other tools' exports, as the corpus page names them.
PREANNOTATED_TITLES = {
    "lsjson": _l("Label Studio JSON"),
    "doccano": _l("doccano JSONL"),
    "conll": _l("CoNLL-2003 / BIO"),
    "coco": _l("COCO JSON with its pictures"),
    "voc": _l("Pascal VOC with its pictures"),
    "yolo": _l("YOLO with its pictures"),
}


def format_title(file_format: str) -> str:
    """The name of a corpus's format shown to people (the format code for plain corpora)."""
    title = PREANNOTATED_TITLES.get(file_format)
    return str(title) if title is not None else file_format


def corpus_json(corpus: Corpus) -> dict[str, Any]:
    """A corpus as the API shows it, with translated per-line errors."""
    errors = [dict(e, message=line_error_message(e["code"])) for e in corpus.errors]
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
        "format": corpus.file_format,
        "format_title": format_title(corpus.file_format),
        "preannotations": corpus.preannotations,
    }
