"""The corpus page in Debian's Chromium, used with the keyboard as a vendor would (issue 13):
the sample government document, its length histogram, the minimum length that drops the
headings and the breadcrumb, a search, dropping a ticked item, and a near-duplicate search.
Screenshots go to test-artifacts/ (corpus-page.png, corpus-page-curated.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, press, shot

pytestmark = pytest.mark.browser
browser = chromium.browser
base_url = chromium.base_url
SAMPLE = Path("/work/shared/data/corpus/anhui_agi_action_plan_2023.txt")


def _rows(page: Any) -> list[str]:
    return [t.strip() for t in page.locator("#item-table tbody td.prewrap").all_inner_texts()]


def test_vendor_curates_the_sample_document_with_the_keyboard(
    browser: Any, base_url: str, world: Any
) -> None:
    if not SAMPLE.exists():
        pytest.skip("the sample government document is not on this machine")
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    text = SAMPLE.read_text(encoding="utf-8")
    corpus = world.ready_corpus(vendor, [text, text.replace("行动计划", "行动方案")])
    page = log_in(browser, base_url, email)
    page.goto(f"{base_url}/corpora/{corpus}")
    assert page.locator("#length-chart rect.bar").count() == 11
    assert "国内" in _rows(page) and "一、总体思路" in _rows(page)
    assert page.locator("#statistics").inner_text().count("保留的条目") == 1
    shot(page, "corpus-page")
    page.focus("#min-length")
    page.fill("#min-length", "10")
    press(page, "Enter")
    page.wait_for_selector(".flash-info")
    assert "已剔除" in page.locator(".flash-info").inner_text()
    assert "国内" not in _rows(page) and "一、总体思路" not in _rows(page)
    page.focus("#item-search")
    page.keyboard.type("算力")
    press(page, "Enter")
    page.wait_for_url(lambda url: "q=" in url)
    found = _rows(page)
    assert found and all("算力" in row for row in found)
    first = page.locator('#item-table input[name="item_id"]').first
    dropped_text = found[0]
    first.focus()
    press(page, "Space")
    page.focus("#drop-selected")
    press(page, "Enter")
    page.wait_for_selector(".flash-info")
    assert dropped_text not in _rows(page)
    page.select_option("#threshold", "0.8")
    page.focus("#search-near-duplicates")
    press(page, "Enter")
    page.wait_for_selector("#near-duplicates-summary")
    assert page.locator(".near-group").count() >= 1
    page.goto(f"{base_url}/corpora/{corpus}")
    shot(page, "corpus-page-curated")
