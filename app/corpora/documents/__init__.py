"""Document readers: the bytes of one uploaded file in, its title and paragraphs out.

Pure code (no Flask, no database): formats are told apart by their bytes, never by names.
Readers per format live in their own modules (docx, pdf, ofd, html, text); every refusal is a
``DocumentRefused`` with a stable code listed in ``REFUSALS``.
"""

from app.corpora.documents.model import REFUSALS, Document, DocumentRefused
from app.corpora.documents.reader import identify, iter_documents, read_document, read_documents
from app.corpora.documents.text import TEXT_MODES, decode_text

__all__ = [
    "REFUSALS",
    "TEXT_MODES",
    "Document",
    "DocumentRefused",
    "decode_text",
    "identify",
    "iter_documents",
    "read_document",
    "read_documents",
]
