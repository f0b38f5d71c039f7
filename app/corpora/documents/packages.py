"""ZIP-based files (.docx, OFD, a .zip of documents) opened under the archive limits.

The member checks are the image archives' (``archive_members``): unsafe names, symlinks,
member count, compression ratio and byte caps counted while inflating. A document package is
also capped at ``MAX_DOCUMENT_BYTES`` unpacked, and may not contain a ZIP of its own.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]
from defusedxml import DefusedXmlException

from app.corpora.documents.model import MAX_DOCUMENT_BYTES, DocumentRefused
from app.corpora.images import ArchiveRefused, archive_members

ZIP_MAGIC = b"PK\x03\x04"


def _stream(source: bytes | IO[bytes]) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def member_names(source: bytes | IO[bytes]) -> list[str]:
    """Names in a ZIP's central directory (nothing inflated); raises DocumentRefused."""
    try:
        with zipfile.ZipFile(_stream(source)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        raise DocumentRefused("bad_archive") from None


def unpack(data: bytes) -> dict[str, bytes]:
    """Every file of a document package by name, checked; raises DocumentRefused."""
    members: dict[str, bytes] = {}
    total = 0
    try:
        for _number, name, content in archive_members(io.BytesIO(data)):
            total += len(content)
            if total > MAX_DOCUMENT_BYTES:
                raise DocumentRefused("document_too_large")
            members[name] = content
    except ArchiveRefused as refused:
        raise DocumentRefused(refused.code) from None
    return members


def archive_files(source: bytes | IO[bytes]) -> Iterator[tuple[str, bytes]]:
    """``(name, bytes)`` of each file of a .zip of documents; packages inside are yielded.

    Raises DocumentRefused for the whole archive (the image-archive codes).
    """
    try:
        for _number, name, content in archive_members(_stream(source), allow_packages=True):
            yield name, content
    except ArchiveRefused as refused:
        raise DocumentRefused(refused.code) from None


def parse_xml(data: bytes, corrupt_code: str, where: str) -> Element:
    """Parse XML with DTDs, entities and external references refused (no XXE, no bombs)."""
    try:
        root: Element = SafeET.fromstring(data, forbid_dtd=True)
        return root
    except DefusedXmlException:
        raise DocumentRefused("unsafe_xml", where) from None
    except ParseError:
        raise DocumentRefused(corrupt_code, where) from None


def local_name(tag: str) -> str:
    """An element's name without its namespace: ``{http://www.ofdspec.org/2016}Page`` → Page."""
    return tag.rsplit("}", 1)[-1]
