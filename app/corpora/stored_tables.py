"""A table's columns, first rows and mapping as the corpus row keeps them, read from an
upload sent in parts back from object storage, and plain text's reading mode."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import IO, Any, cast

from app.corpora.tables.entries import TABLE_FORMATS
from app.corpora.tables.setup import prepare_table
from app.corpora.upload_checks import TEXT_CHECKS, CheckedStream, UploadRejected
from app.exceptions import Invalid
from app.storage import ObjectStore


def text_reading(fmt: str, text_mode: str) -> dict[str, Any] | None:
    """The ``mapping`` column of a plain-text corpus read line by line (None: by paragraph,
    and for every other format)."""
    return {"text_mode": "line"} if fmt == "txt" and text_mode == "line" else None


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
