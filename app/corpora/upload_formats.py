"""Which corpus format an upload is, decided by its bytes before anything is stored.

Binary formats are recognised by their signatures whatever the file is called: a PDF header,
an OLE2 file (refused: old .doc), a ZIP by its member names — a .docx, an OFD, an archive of
images (its first member is a PNG or JPEG), an Excel workbook (``xl/workbook.xml``) or an
archive of documents ("docs"). Text carries no signature: :mod:`app.corpora.tables.sniff`
tells JSON arrays, JSON Lines, CSV and TSV by their first bytes, the name tells plain text
and HTML apart. PNG and JPEG keep their rule: the bytes must be what the name says.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import PurePath
from typing import IO

from flask_babel import lazy_gettext as _l

from app.corpora.annotations_in.detect import archive_format, is_docbin, text_format
from app.corpora.documents import DocumentRefused, identify
from app.corpora.documents.packages import member_names
from app.corpora.documents.pdf import is_pdf
from app.corpora.documents.reader import OLE2_MAGIC, is_junk_member, zip_kind
from app.corpora.formats import looks_binary
from app.corpora.picture_tables import is_picture_table
from app.corpora.tables.reading import TableRefused
from app.corpora.tables.setup import refusal
from app.corpora.tables.sniff import table_format
from app.corpora.zip_directory import MAX_DIRECTORY_ENTRIES, declared_entries
from app.exceptions import Invalid

SNIFF_BYTES = 8192
MAGIC = {
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "zip": b"PK\x03\x04",
}
TEXT_SUFFIXES = {"txt": "txt", "jsonl": "jsonl", "html": "html", "htm": "html"}


def _first_member_is_image(stream: IO[bytes]) -> bool:
    # Inflates at most a few bytes of one member: the archive checks come at ingestion.
    try:
        with zipfile.ZipFile(stream) as archive:
            for info in archive.infolist():
                name = info.filename
                if not info.is_dir() and not is_junk_member(name) and not is_picture_table(name):
                    with archive.open(info) as member:
                        return member.read(8).startswith((MAGIC["png"], MAGIC["jpg"]))
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, zlib.error):
        pass  # the ingestion's archive checks name the problem
    return False


def _zip_format(stream: IO[bytes]) -> str:
    entries = declared_entries(stream)
    if entries is not None and entries > MAX_DIRECTORY_ENTRIES:
        raise Invalid(
            _l(
                "The ZIP file holds %(count)d entries; at most %(limit)d are accepted. "
                "Split it into smaller archives.",
                count=entries,
                limit=MAX_DIRECTORY_ENTRIES,
            )
        )
    try:
        names = member_names(stream)
        kind = zip_kind(names)
    except DocumentRefused:
        raise Invalid(_l("The ZIP file is damaged.")) from None
    if kind == "package" and "xl/workbook.xml" in names:
        return "xlsx"
    if kind == "zip" and (annotated := archive_format(names, stream)):
        return annotated  # pictures with COCO, VOC, YOLO or Label Studio boxes; DocBins
    if kind == "package":
        raise Invalid(
            _l("This Office or OpenDocument file is not supported; upload .docx, PDF or OFD.")
        )
    if kind == "zip":
        stream.seek(0)
        return "zip" if _first_member_is_image(stream) else "docs"
    return kind


def _binary_format(head: bytes, suffix: str) -> str | None:
    if suffix in MAGIC and suffix != "zip":  # images: the bytes must be what the name says
        if not head.startswith(MAGIC[suffix]):
            raise Invalid(_l("The file's content does not match its extension."))
        return suffix
    if head.startswith(OLE2_MAGIC) and suffix in ("xls", "et"):
        raise Invalid(_l("Old binary Excel files (.xls) are not supported; save it as .xlsx."))
    if head.startswith(OLE2_MAGIC):
        raise Invalid(
            _l(
                "Old binary Word files (.doc, .wps) are not supported; save the file "
                "as .docx and upload it again."
            )
        )
    if looks_binary(head):
        raise Invalid(_l("This file is not text (its content is a binary format)."))
    return None


def _text_format(head: bytes, suffix: str) -> str:
    try:
        table = table_format(head, suffix)
    except TableRefused as refused:
        raise refusal(refused) from None
    if table is not None:
        return table
    if suffix in TEXT_SUFFIXES:
        return TEXT_SUFFIXES[suffix]
    try:
        if identify(head) == "html":
            return "html"
    except DocumentRefused:
        pass  # a binary format the documents do not read: the message below says what is
    raise Invalid(
        _l(
            "Upload a .txt, .html, .csv, .tsv, .xlsx, .json or .jsonl file, a Word (.docx), "
            "PDF or OFD document, a PNG or JPEG image, or a .zip of documents or of images."
        )
    )


def identify_upload(filename: str, stream: IO[bytes]) -> str:
    """The corpus format of an upload: txt, jsonl, json, csv, tsv, xlsx, html, png, jpg,
    jpeg, zip (images), pdf, docx, ofd or docs (a .zip of documents), or another tool's
    export with pre-annotations (lsjson, doccano, conll, spacy, coco, voc, yolo, lsboxes:
    :mod:`app.corpora.annotations_in.detect`), which is recognised before a table, so it
    never goes to the mapping step. The stream is left at its start.

    Raises Invalid with the reason (empty, damaged ZIP, old Office file, binary, unknown).
    """
    head = stream.read(SNIFF_BYTES)
    if not head:
        raise Invalid(_l("The file is empty."))
    suffix = PurePath(filename).suffix.lower().lstrip(".")
    try:
        if head.startswith(MAGIC["zip"]):
            return _zip_format(stream)
        if is_pdf(head):
            return "pdf"
        if is_docbin(head):
            return "spacy"
        binary = _binary_format(head, suffix)
        return binary or text_format(head, stream) or _text_format(head, suffix)
    finally:
        stream.seek(0)
