"""An entry's evidence files: the declaring vendor, the bureau's auditors and the officials of
the vendor's city download them (each download in the audit trail); anyone else gets 404."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from tests.app.builders import PASSWORD, Api, World, login, valid_uscc
from tests.app.ledger.ledger_client import PDF, declaration, evidence, post

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _city_office(world: World, city: str, seed: int) -> int:
    from app.accounts.organizations import create_organization

    with world.app.app_context():
        return create_organization(
            f"{city}市数据资源局", valid_uscc(800_000 + seed), city, None, "city_office"
        ).id


@pytest.fixture
def declared(any_db_world: World) -> dict[str, Any]:
    """A 阜阳 vendor's declaration with a contract (PDF) and an invoice (PNG)."""
    world = any_db_world
    org = world.org("阜阳数据公司", "阜阳")
    vendor = world.vendor_api(org)
    contract = evidence(vendor, PDF, "合同.pdf").json["id"]
    invoice = evidence(vendor, PNG, "发票.png").json["id"]
    body = declaration(contract) | {"evidence": [contract, invoice]}
    entry = post(vendor, "/api/v1/ledger/entries", body, "with-files")
    assert entry.status_code == 201, entry.json
    return {"world": world, "org": org, "vendor": vendor, "entry": entry.json}


def _download(api: Api, evidence_id: int) -> Any:
    return api.get(f"/api/v1/ledger/evidence/{evidence_id}")


def _downloads_logged(world: World) -> list[tuple[str | None, int | None]]:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AuditEvent

    with world.app.app_context():
        rows = db.session.execute(
            select(AuditEvent.actor_email, AuditEvent.object_id)
            .where(AuditEvent.action == "ledger_evidence_downloaded")
            .order_by(AuditEvent.id)
        ).all()
        db.session.remove()
    return [(email, object_id) for email, object_id in rows]


def test_the_vendor_an_auditor_and_the_citys_official_download_it(
    declared: dict[str, Any],
) -> None:
    world: World = declared["world"]
    contract, invoice = declared["entry"]["evidence_ids"]
    readers = [
        declared["vendor"],
        world.api(world.user("auditor")),
        world.api(world.user("city_official", _city_office(world, "阜阳", 1))),
    ]
    for reader in readers:
        pdf = _download(reader, contract)
        assert pdf.status_code == 200 and pdf.data == PDF and pdf.mimetype == "application/pdf"
        assert "attachment" in pdf.headers["Content-Disposition"]
        assert (
            pdf.headers["Digest"]
            == "sha-256=" + base64.b64encode(hashlib.sha256(PDF).digest()).decode()
        )
        png = _download(reader, invoice)
        assert png.data == PNG and png.mimetype == "image/png"
    # The bytes are those the signed leaf names.
    leaf_files = [f["sha256"] for f in declared["entry"]["evidence"]]
    assert leaf_files == [hashlib.sha256(PDF).hexdigest(), hashlib.sha256(PNG).hexdigest()]
    logged = _downloads_logged(world)
    assert len(logged) == 6 and [object_id for _email, object_id in logged[:2]] == [
        contract,
        invoice,
    ]


def test_anyone_else_gets_not_found_and_nothing_is_logged(declared: dict[str, Any]) -> None:
    world: World = declared["world"]
    contract = declared["entry"]["evidence_ids"][0]
    strangers = [
        world.vendor_api(world.org("合肥数据公司", "合肥")),  # another vendor
        world.api(world.user("city_official", _city_office(world, "合肥", 2))),  # another city
        world.api(world.user("admin")),
        world.api(world.user("expert")),
    ]
    for stranger in strangers:
        assert _download(stranger, contract).status_code == 404
    assert _download(declared["vendor"], contract + 999).status_code == 404
    assert _downloads_logged(world) == []


def test_the_ledger_page_links_the_files(world: World) -> None:
    org = world.org("宿州数据公司", "宿州")
    email = world.user("vendor", org)
    vendor = world.api(email)
    contract = evidence(vendor, PDF, "合同.pdf").json["id"]
    assert post(vendor, "/api/v1/ledger/entries", declaration(contract), "p1").status_code == 201
    browser = world.app.test_client()
    login(browser, email, PASSWORD)
    page = browser.get("/ledger/").text
    assert f'href="/ledger/evidence/{contract}"' in page
    download = browser.get(f"/ledger/evidence/{contract}")
    assert download.status_code == 200 and download.data == PDF
    other = world.app.test_client()
    login(other, world.user("vendor", world.org("别家公司", "合肥")), PASSWORD)
    assert other.get(f"/ledger/evidence/{contract}").status_code == 404
