"""The audit trail cannot be edited (database triggers refuse UPDATE and DELETE on SQLite and
PostgreSQL), and it records who downloaded an export and who looked at an image."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.app.builders import World, login
from tests.app.corpora.image_files import png, upload


def _execute(app: Any, statement: str) -> None:
    from app.extensions import db

    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text(statement))


def _events(app: Any, action: str) -> list[tuple[str | None, str | None, int | None, Any]]:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AuditEvent

    with app.app_context():
        rows = db.session.execute(
            select(
                AuditEvent.actor_email,
                AuditEvent.object_type,
                AuditEvent.object_id,
                AuditEvent.detail,
            )
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.id)
        ).all()
        return [tuple(row) for row in rows]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_event SET actor_email = 'someone@else.cn'",
        "UPDATE audit_event SET action = 'login' WHERE action = 'user_created'",
        "DELETE FROM audit_event",
        "DELETE FROM audit_event WHERE action = 'user_created'",
    ],
)
def test_the_database_refuses_to_edit_the_audit_trail(
    any_db_app: Any, any_db_world: World, statement: str
) -> None:
    any_db_world.user("vendor", any_db_world.org())
    before = _events(any_db_app, "user_created")
    assert before
    with pytest.raises(DBAPIError, match="append-only"):
        _execute(any_db_app, statement)
    assert _events(any_db_app, "user_created") == before


def test_truncating_the_audit_trail_is_refused_on_postgresql(
    any_db_app: Any, any_db_world: World
) -> None:
    if not any_db_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite has no TRUNCATE")
    any_db_world.user("vendor", any_db_world.org())
    with pytest.raises(DBAPIError, match="append-only"):
        _execute(any_db_app, "TRUNCATE audit_event")
    assert _events(any_db_app, "user_created")


def test_new_events_are_still_written(any_db_app: Any, any_db_world: World) -> None:
    email = any_db_world.user("vendor", any_db_world.org())
    client = any_db_app.test_client()
    assert login(client, email).status_code in (200, 302)
    assert [e[0] for e in _events(any_db_app, "login")] == [email]


def _image_item(app: Any, corpus_id: int) -> int:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item

    with app.app_context():
        item = db.session.scalar(select(Item.id).where(Item.corpus_id == corpus_id))
        assert item is not None
        return int(item)


def test_image_reads_are_logged_and_refused_reads_are_not(any_db_app: Any) -> None:
    world = World(any_db_app)
    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    corpus = upload(vendor, png(40, 30, "blue"), "seed.png")
    assert corpus["status"] == "ready", corpus
    item = _image_item(any_db_app, corpus["id"])
    assert vendor.get(f"/api/v1/items/{item}/image").status_code == 200
    assert vendor.get(f"/api/v1/items/{item}/image?size=preview").status_code == 200
    stranger = world.vendor_api()
    assert stranger.get(f"/api/v1/items/{item}/image").status_code == 404
    assert _events(any_db_app, "image_read") == [
        (vendor_email, "item", item, {"preview": False}),
        (vendor_email, "item", item, {"preview": True}),
    ]


def test_export_downloads_are_logged(app: Any, world: World) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project = world.project(vendor, ["第一条。", "第二条。"])
    export = vendor.post(f"/api/v1/projects/{project}/exports").json
    shown = vendor.get(f"/api/v1/exports/{export['id']}").json
    assert shown["status"] == "ready", shown
    assert _events(app, "export_downloaded") == []
    assert vendor.get(shown["download_url"]).status_code == 200
    assert world.vendor_api().get(shown["download_url"]).status_code == 404
    assert _events(app, "export_downloaded") == [
        (email, "project", project, {"export": export["id"]})
    ]


def test_the_audit_page_filters_downloads_and_image_reads(app: Any, world: World) -> None:
    client = app.test_client()
    login(client, world.user("admin"))
    for action in ("export_downloaded", "image_read"):
        page = client.get(f"/admin/audit?action={action}", headers={"Accept-Language": "en"})
        assert page.status_code == 200
        assert f'value="{action}" selected' in page.get_data(as_text=True)
