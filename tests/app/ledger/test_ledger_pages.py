"""Ledger pages: the vendor's entries and statement, the bureau's overview, tenancy."""

from __future__ import annotations

from tests.app.builders import PASSWORD, World, login
from tests.app.ledger.ledger_client import declare, post


def test_vendor_pages_and_the_bureau_overview(world: World) -> None:
    organization = world.org("皖北数据公司", "阜阳")
    email = world.user("vendor", organization)
    vendor, auditor_email = world.api(email), world.user("auditor")
    auditor = world.api(auditor_email)
    declare(vendor, "a", counterparty_name="<script>alert(1)</script>公司")
    post(auditor, "/api/v1/ledger/entries/1/confirm")
    browser = world.app.test_client()
    login(browser, email, PASSWORD)
    listing = browser.get("/ledger/").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;公司" in listing and "<script>alert" not in listing
    page = browser.get(f"/ledger/statements/{organization}/2026")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "12500.00 × 3% (阜阳)" in text and "450.00" in text  # 375.00 × 120 %
    # Steps, kinds, entry types and reasons read in the page's language, not as codes.
    assert "皖北上浮" in text and "数据标注服务" in text and "申报" in text
    assert ">uplift<" not in text and ">labeling<" not in text
    # So do the formulas, with the data's figures: 450.00 is 449.9999… and within the cap.
    assert "计入明细合计" in text and "450.00 与上限 5000000.00 中的较小者" in text
    assert "rounded half up" not in text and "counted lines" not in text
    assert browser.get("/ledger/overview/2026").status_code in (403, 404)
    office = world.app.test_client()
    login(office, auditor_email, PASSWORD)
    overview = office.get("/ledger/overview/2026").get_data(as_text=True)
    assert "皖北数据公司" in overview and 'id="city-chart"' in overview
    assert f"/ledger/statements/{organization}/2026" in overview


def test_another_vendors_statement_page_is_not_found(world: World) -> None:
    mine, theirs = world.org("甲公司", "合肥"), world.org("乙公司", "芜湖")
    email = world.user("vendor", mine)
    browser = world.app.test_client()
    login(browser, email, PASSWORD)
    assert browser.get(f"/ledger/statements/{theirs}/2026").status_code == 404
    assert browser.get(f"/ledger/statements/{mine}/2026").status_code == 200
