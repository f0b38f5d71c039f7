"""What an upload is checked for before and while its bytes stream to storage: a picture's
header, the text encoding, NUL bytes, plain text's split mode, the name shown for the file."""

from __future__ import annotations

import codecs
import hashlib
import unicodedata
from pathlib import PurePath
from typing import IO, Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.corpora.annotations_in import BINARY_TEXT_FORMATS, TEXT_FORMATS
from app.corpora.documents.text import EncodingSniffer
from app.corpora.formats import TEXT_MODES
from app.corpora.images import IMAGE_CONTENT_TYPES, ImageOverBudget, check_header
from app.exceptions import Invalid
from app.rule_messages import image_over_budget_message, line_error_message

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


def display_filename(filename: str) -> str:
    """The base name without control or bidi-override characters, at most 255 characters."""
    base = PurePath(filename.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    return cleaned[:255] or "upload"


def refuse_undecodable(stream: IO[bytes]) -> None:
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
