"""What users read: task-list times in Beijing time (ISO 8601 with offset in the API), counts
in the right grammatical number, one word for check items, skip reasons stored as codes and
shown in the reader's language, and a failed export explained without the exception."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.app.builders import World, login, skip_events


def test_task_list_shows_beijing_time_and_the_api_an_offset(app: Any, world: World) -> None:
    from app.extensions import db
    from app.models import Task

    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    project = world.project(vendor, ["第一条。", "第二条。"], overlap=1)
    with app.app_context():
        db.session.execute(
            update(Task)
            .where(Task.project_id == project)
            .values(last_answer_at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC))
        )
        db.session.commit()
    api = vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    assert {t["last_answer_at"] for t in api} == {"2026-03-01T20:30:00+00:00"}
    client = app.test_client()
    login(client, email)
    page = client.get(f"/projects/{project}").get_data(as_text=True)
    assert "2026-03-02 04:30" in page and "2026-03-01 20:30" not in page
    assert "北京时间" in page


def test_counts_take_the_right_grammatical_number(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    corpus = world.ready_corpus(vendor, ["王五住在蚌埠。"])
    vendor.post(
        "/api/v1/projects",
        {"name": "人名", "corpus_id": corpus, "type": "ner", "labels": ["人名"], "overlap": 1},
    )
    vendor.post(
        "/api/v1/projects",
        {
            "name": "人地",
            "corpus_id": corpus,
            "type": "ner",
            "labels": ["人名", "地名"],
            "overlap": 1,
        },
    )
    client = app.test_client()
    login(client, world.user("expert"))
    english = client.get("/?lang=en").get_data(as_text=True)
    assert "1 label" in english and "1 labels" not in english and "2 labels" in english
    assert "1 个标签" in client.get("/?lang=zh_CN").get_data(as_text=True)


def test_check_items_are_called_check_items(app: Any, world: World) -> None:
    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    project = world.project(vendor, ["一。", "二。"], overlap=1)
    client = app.test_client()
    login(client, email)
    page = client.get(f"/projects/{project}?lang=en").get_data(as_text=True)
    words = re.sub(r"<[^>]*>", " ", page)  # what the reader sees, not URLs or field names
    assert "Check items" in words and "gold" not in words.lower()
    refused = vendor.client.post(
        f"/api/v1/projects/{project}/gold?lang=en",
        json={"items": [{"answer": {}}]},
        headers=vendor._headers(),
    )
    assert refused.json["error"]["message"] == "Each check item needs an item_id and an answer."


@pytest.mark.parametrize(
    ("body", "stored"),
    [
        ({"reason": "not_my_domain"}, "not_my_domain"),
        ({"reason": "off_topic", "note": "ignored"}, "off_topic"),
        ({"reason": "other", "note": "  图片是空白的 "}, "other: 图片是空白的"),
        ({"reason": "不属于我的领域"}, "other: 不属于我的领域"),  # a client older than the codes
    ],
)
def test_skip_reasons_are_stored_as_codes(
    app: Any, world: World, body: dict[str, Any], stored: str
) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, ["一。"], overlap=1)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    assert expert.post(f"/api/v1/tasks/{task}/skip", body).status_code == 204
    assert skip_events(app) == [stored]


@pytest.mark.parametrize(
    "body",
    [
        {"reason": "other"},
        {"reason": "other", "note": "  "},
        {"reason": "  "},
        {"reason": "unclear", "note": 5},
    ],
)
def test_a_skip_without_a_reason_is_refused_and_changes_nothing(
    app: Any, world: World, body: dict[str, Any]
) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, ["一。"], overlap=1)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    refused = expert.post(f"/api/v1/tasks/{task}/skip", body)
    assert refused.status_code == 422 and refused.json["error"]["message"]
    assert skip_events(app) == []
    assert expert.post(f"/api/v1/projects/{project}/claim").json["task_id"] == task


def test_the_audit_log_shows_skip_reasons_in_the_readers_language(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, ["一。", "二。"], overlap=1)
    expert = world.api(world.user("expert"))
    for body in ({"reason": "broken_media"}, {"reason": "other", "note": "字太小"}):
        task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
        assert expert.post(f"/api/v1/tasks/{task}/skip", body).status_code == 204
    client = app.test_client()
    login(client, world.user("admin"))
    chinese = client.get("/admin/audit?action=task_skipped").get_data(as_text=True)
    assert "内容已损坏" in chinese and "其他原因：字太小" in chinese
    assert "broken_media" not in chinese
    english = client.get("/admin/audit?action=task_skipped&lang=en").get_data(as_text=True)
    assert "The content is broken" in english and "Another reason: 字太小" in english


def test_a_failed_export_says_so_in_words_and_logs_the_exception(
    app: Any, world: World, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.exports.services import request_export, run_export
    from app.models import User
    from app.storage import ObjectStore

    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    project = world.project(vendor, ["一。"], overlap=1)
    down = ObjectStore("127.0.0.1:9", "nobody", "nothing", "missing")
    # Alembic's fileConfig (in the migration tests) disables loggers that already existed.
    monkeypatch.setattr(logging.getLogger("app.exports.services"), "disabled", False)
    with app.app_context():
        from app.extensions import db

        user = db.session.scalar(select(User).where(User.email == email))
        export_id = request_export(user, project, lambda _id: None).id
        with pytest.raises(Exception):  # noqa: B017 - the job fails, whatever the cause
            run_export(export_id, down)
    assert any(r.exc_info and f"export {export_id}" in r.getMessage() for r in caplog.records)
    shown = vendor.get(f"/api/v1/exports/{export_id}").json
    assert shown["status"] == "failed"
    assert shown["error"].startswith("由于平台内部错误") and "127.0.0.1" not in shown["error"]
    client = app.test_client()
    login(client, email)
    page = client.get(f"/projects/exports/{export_id}?lang=en").get_data(as_text=True)
    assert "error on our side" in page and "127.0.0.1" not in page and "Error(" not in page


def test_every_page_writes_dates_one_way_in_both_languages(app: Any, world: World) -> None:
    """Dates read 2026-03-02 04:30 everywhere, in Chinese and in English, never 2026/3/2
    in one place and 3/2/26, 4:30 AM in another."""
    from app.extensions import db
    from app.models import Corpus

    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    corpus = world.ready_corpus(vendor, ["第一条。"])
    with app.app_context():
        db.session.execute(
            update(Corpus)
            .where(Corpus.id == corpus)
            .values(created_at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC))
        )
        db.session.commit()
    client = app.test_client()
    login(client, email)
    for language in ("zh_CN", "en"):
        page = client.get(f"/?lang={language}").get_data(as_text=True)
        assert "2026-03-02 04:30" in page, language
        assert not re.search(r"\d{1,2}/\d{1,2}/\d{2}\b|2026/3/2", page), language
