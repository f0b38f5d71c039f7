"""A project's delivery accepted: the ledger gains a delivery entry with the final item count,
the unit price's product, the quality figures and the export's SHA-256; once per project."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from app.ledger import verify_statement
from tests.app.builders import PASSWORD, Api, World, login, valid_uscc
from tests.app.ledger.ledger_client import post
from tests.app.quality.plans import LABELS, TEXTS, label_everything

CLIENT = {"counterparty_name": "蚌埠市数据资源局", "counterparty_uscc": valid_uscc(700_001)}


def accept(price: Any) -> dict[str, Any]:
    """An acceptance body: the unit price and the client who accepted the delivery."""
    return {"unit_price_fen": price} | CLIENT


def _labelled_project(world: World, vendor: Api) -> int:
    project = world.project(vendor, TEXTS, overlap=3, labels=tuple(LABELS))
    label_everything(world, project)
    return project


def _export(vendor: Api, project: int) -> dict[str, Any]:
    queued = vendor.post(f"/api/v1/projects/{project}/exports")
    assert queued.status_code == 202
    export: dict[str, Any] = vendor.get(f"/api/v1/exports/{queued.json['id']}").json
    assert export["status"] == "ready"
    return export


def _stored_sha256(world: World, export_id: int) -> str:
    from app.extensions import db
    from app.models import Export
    from app.storage import object_store

    with world.app.app_context():
        export = db.session.get(Export, export_id)
        assert export is not None and export.object_key is not None
        return hashlib.sha256(b"".join(object_store().iter_chunks(export.object_key))).hexdigest()


@pytest.fixture
def delivered(any_db_world: World) -> dict[str, Any]:
    """A labelled, exported and delivered project (on SQLite and on PostgreSQL)."""
    world = any_db_world
    org = world.org("宿州标注公司", "宿州")
    vendor = world.vendor_api(org)
    project = _labelled_project(world, vendor)
    export = _export(vendor, project)
    url = f"/api/v1/projects/{project}/delivery"
    response = post(vendor, url, accept(250))
    assert response.status_code == 201, response.json
    return {
        "world": world,
        "org": org,
        "vendor": vendor,
        "project": project,
        "export": export,
        "url": url,
        "entry": response.json,
    }


def test_an_accepted_delivery_appends_an_entry_with_its_figures_and_evidence(
    delivered: dict[str, Any],
) -> None:
    world: World = delivered["world"]
    entry = delivered["entry"]
    record = json.loads(base64.b64decode(entry["leaf"]))
    assert record["type"] == "delivery" and entry["status"] == "declared"
    assert record["vendor_id"] == delivered["org"] and record["project_id"] == delivered["project"]
    assert record["kind"] == "labeling" and record["task_type"] == "classify"
    assert record["quantity"] == len(TEXTS) and record["unit_price_fen"] == 250
    assert (record["counterparty_name"], record["counterparty_uscc"]) == (
        CLIENT["counterparty_name"],
        CLIENT["counterparty_uscc"],
    )
    assert record["amount_fen"] == 250 * len(TEXTS)
    assert record["evidence"] == [
        {
            "sha256": _stored_sha256(world, delivered["export"]["id"]),
            "media_type": "application/x-ndjson",
            "export_id": delivered["export"]["id"],
        }
    ]
    from app.quality.stored import latest_report

    with world.app.app_context():
        report = latest_report(delivered["project"])
        alpha = report.alpha if report else None
    assert record.get("alpha") == (f"{alpha:.4f}" if alpha is not None else None)
    assert "check_item_accuracy" not in record  # the project has no check items
    assert (
        hashlib.sha256(b"\x00" + base64.b64decode(entry["leaf"])).hexdigest() == entry["leaf_hash"]
    )


def test_accepting_twice_is_refused_and_an_auditor_confirms_the_delivery(
    delivered: dict[str, Any],
) -> None:
    world: World = delivered["world"]
    vendor: Api = delivered["vendor"]
    again = post(vendor, delivered["url"], accept(999))
    assert again.status_code == 409 and again.json["error"]["code"] == "already_delivered"
    colleague = world.vendor_api(delivered["org"])
    assert post(colleague, delivered["url"], accept(250)).status_code == 409
    auditor_email = world.user("auditor")
    auditor = world.api(auditor_email)
    seq = delivered["entry"]["seq"]
    assert post(auditor, f"/api/v1/ledger/entries/{seq}/confirm").status_code == 201
    listing = vendor.get("/api/v1/ledger/entries").json["entries"]
    assert [e["type"] for e in listing] == ["delivery", "confirmation"]
    assert listing[0]["status"] == "confirmed"
    statement = vendor.get(f"/api/v1/ledger/statements/{delivered['org']}/2026").json
    assert statement["subsidy"]["volume_fen"] == 250 * len(TEXTS)
    line = statement["lines"][0]
    assert (line["counterparty_name"], line["counterparty_uscc"]) == (
        CLIENT["counterparty_name"],
        CLIENT["counterparty_uscc"],
    )
    assert verify_statement.verify_statement(statement).startswith("OK: 2 lines")
    browser = world.app.test_client()
    login(browser, auditor_email, PASSWORD)
    page = browser.get(f"/ledger/statements/{delivered['org']}/2026")
    assert CLIENT["counterparty_name"] in page.text and CLIENT["counterparty_uscc"] in page.text


@pytest.mark.parametrize("price", [0, -5, 0.1, 2.5, "12,50", "1e309", True, None, 10**16])
def test_a_bad_unit_price_is_refused(world: World, price: Any) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS[:2], overlap=1, labels=tuple(LABELS))
    response = post(vendor, f"/api/v1/projects/{project}/delivery", accept(price))
    assert response.status_code == 422
    assert vendor.get("/api/v1/ledger/entries").json["entries"] == []


def test_delivery_needs_an_export_final_answers_and_the_vendors_own_project(
    world: World,
) -> None:
    vendor = world.vendor_api()
    empty = world.project(vendor, TEXTS[:2], overlap=1, labels=tuple(LABELS))
    refused = post(vendor, f"/api/v1/projects/{empty}/delivery", accept(10))
    assert refused.status_code == 422 and refused.json["error"]["code"] == "nothing_final"
    project = _labelled_project(world, vendor)
    url = f"/api/v1/projects/{project}/delivery"
    no_export = post(vendor, url, accept(10))
    assert no_export.status_code == 409 and no_export.json["error"]["code"] == "export_required"
    assert post(vendor, url, accept(10) | {"extra": 1}).status_code == 422
    assert post(world.vendor_api(), url, accept(10)).status_code == 404
    assert post(world.api(world.user("auditor")), url, accept(10)).status_code == 403
    assert post(vendor, "/api/v1/projects/999999/delivery", accept(10)).status_code == 404
    assert vendor.get("/api/v1/ledger/entries").json["entries"] == []


def test_the_kind_follows_the_task_type() -> None:
    from app.ledger.delivery import KIND_OF_TASK
    from tasks import TASK_TYPES

    assert set(KIND_OF_TASK) == set(TASK_TYPES)
    assert KIND_OF_TASK == {
        "collect": "collection",
        "clean": "cleaning",
        "classify": "labeling",
        "ner": "labeling",
        "bbox": "labeling",
    }


def test_the_project_page_button_accepts_the_delivery(world: World) -> None:
    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    project = _labelled_project(world, vendor)
    browser = world.app.test_client()
    login(browser, email, PASSWORD)
    assert 'id="delivery-form"' in browser.get(f"/projects/{project}").text
    refused = browser.post(f"/ledger/projects/{project}/delivery", data=accept("7"))
    assert refused.status_code == 302 and refused.headers["Location"].endswith(
        f"/projects/{project}"
    )
    _export(vendor, project)
    bad = browser.post(f"/ledger/projects/{project}/delivery", data=accept("7.5"))
    assert bad.status_code == 302 and bad.headers["Location"].endswith(f"/projects/{project}")
    done = browser.post(f"/ledger/projects/{project}/delivery", data=accept("7"))
    assert done.status_code == 302 and done.headers["Location"].endswith("/ledger/")
    entries = vendor.get("/api/v1/ledger/entries").json["entries"]
    assert [(e["type"], e["amount_fen"]) for e in entries] == [("delivery", 7 * len(TEXTS))]
    again = browser.post(
        f"/ledger/projects/{project}/delivery", data=accept("7"), follow_redirects=True
    )
    assert "已" in again.text or "already" in again.text
    assert len(vendor.get("/api/v1/ledger/entries").json["entries"]) == 1


def test_the_openapi_document_lists_the_delivery_route(world: World) -> None:
    paths = world.vendor_api().get("/api/v1/openapi.json").json["paths"]
    operation = paths["/projects/{project_id}/delivery"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["unit_price_fen", "counterparty_name", "counterparty_uscc"]
    assert "409" in operation["responses"]


@pytest.mark.parametrize(
    "change",
    [
        {"counterparty_uscc": "913401000000000000"},  # wrong check character
        {"counterparty_uscc": None},
        {"counterparty_name": "  "},
        {"counterparty_name": "x" * 201},
    ],
)
def test_a_bad_client_is_refused(world: World, change: dict[str, Any]) -> None:
    vendor = world.vendor_api()
    project = _labelled_project(world, vendor)
    _export(vendor, project)
    response = post(vendor, f"/api/v1/projects/{project}/delivery", accept(10) | change)
    assert response.status_code == 422 and response.json["error"]["code"] == "invalid_entry"
    assert vendor.get("/api/v1/ledger/entries").json["entries"] == []


def test_the_vendor_itself_is_no_client(world: World) -> None:
    from app.extensions import db
    from app.models import Organization

    org = world.org("淮北标注公司", "淮北")
    vendor = world.vendor_api(org)
    project = _labelled_project(world, vendor)
    _export(vendor, project)
    with world.app.app_context():
        own = db.session.get(Organization, org)
        assert own is not None
        own_uscc = own.uscc
    response = post(
        vendor, f"/api/v1/projects/{project}/delivery", accept(10) | {"counterparty_uscc": own_uscc}
    )
    assert response.status_code == 422 and response.json["error"]["code"] == "self_trade"
