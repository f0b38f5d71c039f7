"""What a document reader returns, and the refusals it raises."""

from __future__ import annotations

from dataclasses import dataclass

#: Largest single document read (bytes as uploaded, and unpacked for ZIP-based formats).
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024
#: A title longer than this is cut (the first paragraph of a text file may be long).
MAX_TITLE_CHARS = 200

#: Every refusal code with what it means; the app translates each code for display.
REFUSALS: dict[str, str] = {
    "unsupported_format": "not a .docx, PDF, OFD, text, HTML or ZIP file",
    "legacy_office": "an old binary Office file (.doc, .wps, .xls): save it as .docx",
    "macro_enabled": "a macro-enabled Word file (.docm) is refused",
    "corrupt_docx": "the Word file is damaged",
    "no_text_layer": "the document has no text layer (a scan): OCR is not supported",
    "encrypted_pdf": "the PDF is encrypted with a password",
    "corrupt_pdf": "the PDF is damaged",
    "corrupt_ofd": "the OFD file is damaged or incomplete",
    "external_reference": "the OFD file points at a file outside itself",
    "unsafe_xml": "the XML declares a DTD or entities",
    "unknown_encoding": "the text is neither UTF-8 nor GB18030/GBK",
    "binary_content": "the file contains NUL bytes: it is not text",
    "empty_document": "the document has no text",
    "document_too_large": "the document is larger than 50 MB or 5,000 pages",
    "nested_archive": "a ZIP inside the ZIP",
    # Archive refusals, as raised by the image-archive checks and passed through unchanged.
    "bad_archive": "the ZIP file is damaged or encrypted",
    "unsafe_member": "a ZIP member name is absolute or contains '..'",
    "symlink_member": "a ZIP member is a symbolic link",
    "too_many_members": "the ZIP has too many members",
    "member_too_large": "a ZIP member is too large",
    "archive_too_large": "the ZIP unpacks to too many bytes",
    "compression_ratio": "a ZIP member is compressed more than 100:1",
}


class DocumentRefused(Exception):
    """A document (or a whole archive) cannot be read; ``code`` is a key of ``REFUSALS``.

    ``member`` names the ZIP member the refusal is about, when there is one; ``detail`` is
    untranslated context for logs and tests (a page number, a line, a path).
    """

    def __init__(self, code: str, detail: str = "", member: str | None = None) -> None:
        assert code in REFUSALS, code
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail, self.member = code, detail, member


@dataclass(frozen=True)
class Document:
    """The text of one file: its title and paragraphs in reading order.

    ``format`` is what the bytes were found to be (docx, pdf, ofd, txt, html); ``encoding``
    is reported for text and HTML (utf-8, utf-8-sig, utf-16, gbk, gb18030); ``pages`` for
    paginated formats (PDF, OFD).
    """

    title: str
    paragraphs: list[str]
    source_name: str
    format: str
    encoding: str | None = None
    pages: int | None = None

    @property
    def text(self) -> str:
        """The paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


def _clean(paragraph: str) -> str:
    # Lines keep their inner spacing (a tab separates table cells); edges and blank lines go.
    return "\n".join(line.strip() for line in paragraph.splitlines() if line.strip())


def make_document(
    paragraphs: list[str],
    source_name: str,
    fmt: str,
    *,
    title: str | None = None,
    encoding: str | None = None,
    pages: int | None = None,
) -> Document:
    """A Document from cleaned paragraphs; the title defaults to the first paragraph.

    Raises DocumentRefused("empty_document") when no paragraph has text.
    """
    kept = [p for p in map(_clean, paragraphs) if p]
    if not kept:
        raise DocumentRefused("empty_document", source_name)
    chosen = " ".join((title or "").split()) or kept[0].split("\n", 1)[0]
    return Document(chosen[:MAX_TITLE_CHARS], kept, source_name, fmt, encoding, pages)
