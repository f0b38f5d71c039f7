"""An expert sees "x / y" in a project, kept across reloads, and a link to the next project
when none is left (issue 13: 'no "x of y" for experts (the counter resets on reload) and no
link to the next project at the end')."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, new_project, shot
from tests.app.builders import World

pytestmark = pytest.mark.browser
browser = chromium.browser
base_url = chromium.base_url


def test_the_count_survives_a_reload_and_the_end_leads_on(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    from playwright.sync_api import expect

    other = new_project(world, "classify", ["另一个项目的文本。"], ["是", "否"])
    project = new_project(world, "classify", ["第一条。", "第二条。"], ["是", "否"])
    page = log_in(browser, base_url, world.user("expert"))
    page.goto(f"{base_url}/annotate/{project}")
    expect(page.locator("#total-count")).to_have_text("2")
    expect(page.locator("#done-count")).to_have_text("0")
    expect(page.locator("#item-text")).to_contain_text("。")
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    expect(page.locator("#done-count")).to_have_text("1")
    page.reload()
    expect(page.locator("#done-count")).to_have_text("1")
    expect(page.locator("#total-count")).to_have_text("2")
    expect(page.locator("#item-text")).to_contain_text("。")
    page.keyboard.press("2")
    page.keyboard.press("Enter")
    expect(page.locator("#done-count")).to_have_text("2")
    expect(page.locator("#wb-next")).to_be_visible()
    shot(page, "wb-progress-next-project")
    page.click("#wb-next a")
    page.wait_for_url(f"{base_url}/annotate/{other}")
    expect(page.locator("#total-count")).to_have_text("1")
