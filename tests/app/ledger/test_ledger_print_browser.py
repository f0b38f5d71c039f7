"""The printable statement in Debian's Chromium: printed to A4, without navigation or buttons,
with the lines' header row repeated on every page and no line split across two pages. The
PDF and a print-media screenshot go to test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tests.app import browser as chromium
from tests.app.browser import ARTIFACTS, log_in, shot
from tests.app.builders import World
from tests.app.ledger.ledger_client import declaration, evidence, post

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
base_url = chromium.base_url
A4_POINTS = (595.92, 842.88)  # 210 mm × 297 mm


def test_the_statement_prints_on_a4_without_navigation(
    browser, base_url: str, world: World
) -> None:
    organization = world.org("皖北数据公司", "阜阳")
    email = world.user("vendor", organization)
    vendor = world.api(email)
    contract = evidence(vendor).json["id"]
    lines = [
        {"idempotency_key": f"p{n}", "declaration": declaration(contract, amount_fen=10_000 + n)}
        for n in range(120)
    ]
    assert post(vendor, "/api/v1/ledger/entries/batch", {"entries": lines}).status_code == 201
    page = log_in(browser, base_url, email)
    page.goto(f"{base_url}/ledger/statements/{organization}/2026")
    assert page.locator(".topbar").is_visible()  # on screen, the navigation is there
    page.emulate_media(media="print")
    shot(page, "ledger-statement-print")
    assert not page.locator(".topbar").is_visible()
    assert not page.locator(".statement .noprint").is_visible()
    assert not page.get_by_role("link", name="XLSX").is_visible()
    header = page.locator("table.lines thead")
    assert header.evaluate("e => getComputedStyle(e).display") == "table-header-group"
    row = page.locator("table.lines tbody tr").first
    assert row.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    computation = page.locator(".statement .computation")
    assert computation.evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "ledger-statement.pdf").write_bytes(pdf)
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf)
    assert len(boxes) >= 2  # 120 lines run over several pages
    for width, height in boxes:
        assert abs(float(width) - A4_POINTS[0]) < 1 and abs(float(height) - A4_POINTS[1]) < 1
