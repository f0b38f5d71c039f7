"""Documents uploaded as corpora: .docx, PDF, OFD, HTML, GBK text and ZIPs of them.

Through the API (as scripts upload) and the pages (as the browser's upload form does, with a
session): one document becomes one item with its paragraphs; its title and source name are
kept on the item (``Item.meta``); a refused file or member changes nothing and is named in Chinese.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest

from tests.app.builders import Api, World, login
from tests.app.corpora.document_files import (
    docm_bytes,
    docx_bytes,
    encrypted_pdf,
    image_only_pdf,
    ofd_bytes,
    pdf_bytes,
    sample_paragraphs,
    zip_bytes,
)

NOTICE = [
    "关于开放公共数据的通知",
    "各市人民政府：现将2024年公共数据开放目录印发给你们。",
    "一、开放范围\t政务公开信息",
]


def items(app: Any, corpus_id: int) -> list[str]:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item

    with app.app_context():
        return list(
            db.session.scalars(
                select(Item.text).where(Item.corpus_id == corpus_id).order_by(Item.seq)
            )
        )


def manifest(app: Any, corpus_id: int) -> list[dict[str, Any]]:
    """What each item keeps of its document (``Item.meta``), in order."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item

    with app.app_context():
        return [
            dict(meta or {})
            for meta in db.session.scalars(
                select(Item.meta).where(Item.corpus_id == corpus_id).order_by(Item.seq)
            )
        ]


def upload(api: Api, data: bytes, filename: str) -> dict[str, Any]:
    created = api.upload(data, filename, name="公文")
    assert created.status_code == 201, created.json
    corpus: dict[str, Any] = api.get(f"/api/v1/corpora/{created.json['id']}").json
    return corpus


@pytest.mark.parametrize(
    ("filename", "build", "fmt"),
    [
        ("通知.docx", lambda: docx_bytes(NOTICE, title="皖数〔2024〕3号"), "docx"),
        ("通知.pdf", lambda: pdf_bytes([NOTICE[:2], NOTICE[2:]], title="皖数〔2024〕3号"), "pdf"),
        ("通知.ofd", lambda: ofd_bytes([NOTICE], title="皖数〔2024〕3号"), "ofd"),
    ],
)
def test_a_document_becomes_one_item_with_its_paragraphs(
    app: Any, world: World, filename: str, build: Any, fmt: str
) -> None:
    vendor = world.vendor_api()
    corpus = upload(vendor, build(), filename)
    assert (corpus["status"], corpus["item_count"], corpus["errors"]) == ("ready", 1, [])
    assert items(app, corpus["id"]) == ["\n\n".join(NOTICE)]
    [described] = manifest(app, corpus["id"])
    assert described["title"] == "皖数〔2024〕3号" and described["source_name"] == filename
    assert described["format"] == fmt and described["paragraphs"] == 3


def test_a_zip_of_documents_keeps_each_title_on_any_database(
    any_db_app: Any, any_db_world: World
) -> None:
    """PostgreSQL takes the items through COPY: their meta must come along."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("公文/a.docx", docx_bytes(NOTICE, title="皖数〔2024〕3号"))
        package.writestr("公文/b.docx", docx_bytes(NOTICE[:2], heading="第二份通知"))
    corpus = upload(any_db_world.vendor_api(), archive.getvalue(), "公文.zip")
    assert corpus["status"] == "ready", corpus["errors"]
    assert [
        (m["title"], m["source_name"], m["paragraphs"]) for m in manifest(any_db_app, corpus["id"])
    ] == [("皖数〔2024〕3号", "公文/a.docx", 3), ("第二份通知", "公文/b.docx", 3)]


def test_gbk_text_is_detected_and_split_into_paragraph_items(app: Any, world: World) -> None:
    plan = sample_paragraphs()
    vendor = world.vendor_api()
    corpus = upload(vendor, "\r\n\r\n".join(plan).encode("gbk"), "行动计划.txt")
    assert corpus["status"] == "ready", corpus["errors"]
    texts = items(app, corpus["id"])
    assert set(texts) == set(plan) and corpus["item_count"] + corpus["duplicate_count"] == len(plan)
    from app.models import AuditEvent

    with app.app_context():
        from sqlalchemy import select

        from app.extensions import db

        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "corpus_uploaded")
        ).one()
        assert event.detail["encoding"] == "gbk"


def test_gb18030_only_characters_and_a_bom_are_read(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    rare = upload(vendor, "䶮族乡志\n\n第一卷".encode("gb18030"), "志.txt")
    assert items(app, rare["id"]) == ["䶮族乡志", "第一卷"]
    bom = upload(vendor, "\ufeff第一段\n\n第二段".encode(), "bom.txt")
    assert items(app, bom["id"]) == ["第一段", "第二段"]


def test_html_page_becomes_one_item_of_its_visible_text(app: Any, world: World) -> None:
    page = (
        "<html><head><title>数据开放</title><script>var s='隐藏';</script></head><body>"
        "<nav>首页 &gt; 国内</nav><h1>关于开放公共数据的通知</h1><p>现予印发。</p>"
        "</body></html>"
    )
    corpus = upload(world.vendor_api(), page.encode("utf-8"), "notice.html")
    assert items(app, corpus["id"]) == ["关于开放公共数据的通知\n\n现予印发。"]


def test_a_zip_of_documents_gives_one_item_per_document(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    archive = zip_bytes(
        {
            "公文/a.docx": docx_bytes(NOTICE),
            "公文/b.pdf": pdf_bytes([NOTICE[1:]]),
            "档案/c.ofd": ofd_bytes([NOTICE[2:]]),
            "档案/d.txt": "地方志。".encode("gbk"),
        }
    )
    corpus = upload(vendor, archive, "批量公文.zip")
    assert (corpus["status"], corpus["item_count"]) == ("ready", 4)
    assert items(app, corpus["id"]) == [
        "\n\n".join(NOTICE),
        "\n\n".join(NOTICE[1:]),
        NOTICE[2],
        "地方志。",
    ]
    assert [
        (d["source_name"], d["format"], d["encoding"]) for d in manifest(app, corpus["id"])
    ] == [
        ("公文/a.docx", "docx", None),
        ("公文/b.pdf", "pdf", None),
        ("档案/c.ofd", "ofd", None),
        ("档案/d.txt", "txt", "gbk"),
    ]
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "公文分类",
            "corpus_id": corpus["id"],
            "type": "classify",
            "labels": ["通知", "其他"],
            "overlap": 1,
            "instructions": "判断",
        },
    )
    assert project.status_code == 201, project.json  # documents are text, not images


@pytest.mark.parametrize(
    ("filename", "build", "code"),
    [
        ("扫描件.pdf", image_only_pdf, "no_text_layer"),
        ("加密.pdf", lambda: encrypted_pdf(pdf_bytes([NOTICE])), "encrypted_pdf"),
        ("宏.docx", docm_bytes, "macro_enabled"),
        (
            "外链.ofd",
            lambda: ofd_bytes([NOTICE], page_loc="http://203.0.113.9/p.xml"),
            "external_reference",
        ),
        ("坏.pdf", lambda: b"%PDF-1.7\n" + bytes(range(256)) * 8, "corrupt_pdf"),
    ],
)
def test_a_refused_document_fails_the_corpus_with_a_chinese_reason(
    app: Any, world: World, filename: str, build: Any, code: str
) -> None:
    corpus = upload(world.vendor_api(), build(), filename)
    assert (corpus["status"], corpus["item_count"]) == ("failed", 0)
    [error] = corpus["errors"]
    assert error["code"] == code and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert items(app, corpus["id"]) == [] and manifest(app, corpus["id"]) == []


def test_one_bad_member_refuses_the_whole_zip_and_is_named(app: Any, world: World) -> None:
    archive = zip_bytes(
        {"a.docx": docx_bytes(NOTICE), "b.pdf": image_only_pdf(), "c.docx": docm_bytes()}
    )
    corpus = upload(world.vendor_api(), archive, "批量.zip")
    assert (corpus["status"], corpus["item_count"]) == ("failed", 0)
    assert [(e["line"], e["member"], e["code"]) for e in corpus["errors"]] == [
        (2, "b.pdf", "no_text_layer"),
        (3, "c.docx", "macro_enabled"),
    ]
    assert items(app, corpus["id"]) == []


def test_a_traversal_member_refuses_the_zip(app: Any, world: World) -> None:
    archive = zip_bytes({"a.docx": docx_bytes(NOTICE), "../../app/config.py": b"SECRET = 1"})
    corpus = upload(world.vendor_api(), archive, "批量.zip")
    assert corpus["status"] == "failed"
    assert [e["code"] for e in corpus["errors"]] == ["unsafe_member"]
    assert items(app, corpus["id"]) == []


@pytest.mark.parametrize(
    ("content", "filename", "needle"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "旧公文.doc", ".docx"),
        ("正常\n".encode() * 3 + b"\x80\xff\x80\xff\n", "乱码.txt", "第 4 行"),
        (
            # Workbooks are tables (test_table_upload.py); other Office packages are refused.
            zip_bytes({"[Content_Types].xml": b"<Types/>", "ppt/presentation.xml": b"<x/>"}),
            "演示.pptx",
            "OFD",
        ),
    ],
)
def test_files_refused_at_upload_say_why_in_chinese(
    world: World, content: bytes, filename: str, needle: str
) -> None:
    response = world.vendor_api().upload(content, filename)
    assert response.status_code == 422
    assert needle in response.json["error"]["message"]


def test_the_upload_page_offers_documents_and_the_corpus_page_names_bad_members(
    app: Any, world: World
) -> None:
    email = world.user("vendor", world.org())
    client = app.test_client()
    login(client, email)
    page = client.get("/corpora/upload").get_data(as_text=True)
    assert ".docx" in page and ".ofd" in page and ".pdf" in page and "GBK" in page
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert token is not None

    def send(data: bytes, filename: str) -> int:
        # A browser session: the cookie and the CSRF token in a header.
        response = client.post(
            "/api/v1/corpora",
            data={"file": (io.BytesIO(data), filename), "name": "公文"},
            headers={"X-CSRFToken": token.group(1)},
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.get_data(as_text=True)
        corpus_id: int = response.json["id"]
        return corpus_id

    refused = send(
        zip_bytes({"好.docx": docx_bytes(NOTICE), "扫描/坏.pdf": image_only_pdf()}), "批量.zip"
    )
    shown = client.get(f"/corpora/{refused}").get_data(as_text=True)
    assert "扫描/坏.pdf" in shown and "OCR" in shown
    good = send(docx_bytes(NOTICE), "通知.docx")
    shown = client.get(f"/corpora/{good}").get_data(as_text=True)
    assert 'id="corpus-items">1<' in shown
