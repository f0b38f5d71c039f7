"""Hostile input from SECURITY.md: each is refused or neutralised, and changes nothing."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest

from tests.app.builders import PASSWORD, World, login
from tests.conftest import make_app

XSS = '"><img src=x onerror=alert(1)></script><script>alert(2)</script>'


def test_script_in_task_text_is_escaped_everywhere(app: Any, world: World) -> None:
    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    project = world.project(vendor, [XSS, "正常文本。"], overlap=1)
    expert = world.api(world.user("expert"))
    claim = expert.post(f"/api/v1/projects/{project}/claim")
    # The API returns the text as data: JSON that browsers are told never to sniff as HTML.
    assert claim.json["item"]["text"] in (XSS, "正常文本。")
    assert claim.mimetype == "application/json"
    assert claim.headers["X-Content-Type-Options"] == "nosniff"
    client = app.test_client()
    login(client, email)
    page = client.get(f"/projects/{project}").text
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "&lt;img src=x" in page or "&#34;&gt;&lt;img" in page


def test_too_many_multipart_parts_is_413(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    data = {f"field{i}": "x" for i in range(500)}
    data["file"] = (io.BytesIO("文本".encode()), "a.txt")
    response = vendor.client.post(
        "/api/v1/corpora",
        data=data,
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {vendor.token}"},
    )
    assert response.status_code == 413


def test_a_very_long_jsonl_line_is_a_line_error(world: World) -> None:
    vendor = world.vendor_api()
    long_line = b'{"text": "' + "长".encode() * 700_000 + b'"}\n'
    created = vendor.upload(b'{"text": "ok"}\n' + long_line, "long.jsonl")
    corpus = vendor.get(f"/api/v1/corpora/{created.json['id']}").json
    assert corpus["status"] == "failed" and corpus["item_count"] == 0
    assert corpus["errors"] == [
        {"line": 2, "code": "line_too_long", "message": corpus["errors"][0]["message"]}
    ]


def test_ingestion_resumes_after_a_crash_without_duplicates(
    app: Any, world: World, monkeypatch: Any
) -> None:
    from sqlalchemy import func, select

    from app.corpora import ingestion
    from app.extensions import db
    from app.models import Corpus, Item
    from app.storage import object_store

    vendor = world.vendor_api()
    real_insert, calls = ingestion._insert_text_items, {"n": 0}

    def crash_after_first_batch(rows: list[Any]) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")  # the fault a real worker shows when killed
        real_insert(rows)

    monkeypatch.setattr(ingestion, "BATCH", 10)
    monkeypatch.setattr(ingestion, "_insert_text_items", crash_after_first_batch)
    texts = "\n\n".join(f"第{i}段。" for i in range(35)) + "\n\n第0段。"
    created = vendor.upload(texts.encode(), "resume.txt")
    assert created.status_code == 201
    corpus_id = created.json["id"]
    with app.app_context():
        assert db.session.get(Corpus, corpus_id).status == "processing"
        half = db.session.scalar(select(func.count()).where(Item.corpus_id == corpus_id))
        assert half == 10
        monkeypatch.setattr(ingestion, "_insert_text_items", real_insert)
        ingestion.ingest_corpus(corpus_id, object_store())  # the job runs again
        corpus = db.session.get(Corpus, corpus_id)
        assert (corpus.status, corpus.item_count, corpus.duplicate_count) == ("ready", 35, 1)


def test_old_session_is_rejected_after_a_password_change(app: Any, world: World) -> None:
    email = world.user("expert")
    first, second = app.test_client(), app.test_client()
    login(first, email)
    login(second, email)
    changed = second.post("/account/password", data={"old": PASSWORD, "new": "another-long-pw"})
    assert changed.status_code == 302
    assert first.get("/").status_code == 302  # the other browser is logged out
    assert second.get("/").status_code == 200  # the one that changed it stays in


def test_failed_logins_from_one_address_are_limited_across_accounts(app: Any, world: World) -> None:
    client = app.test_client()
    for number in range(10):
        login(client, f"nobody{number}@example.cn", "wrong-password")
    real = world.user("expert")
    assert login(client, real).status_code == 429


@pytest.mark.parametrize("name", ["x\x00.txt", "a" * 10_000 + ".txt", "\u202etxt.exe.txt"])
def test_odd_filenames_are_stored_under_server_keys(world: World, name: str) -> None:
    vendor = world.vendor_api()
    created = vendor.upload("内容。".encode(), name)
    assert created.status_code in (201, 422)
    if created.status_code == 201:
        corpus = vendor.get(f"/api/v1/corpora/{created.json['id']}")
        assert corpus.status_code == 200


def test_duplicate_submits_under_retry_store_one_answer(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, ["一。", "二。"], overlap=1)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    key = str(uuid.uuid4())
    ids = {
        expert.post(
            f"/api/v1/tasks/{task}/annotations", {"result": {"label": "正面"}, "client_uuid": key}
        ).json["id"]
        for _ in range(5)
    }
    assert len(ids) == 1


def test_sort_parameter_naming_a_relation_is_400(tmp_path: Any, s3_server: Any) -> None:
    app = make_app(tmp_path, s3_server)
    from tests.app.builders import World as Builder

    vendor = Builder(app).vendor_api()
    project = Builder(app).project(vendor, ["一。", "二。"], overlap=1)
    assert vendor.get(f"/api/v1/projects/{project}/tasks?sort=user__password").status_code == 400
