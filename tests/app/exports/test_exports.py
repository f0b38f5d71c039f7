"""Exports: every item with its final answer and each expert's answer, downloaded from S3."""

from __future__ import annotations

from typing import Any

from tests.app.builders import PASSWORD, World, export_lines, login
from tests.app.quality.plans import LABELS, TEXTS, label_everything


def test_export_holds_final_labels_and_every_answer(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS, overlap=3, labels=tuple(LABELS))
    _, order = label_everything(world, project)
    queued = vendor.post(f"/api/v1/projects/{project}/exports")
    assert queued.status_code == 202
    export = vendor.get(f"/api/v1/exports/{queued.json['id']}").json
    assert export["status"] == "ready" and export["items_done"] == len(TEXTS)
    lines = export_lines(vendor, export["download_url"])
    assert len(lines) == len(TEXTS)
    by_item = {line["item_id"]: line for line in lines}
    first = by_item[next(item for item, position in order.items() if position == 0)]
    assert first["final"] == {"label": "正面"} and len(first["answers"]) == 3
    assert all(line["text"].startswith("第") for line in lines)


def test_exports_are_private_to_the_organization(world: World) -> None:
    vendor, stranger = world.vendor_api(), world.vendor_api()
    project = world.project(vendor, TEXTS, overlap=1, labels=tuple(LABELS))
    export = vendor.post(f"/api/v1/projects/{project}/exports").json["id"]
    assert stranger.get(f"/api/v1/exports/{export}").status_code == 404
    assert stranger.post(f"/api/v1/projects/{project}/exports").status_code == 404
    auditor = world.api(world.user("auditor"))
    assert auditor.get(f"/api/v1/exports/{export}").status_code == 200


def test_export_from_the_project_page(app: Any, world: World) -> None:
    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    project = world.project(vendor, TEXTS, overlap=1, labels=tuple(LABELS))
    client = app.test_client()
    login(client, email)
    response = client.post(f"/projects/{project}/exports")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'id="export-download"' in page.text


def test_download_is_served_by_the_app_on_the_address_the_user_used(app: Any, world: World) -> None:
    """Issue 13: a presigned link named the internal S3 server (127.0.0.1:<port>)."""
    from urllib.parse import urlsplit

    from app.models import Export
    from app.storage import object_store

    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project = world.project(vendor, TEXTS, overlap=1, labels=tuple(LABELS))
    remote = app.test_client()  # a user on another computer reaches the app by its name
    base = "http://wanbiao.example.cn:8080"
    remote.post("/login", data={"email": email, "password": PASSWORD}, base_url=base)
    export_id = vendor.post(f"/api/v1/projects/{project}/exports").json["id"]
    shown = remote.get(f"/api/v1/exports/{export_id}", base_url=base)
    assert shown.status_code == 200, (shown.status_code, shown.data[:300])
    url = shown.json["download_url"]
    assert urlsplit(url).netloc == "wanbiao.example.cn:8080"
    response = remote.get(url)
    with app.app_context():
        key = app.extensions["sqlalchemy"].session.get(Export, export_id).object_key
        stored = b"".join(object_store().iter_chunks(key))
    assert response.status_code == 200 and response.data == stored and stored
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = remote.get(f"/projects/exports/{export_id}", base_url=base).text
    assert f'href="/api/v1/exports/{export_id}/download"' in page
    stranger = world.vendor_api()
    assert stranger.get(url).status_code == 404
    assert app.test_client().get(url).status_code == 401
