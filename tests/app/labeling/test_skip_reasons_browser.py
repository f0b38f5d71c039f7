"""The skip dialog in Chromium: five reasons by number, the fifth asks for the expert's own
words; the server keeps codes, not the labels on the buttons."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import new_project, open_workbench, press, shot
from tests.app.builders import World, skip_events

pytestmark = pytest.mark.browser
browser = chromium.browser
base_url = chromium.base_url


def test_skipping_with_a_code_then_in_own_words(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    from playwright.sync_api import expect

    project = new_project(world, "classify", ["第一条。", "第二条。", "第三条。"], ["是", "否"])
    page = open_workbench(browser, base_url, world, project)
    text = page.locator("#item-text")
    expect(text).to_contain_text("第一条")
    press(page, "s")
    expect(page.locator("#skip-dialog")).to_be_visible()
    expect(page.locator("#skip-dialog [data-key='3']")).to_contain_text("不属于我的专业领域")
    press(page, "3")
    expect(text).to_contain_text("第二条")
    press(page, "s", "5")
    expect(page.locator("#skip-note")).to_be_focused()
    page.keyboard.type("这段文字1和2都不对")  # digits go into the note, not to the buttons
    shot(page, "16-skip-in-own-words")
    press(page, "Enter")
    expect(text).to_contain_text("第三条")
    assert skip_events(app) == ["not_my_domain", "other: 这段文字1和2都不对"]
