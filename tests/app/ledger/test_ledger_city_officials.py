"""City officials (市级主管): a city office's staff read their own city's vendors' ledger and
subsidies, pages and API; other cities' vendors are 404; they change nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.app.builders import PASSWORD, Api, World, login, valid_uscc
from tests.app.ledger.ledger_client import declare, evidence, post


def _city_office(world: World, city: str) -> int:
    from app.accounts.organizations import create_organization

    with world.app.app_context():
        return create_organization(
            f"{city}市数据资源局", valid_uscc(700_000 + len(city)), city, None, "city_office"
        ).id


@pytest.fixture
def city_world(any_db_world: World) -> dict[str, Any]:
    """A vendor in 阜阳 and one in 芜湖, each with a confirmed entry; a 阜阳 official (on SQLite
    and on PostgreSQL)."""
    world = any_db_world
    fuyang, wuhu = world.org("阜阳数据公司", "阜阳"), world.org("芜湖数据公司", "芜湖")
    auditor = world.api(world.user("auditor"))
    mine, theirs = world.vendor_api(fuyang), world.vendor_api(wuhu)
    assert declare(mine, "a").status_code == 201  # seq 1
    assert declare(theirs, "b", amount_fen=990_000).status_code == 201  # seq 2
    assert post(auditor, "/api/v1/ledger/entries/1/confirm").status_code == 201
    assert post(auditor, "/api/v1/ledger/entries/2/confirm").status_code == 201
    email = world.user("city_official", _city_office(world, "阜阳"))
    return {"world": world, "fuyang": fuyang, "wuhu": wuhu, "email": email, "api": world.api(email)}


def test_a_city_official_reads_only_their_citys_entries_through_the_api(
    city_world: dict[str, Any],
) -> None:
    official: Api = city_world["api"]
    listing = official.get("/api/v1/ledger/entries?limit=1000")
    assert listing.status_code == 200
    assert {e["vendor_id"] for e in listing.json["entries"]} == {city_world["fuyang"]}
    assert [e["seq"] for e in listing.json["entries"]] == [1, 3]  # the entry, its confirmation
    assert official.get("/api/v1/ledger/entries/1").status_code == 200
    assert official.get("/api/v1/ledger/entries/2").status_code == 404
    assert official.get("/api/v1/ledger/entries/4").status_code == 404  # 芜湖's confirmation
    assert official.get("/api/v1/ledger/entries/1/proof").status_code == 200
    assert official.get("/api/v1/ledger/entries/2/proof").status_code == 404
    own = official.get(f"/api/v1/ledger/statements/{city_world['fuyang']}/2026")
    assert own.status_code == 200 and own.json["vendor"]["city"] == "阜阳"
    other = official.get(f"/api/v1/ledger/statements/{city_world['wuhu']}/2026")
    assert other.status_code == 404


def test_a_city_official_cannot_confirm_reject_reverse_declare_or_sign(
    city_world: dict[str, Any],
) -> None:
    world: World = city_world["world"]
    official: Api = city_world["api"]
    vendor = world.vendor_api(city_world["fuyang"])
    assert declare(vendor, "c").status_code == 201  # seq 5, 阜阳, undecided
    assert post(official, "/api/v1/ledger/entries/5/confirm").status_code == 403
    refused = post(official, "/api/v1/ledger/entries/5/reject", {"reason": "无"})
    assert refused.status_code == 403
    assert post(official, "/api/v1/ledger/entries/1/reverse", {"reason": "无"}).status_code == 403
    # Another city's entry stays a 404, not a 403: its existence is not revealed.
    assert post(official, "/api/v1/ledger/entries/2/confirm").status_code == 404
    assert post(official, "/api/v1/ledger/tree-heads").status_code == 403
    assert evidence(official).status_code == 403
    listing = official.get("/api/v1/ledger/entries?after=4").json["entries"]
    assert [e["seq"] for e in listing] == [5] and listing[0]["status"] == "declared"


def test_a_city_officials_pages_show_only_their_city(city_world: dict[str, Any]) -> None:
    world: World = city_world["world"]
    browser = world.app.test_client()
    login(browser, city_world["email"], PASSWORD)
    assert browser.get("/").headers["Location"].endswith("/ledger/")
    listing = browser.get("/ledger/")
    assert listing.status_code == 200 and "/ledger/overview/2026" in listing.text
    overview = browser.get("/ledger/overview/2026")
    assert overview.status_code == 200
    assert "阜阳数据公司" in overview.text and "芜湖数据公司" not in overview.text
    assert 'id="city-scope"' in overview.text
    cities = re.findall(r"<tr><td>([^<]+)</td><td>\d+</td>", overview.text)
    assert cities == ["阜阳"]
    assert browser.get(f"/ledger/statements/{city_world['fuyang']}/2026").status_code == 200
    assert browser.get(f"/ledger/statements/{city_world['wuhu']}/2026").status_code == 404


def test_an_official_without_a_city_office_reads_nothing(world: World) -> None:
    vendor_org = world.org("阜阳数据公司", "阜阳")
    assert declare(world.vendor_api(vendor_org), "a").status_code == 201
    from app.accounts.services import create_user
    from app.exceptions import Invalid

    with world.app.app_context(), pytest.raises(Invalid):
        create_user("o@example.cn", PASSWORD, "city_official", organization_id=vendor_org)
    with world.app.app_context(), pytest.raises(Invalid):
        create_user("o@example.cn", PASSWORD, "city_official")
    office = _city_office(world, "阜阳")
    with world.app.app_context(), pytest.raises(Invalid):
        create_user("v@example.cn", PASSWORD, "vendor", organization_id=office)
    # A vendor's staff never read the city office's scope.
    other = world.vendor_api(world.org("阜阳另一公司", "阜阳"))
    assert other.get("/api/v1/ledger/entries/1").status_code == 404
    assert other.get("/ledger/overview/2026").status_code in (403, 404)


def test_city_officials_from_the_cli_and_the_admin_pages(app: Any, world: World) -> None:
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "orgs",
            "create",
            "--name",
            "芜湖市数据资源局",
            "--uscc",
            valid_uscc(710_001),
            "--city",
            "芜湖",
            "--kind",
            "city_office",
        ]
    )
    assert made.exit_code == 0, made.output
    office = int(made.output.strip())
    user = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "cli@wuhu.cn",
            "--password",
            PASSWORD,
            "--role",
            "city_official",
            "--org",
            str(office),
        ]
    )
    assert user.exit_code == 0 and "(city_official)" in user.output
    admin = app.test_client()
    login(admin, world.user("admin"))
    created = admin.post(
        "/admin/organizations",
        data={
            "name": "宿州市财政局",
            "uscc": valid_uscc(710_002),
            "city": "宿州",
            "kind": "city_office",
        },
    )
    assert created.status_code == 302
    from app.extensions import db
    from app.models import Organization

    with app.app_context():
        suzhou = db.session.query(Organization).filter_by(name="宿州市财政局").one()
        assert suzhou.kind == "city_office"
        suzhou_id = suzhou.id
    page = admin.post(
        "/admin/users", data={"name": "李四", "email": "li@suzhou.cn", "organization_id": suzhou_id}
    )
    password = re.search(r"<code>([^<]+)</code>", page.text)
    assert page.status_code == 200 and password is not None
    official = app.test_client()
    assert login(official, "li@suzhou.cn", password.group(1)).status_code == 302
    assert official.get("/ledger/overview/2026").status_code == 200
    assert official.get("/corpora/").status_code == 403
