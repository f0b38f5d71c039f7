"""Corpus upload and ingestion: good files become items; bad files are refused, changing nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.app.builders import World


def corpus_count(app: Any) -> int:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Corpus

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Corpus)) or 0


def stored_objects(app: Any) -> list[str]:
    from app.storage import object_store

    with app.app_context():
        store = object_store()
        return [o.object_name for o in store.client.list_objects(store.bucket, recursive=True)]


def test_txt_paragraphs_become_items_and_duplicates_drop(world: World) -> None:
    vendor = world.vendor_api()
    content = "第一段。\r\n\r\n第二段，\n有两行。\n\n\n第一段。\n".encode()
    created = vendor.upload(content, "政策.txt")
    assert created.status_code == 201
    corpus = vendor.get(f"/api/v1/corpora/{created.json['id']}").json
    assert corpus["status"] == "ready"
    assert corpus["item_count"] == 2 and corpus["duplicate_count"] == 1
    assert corpus["errors"] == []


def test_jsonl_lines_become_items(world: World) -> None:
    vendor = world.vendor_api()
    lines = [json.dumps({"text": f"文本{i}", "source": "x"}, ensure_ascii=False) for i in range(5)]
    created = vendor.upload(("\ufeff" + "\n".join(lines)).encode(), "data.jsonl")
    corpus = vendor.get(f"/api/v1/corpora/{created.json['id']}").json
    assert (corpus["status"], corpus["item_count"]) == ("ready", 5)


def test_jsonl_with_bad_lines_imports_nothing_and_names_lines(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    content = '{"text": "好"}\n{"txt": "无"}\nnot json\n[1]\n{"text": ""}\n'.encode()
    created = vendor.upload(content, "bad.jsonl")
    corpus = vendor.get(f"/api/v1/corpora/{created.json['id']}").json
    assert corpus["status"] == "failed" and corpus["item_count"] == 0
    assert [(e["line"], e["code"]) for e in corpus["errors"]] == [
        (2, "missing_text"),
        (3, "invalid_json"),
        (4, "not_object"),
        (5, "empty_text"),
    ]
    assert all(e["message"] for e in corpus["errors"])


def test_bad_line_after_many_batches_leaves_no_item(
    app: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ingestion inserts as it parses; a late error must still leave the corpus empty."""
    from sqlalchemy import func, select

    from app.corpora import ingestion
    from app.extensions import db
    from app.models import Item

    monkeypatch.setattr(ingestion, "BATCH", 1000)  # four batches are in before the error
    vendor = world.vendor_api()
    good = "".join(json.dumps({"text": f"第{i}条"}, ensure_ascii=False) + "\n" for i in range(4500))
    created = vendor.upload((good + "not json\n" + good).encode(), "late-error.jsonl")
    corpus = vendor.get(f"/api/v1/corpora/{created.json['id']}").json
    assert corpus["status"] == "failed" and corpus["item_count"] == 0
    assert [(e["line"], e["code"]) for e in corpus["errors"]] == [(4501, "invalid_json")]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Item)) == 0


def test_deeply_nested_jsonl_line_is_a_line_error(world: World) -> None:
    vendor = world.vendor_api()
    created = vendor.upload(b"[" * 100000 + b"]" * 100000 + b"\n", "deep.jsonl")
    corpus = vendor.get(f"/api/v1/corpora/{created.json['id']}").json
    assert corpus["status"] == "failed"
    assert corpus["errors"][0]["code"] in {"too_deep", "not_object"}


@pytest.mark.parametrize(
    ("content", "filename", "needle"),
    [
        (b"", "empty.txt", "空"),
        (b"\x80\xff" * 10, "garbled.txt", "GB18030"),  # GBK text is read: see corpora/
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "setup.txt", "二进制"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 100, "pic.txt", "二进制"),
        (b"plain text", "notes.docx", ".txt"),
    ],
)
def test_bad_files_are_refused_with_a_chinese_message(
    app: Any, world: World, content: bytes, filename: str, needle: str
) -> None:
    vendor = world.vendor_api()
    before = stored_objects(app)
    response = vendor.upload(content, filename)
    assert response.status_code == 422
    assert needle in response.json["error"]["message"]
    assert corpus_count(app) == 0
    assert stored_objects(app) == before


def test_invalid_utf8_late_in_file_names_the_line(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    content = "正常的一行\n".encode() * 5000 + b"\xff\xfe broken\n"
    response = vendor.upload(content, "late.txt")
    assert response.status_code == 422
    assert "5001" in response.json["error"]["message"]
    assert corpus_count(app) == 0


def test_file_over_the_limit_is_413(tmp_path: Any, s3_server: Any) -> None:
    from tests.app.builders import World as Builder
    from tests.conftest import make_app

    small = make_app(tmp_path, s3_server, MAX_CONTENT_LENGTH=1024)
    vendor = Builder(small).vendor_api()
    response = vendor.upload(b"x" * 4096, "big.txt")
    assert response.status_code == 413
    assert response.json["error"]["message"]
    assert corpus_count(small) == 0


def test_experts_cannot_upload(world: World) -> None:
    expert = world.api(world.user("expert"))
    assert expert.upload("文本".encode()).status_code == 403


def test_filename_is_never_a_storage_path(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    before = set(stored_objects(app))
    created = vendor.upload("内容".encode(), "../../etc/cron.d/\u202ex.txt")
    assert created.status_code == 201
    keys = sorted(set(stored_objects(app)) - before)
    assert len(keys) == 1 and ".." not in keys[0] and keys[0].startswith("corpora/")
    page = vendor.get(f"/api/v1/corpora/{created.json['id']}")
    assert page.status_code == 200


def test_ingestion_batches_and_duplicates_on_both_databases(
    any_db_app: Any, any_db_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite inserts with executemany, PostgreSQL with COPY through a staging table: both
    keep the file's order, drop duplicates across batches and leave nothing of a failed file."""
    from sqlalchemy import func, select

    from app.corpora import ingestion
    from app.extensions import db
    from app.models import Item

    monkeypatch.setattr(ingestion, "BATCH", 3)
    vendor = any_db_world.vendor_api()
    texts = [f"条目{i % 7}" for i in range(10)]  # 7 distinct, the last 3 repeat earlier ones
    good = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    created = vendor.upload(good.encode(), "batches.jsonl")
    corpus = vendor.get(f"/api/v1/corpora/{created.json['id']}").json
    assert (corpus["status"], corpus["item_count"], corpus["duplicate_count"]) == ("ready", 7, 3)
    with any_db_app.app_context():
        stored = list(
            db.session.scalars(
                select(Item.text).where(Item.corpus_id == corpus["id"]).order_by(Item.seq)
            )
        )
    assert stored == [f"条目{i}" for i in range(7)]

    failed = vendor.upload((good + "{broken\n").encode(), "late.jsonl")
    corpus = vendor.get(f"/api/v1/corpora/{failed.json['id']}").json
    assert corpus["status"] == "failed"
    with any_db_app.app_context():
        assert db.session.scalar(select(func.count()).where(Item.corpus_id == corpus["id"])) == 0
