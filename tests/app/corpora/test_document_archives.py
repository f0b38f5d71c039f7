"""Telling formats apart by their bytes, and ZIPs of documents under the archive limits."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.corpora.documents import (
    DocumentRefused,
    identify,
    iter_documents,
    read_document,
    read_documents,
)
from tests.app.corpora.document_files import (
    NOTICE,
    docm_bytes,
    docx_bytes,
    image_only_pdf,
    ofd_bytes,
    pdf_bytes,
    refusal,
    zip_bytes,
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "legacy_office"),
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "unsupported_format"),
        (
            zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}),
            "unsupported_format",
        ),
    ],
)
def test_formats_that_are_not_read_are_named(data: bytes, expected: str) -> None:
    assert refusal(data, "report.docx") == expected


def test_the_bytes_decide_not_the_name() -> None:
    assert identify(pdf_bytes([NOTICE])) == "pdf"
    assert read_document(pdf_bytes([NOTICE]), "说明.txt").format == "pdf"
    assert read_document("\n\n".join(NOTICE).encode(), "通知.pdf").format == "txt"
    assert read_document(ofd_bytes([NOTICE]), "通知.zip").format == "ofd"


def test_a_zip_of_documents_gives_one_document_per_member() -> None:
    archive = zip_bytes(
        {
            "公文/通知.docx": docx_bytes(NOTICE),
            "公文/通知.pdf": pdf_bytes([NOTICE]),
            "公文/通知.ofd": ofd_bytes([NOTICE]),
            "档案/说明.txt": "\n\n".join(NOTICE).encode("gbk"),
            "网页/index.html": b"<html><body><p>" + NOTICE[0].encode() + b"</p></body></html>",
            "__MACOSX/公文/._通知.docx": b"\x00\x05\x16\x07",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
        }
    )
    documents = read_documents(archive, "批量.zip")
    assert [(d.source_name, d.format) for d in documents] == [
        ("公文/通知.docx", "docx"),
        ("公文/通知.pdf", "pdf"),
        ("公文/通知.ofd", "ofd"),
        ("档案/说明.txt", "txt"),
        ("网页/index.html", "html"),
    ]
    assert all(d.paragraphs == NOTICE for d in documents[:4])
    assert documents[3].encoding == "gbk"


def test_every_bad_member_of_a_zip_is_named_and_the_zip_is_refused() -> None:
    archive = zip_bytes(
        {"a.docx": docx_bytes(NOTICE), "scan.pdf": image_only_pdf(), "macro.docm": docm_bytes()}
    )
    entries = list(iter_documents(archive, "批量.zip"))
    refused = [(e.member, e.code) for e in entries if isinstance(e, DocumentRefused)]
    assert refused == [("scan.pdf", "no_text_layer"), ("macro.docm", "macro_enabled")]
    with pytest.raises(DocumentRefused) as caught:
        read_documents(archive, "批量.zip")
    assert caught.value.member == "scan.pdf"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("../../app/config.py", b"SECRET_KEY = 'x'", "unsafe_member"),
        ("/etc/cron.d/x", b"* * * * * root true", "unsafe_member"),
        ("inner.zip", zip_bytes({"a.txt": b"a"}), "nested_archive"),
        ("renamed.txt", zip_bytes({"a.txt": b"a"}), "nested_archive"),
    ],
)
def test_unsafe_zip_members_refuse_the_whole_archive(name: str, content: bytes, code: str) -> None:
    archive = zip_bytes({"ok.txt": "正文".encode(), name: content})
    with pytest.raises(DocumentRefused) as caught:
        read_documents(archive, "批量.zip")
    assert caught.value.code == code


def damaged_deflate_zip() -> bytes:
    archive = bytearray(zip_bytes({"a.txt": "正文".encode() * 2000, "b.txt": b"ok"}))
    archive[30 + len("a.txt")] = 0x07  # the first deflate block of a.txt: "invalid block type"
    return bytes(archive)


def test_a_damaged_deflate_stream_refuses_the_archive_instead_of_crashing() -> None:
    from app.corpora.images import ArchiveRefused, archive_members

    with pytest.raises(DocumentRefused) as caught:
        read_documents(damaged_deflate_zip(), "批量.zip")
    assert caught.value.code == "bad_archive"
    with pytest.raises(ArchiveRefused):  # the image archives share the check
        list(archive_members(io.BytesIO(damaged_deflate_zip())))


def test_a_symlink_member_refuses_the_archive() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ok.txt", "正文")
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = 0o120777 << 16
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(DocumentRefused) as caught:
        read_documents(buffer.getvalue(), "批量.zip")
    assert caught.value.code == "symlink_member"
