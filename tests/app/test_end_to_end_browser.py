"""End to end in Debian's Chromium: a vendor uploads, two experts label three items with the
keyboard, an auditor reads Krippendorff's α. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, shot
from tests.app.builders import World

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
live_app = chromium.live_app
world = chromium.live_world
base_url = chromium.live_base_url
PARAGRAPHS = [
    "加快建设合肥先进计算中心，提升智能算力供给能力。",
    "到2025年，全省通用人工智能产业规模达到2000亿元。",
    "各地各部门要加强组织领导，强化政策保障。",
]


def vendor_creates_project(page: Any, base_url: str, tmp_path: Path) -> str:
    corpus_file = tmp_path / "行动计划.txt"
    corpus_file.write_text("\n\n".join(PARAGRAPHS), encoding="utf-8")
    page.goto(f"{base_url}/corpora/upload")
    page.fill("#corpus-name", "行动计划")
    page.set_input_files("#corpus-file", str(corpus_file))
    shot(page, "01-upload")
    page.click("#upload-button")
    page.wait_for_url("**/corpora/*")
    # The worker process splits the file; the page polls and reloads when it is ready.
    page.wait_for_selector("a[href*='/projects/new']", timeout=60000)
    assert page.inner_text("#corpus-items").strip() == "3"
    shot(page, "02-corpus")
    page.click("a[href*='/projects/new']")
    page.fill("input[name=name]", "段落分类")
    page.fill("textarea[name=labels]", "算力\n产业\n保障")
    page.fill("input[name=overlap]", "2")
    page.click("form button.primary")
    page.wait_for_selector("#alpha")
    shot(page, "03-project")
    return page.url


def expert_labels_everything(page: Any, keys: list[str], name: str) -> None:
    from playwright.sync_api import expect

    page.click(".project-link")
    page.wait_for_url("**/annotate/*")
    item = page.locator("#item-text")
    for number, key in enumerate(keys, start=1):
        expect(item).to_contain_text("。")
        text_before = item.inner_text()
        page.keyboard.press(key)
        expect(page.locator(f".label-button[data-key='{key}']")).to_have_attribute(
            "aria-checked", "true"
        )
        if number == 1:
            shot(page, f"04-{name}-workbench")
        page.keyboard.press("Enter")
        expect(page.locator("#done-count")).to_have_text(str(number))
        if number < len(keys):
            expect(item).not_to_have_text(text_before)
    expect(page.locator("#wb-message")).to_be_visible()
    shot(page, f"05-{name}-done")


def test_upload_label_and_audit_in_the_browser(
    world: World, browser: Any, base_url: str, tmp_path: Path
) -> None:
    vendor_page = log_in(browser, base_url, world.user("vendor", world.org()))
    project_url = vendor_creates_project(vendor_page, base_url, tmp_path)
    expert_labels_everything(
        log_in(browser, base_url, world.user("expert")), ["1", "2", "3"], "expert1"
    )
    expert_labels_everything(
        log_in(browser, base_url, world.user("expert")), ["1", "2", "3"], "expert2"
    )
    auditor = log_in(browser, base_url, world.user("auditor"))
    shot(auditor, "06-auditor-home")
    auditor.goto(project_url)
    from playwright.sync_api import expect

    expect(auditor.locator("#items-complete")).to_have_text("3 / 3")
    # The worker computes the report; the page reloads itself when it lands.
    expect(auditor.locator("#alpha")).to_have_text("1.000", timeout=30000)
    shot(auditor, "07-auditor-project")
    auditor.goto(project_url + "/quality")
    expect(auditor.locator("#report-alpha")).to_have_text("1.000")
    shot(auditor, "08-quality-report")
