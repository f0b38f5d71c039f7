"""Which format a file is, decided by its bytes, and the reader for it.

The name is never consulted (beyond being kept as ``source_name``): a PDF header, a ZIP's
member names (``word/document.xml``, ``OFD.xml``), an OLE2 signature, or text that decodes
and starts like HTML decide. A ZIP holding none of the document entries is an archive of
documents, read member by member.
"""

from __future__ import annotations

import io
import posixpath
from collections.abc import Callable, Iterator
from typing import IO

from app.corpora.documents.docx import is_docx, read_docx
from app.corpora.documents.html import read_html
from app.corpora.documents.model import MAX_DOCUMENT_BYTES, Document, DocumentRefused
from app.corpora.documents.ofd import is_ofd, read_ofd
from app.corpora.documents.packages import ZIP_MAGIC, archive_files, member_names
from app.corpora.documents.pdf import is_pdf, read_pdf
from app.corpora.documents.text import read_text

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Binary formats that are not documents here; text never starts with them.
_OTHER_BINARY = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"MZ",
    b"\x7fELF",
    b"\x1f\x8b",
    b"BZh",
    b"7z\xbc\xaf",
    b"Rar!",
    b"II*\x00",
    b"MM\x00*",
    b"%!PS",
    b"{\\rtf",
)
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")
# Operating-system droppings inside archives (macOS resource forks, Finder and Explorer files).
_JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


#: The reader of each format and the refusal for a file it chokes on (text has no reader here:
#: it takes the text mode).
READERS: dict[str, tuple[Callable[[bytes, str], Document] | None, str]] = {
    "docx": (read_docx, "corrupt_docx"),
    "pdf": (read_pdf, "corrupt_pdf"),
    "ofd": (read_ofd, "corrupt_ofd"),
    "html": (read_html, "unsupported_format"),
    "txt": (None, "unsupported_format"),
}


def _looks_html(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    while head.startswith(b"<!--") and b"-->" in head:
        head = head.split(b"-->", 1)[1].lstrip()
    if head.startswith(b"<?xml"):
        head = head.split(b"?>", 1)[-1].lstrip()
    return head.startswith(_HTML_STARTS)


def zip_kind(names: list[str]) -> str:
    """What a ZIP is by its member names: docx, ofd, package (other Office/ODF) or zip."""
    if is_docx(names):
        return "docx"
    if is_ofd(names):
        return "ofd"
    if "[Content_Types].xml" in names or "mimetype" in names:
        return "package"
    return "zip"


def identify(data: bytes) -> str:
    """The format of a file from its bytes: docx, pdf, ofd, zip, html or txt.

    Raises DocumentRefused for formats that are recognised but not read (legacy_office,
    unsupported_format) and for damaged ZIPs (bad_archive).
    """
    if is_pdf(data):
        return "pdf"
    if data.startswith(ZIP_MAGIC):
        kind = zip_kind(member_names(data))
        if kind == "package":
            raise DocumentRefused("unsupported_format", "an Office or ODF package")
        return kind
    if data.startswith(OLE2_MAGIC):
        raise DocumentRefused("legacy_office")
    if data.startswith(_OTHER_BINARY):
        raise DocumentRefused("unsupported_format")
    return "html" if _looks_html(data) else "txt"


def read_document(data: bytes, source_name: str, *, text_mode: str = "paragraph") -> Document:
    """One file as a Document, by the format its bytes show; a ZIP of documents is refused.

    ``text_mode`` splits plain text on blank lines (``paragraph``) or on lines (``line``).
    Raises DocumentRefused (see ``REFUSALS``) and nothing else: an unexpected error of a
    third-party parser on a hostile file is refused as a damaged file of its format, so one
    file can never wedge the ingestion job.
    """
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRefused("document_too_large", source_name)
    fmt = identify(data)
    if fmt == "zip":
        raise DocumentRefused("nested_archive", source_name)
    reader, damaged = READERS.get(fmt, (None, "unsupported_format"))
    try:
        if reader is None:
            return read_text(data, source_name, text_mode)
        return reader(data, source_name)
    except DocumentRefused:
        raise
    except Exception as exc:  # any parser error on hostile bytes: see the docstring
        raise DocumentRefused(damaged, f"{type(exc).__name__} in {source_name}") from None


def is_junk_member(name: str) -> bool:
    """True for operating-system droppings in archives (__MACOSX/, .DS_Store, ._x, Thumbs.db)."""
    return (
        name.startswith(_JUNK[0])
        or posixpath.basename(name) in _JUNK[1:]
        or posixpath.basename(name).startswith("._")
    )


def _is_archive(stream: IO[bytes]) -> bool:
    head = stream.read(len(ZIP_MAGIC))
    stream.seek(0)
    if head != ZIP_MAGIC:
        return False
    names = member_names(stream)
    stream.seek(0)
    return zip_kind(names) == "zip"


def iter_documents(
    source: bytes | IO[bytes], source_name: str, *, text_mode: str = "paragraph"
) -> Iterator[Document | DocumentRefused]:
    """Each document of an upload: the file itself, or every member of a .zip of documents.

    ``source`` is the bytes or a seekable binary file (a ZIP is then read member by member,
    never whole). A member that cannot be read is yielded as its DocumentRefused (``member``
    set), so the caller can list every bad member; a refusal of the whole file is raised.
    """
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    if not _is_archive(stream):
        data = stream.read(MAX_DOCUMENT_BYTES + 1)
        yield read_document(data, source_name, text_mode=text_mode)
        return
    for name, content in archive_files(stream):
        if is_junk_member(name):
            continue
        try:
            yield read_document(content, name, text_mode=text_mode)
        except DocumentRefused as refused:
            refused.member = name
            yield refused


def read_documents(
    data: bytes, source_name: str, *, text_mode: str = "paragraph"
) -> list[Document]:
    """All documents of an upload, or the first refusal raised (all or nothing)."""
    documents: list[Document] = []
    for entry in iter_documents(data, source_name, text_mode=text_mode):
        if isinstance(entry, DocumentRefused):
            raise entry
        documents.append(entry)
    return documents
