"""PDF files with a text layer (ISO 32000), read page by page with pypdf.

Each page's text runs are taken with their positions and grouped into paragraphs
(``layout.paragraphs``). A PDF opened with the empty user password is read; one that needs a
password is refused, as is one whose pages carry no text at all (a scan: no OCR here). pypdf
caps how far a stream may inflate (``pypdf.filters.ZLIB_MAX_OUTPUT_LENGTH``), so a small PDF
cannot unpack into gigabytes.
"""

from __future__ import annotations

import io
import math
from typing import Any

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PyPdfError

from app.corpora.documents import layout
from app.corpora.documents.model import Document, DocumentRefused, make_document

PDF_MAGIC = b"%PDF-"
MAX_PAGES = 5_000


def is_pdf(data: bytes) -> bool:
    """True when the PDF header is in the first 1,024 bytes (where readers look for it)."""
    return PDF_MAGIC in data[:1024]


def _open(data: bytes, source_name: str) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentRefused("encrypted_pdf", source_name)
        if len(reader.pages) > MAX_PAGES:
            raise DocumentRefused("document_too_large", f"{len(reader.pages)} pages")
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise DocumentRefused("corrupt_pdf", source_name) from None
    return reader


def _page_runs(page: Any) -> list[layout.Run]:
    runs: list[layout.Run] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
        runs.append(layout.run(x, -y, abs(size * scale) or 1.0, text.replace("\x00", "")))

    page.extract_text(visitor_text=visit)
    return runs


def _page_lines(reader: PdfReader, number: int) -> list[layout.Run]:
    try:
        runs = _page_runs(reader.pages[number - 1])
    except FileNotDecryptedError:
        raise DocumentRefused("encrypted_pdf") from None
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        ZeroDivisionError,
        RecursionError,
    ):
        raise DocumentRefused("corrupt_pdf", f"page {number}") from None
    return layout.lines_in_stream_order(runs)


def _sheet(reader: PdfReader) -> tuple[float, float] | None:
    try:
        box = reader.pages[0].mediabox
        return float(box.left), float(box.right)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None  # without the sheet, margins come from the text alone


def _title(reader: PdfReader) -> str:
    try:
        return str(reader.metadata.title or "") if reader.metadata is not None else ""
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError):
        return ""  # a damaged Info dictionary only costs the title


def read_pdf(data: bytes, source_name: str) -> Document:
    """A PDF's text layer as a Document; the title from its metadata or first paragraph.

    Raises DocumentRefused: encrypted_pdf, corrupt_pdf, no_text_layer, document_too_large.
    """
    reader = _open(data, source_name)
    pages = len(reader.pages)
    lines = [_page_lines(reader, n) for n in range(1, pages + 1)]
    paragraphs = layout.pages_text(lines, _sheet(reader))
    if not paragraphs:
        raise DocumentRefused("no_text_layer", f"{pages} pages")
    return make_document(paragraphs, source_name, "pdf", title=_title(reader), pages=pages)
