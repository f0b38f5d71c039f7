"""Ingestion of document corpora: .docx, PDF, OFD, HTML, or a .zip of documents.

The stored upload is spooled to a temporary file and read by :mod:`app.corpora.documents`;
each document becomes one text item (its paragraphs separated by blank lines) and each
refusal an error naming the archive member. The item's ``meta`` keeps the title, the source
file name, the format, the paragraph count, and the detected encoding and page count where
there are any.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from app.corpora.documents import Document, DocumentRefused, iter_documents
from app.corpora.formats import LineError, Record
from app.models import Corpus
from app.storage import ObjectStore

#: Corpus formats read as documents ("docs" is a .zip of documents).
DOCUMENT_FORMATS = ("docx", "pdf", "ofd", "html", "docs")
SPOOL_BYTES = 16 * 1024 * 1024


def corpus_is_documents(corpus: Corpus) -> bool:
    """True for corpora whose file is read as documents, one item each."""
    return corpus.file_format in DOCUMENT_FORMATS


def describe(document: Document) -> dict[str, Any]:
    """The item ``meta`` of a document (``encoding`` and ``pages`` None where they do not
    apply)."""
    return {
        "title": document.title,
        "source_name": document.source_name,
        "format": document.format,
        "paragraphs": len(document.paragraphs),
        "encoding": document.encoding,
        "pages": document.pages,
    }


class DocumentEntries:
    """The documents of a stored upload as ingestion entries, describing each one read."""

    def __init__(self, corpus: Corpus, store: ObjectStore) -> None:
        self.corpus, self.store = corpus, store
        self.bytes = 0

    def __iter__(self) -> Iterator[Record | LineError]:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as raw:
            for chunk in self.store.iter_chunks(self.corpus.object_key):
                raw.write(chunk)
                self.bytes += len(chunk)
            raw.seek(0)
            try:
                yield from self._entries(raw)
            except DocumentRefused as refused:  # the whole file or archive
                yield LineError(0, refused.code, refused.member)

    def _entries(self, raw: Any) -> Iterator[Record | LineError]:
        documents = iter_documents(raw, self.corpus.original_filename)
        for number, entry in enumerate(documents, start=1):
            if isinstance(entry, DocumentRefused):
                yield LineError(number, entry.code, entry.member)
            else:
                yield Record(number, entry.text, describe(entry))
