"""Reviewing contributions from the keyboard in Debian's Chromium: J and K page through the
queue, A accepts, R opens the reason box (Enter with no reason sends nothing, keys typed in it
decide nothing, Esc closes it), Enter rejects with the reason; the expert then reads the
decisions on their own page. Screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, press_to_open, shot
from tests.app.builders import World
from tests.app.review.collected import collect_project, contribute, contribution_ids

pytestmark = pytest.mark.browser
browser = chromium.browser
base_url = chromium.base_url
TEXTS = ["上周在合肥的医院挂了骨科。", "带孩子去社区打疫苗。", "夜里发烧去了急诊。"]


def test_the_vendor_reviews_contributions_with_the_keyboard(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    from playwright.sync_api import expect

    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    project, corpus = collect_project(world, vendor)
    expert_email = world.user("expert")
    for text in TEXTS:
        contribute(world.api(expert_email), project, text)
    first, second, third = contribution_ids(vendor, project)

    page = log_in(browser, base_url, vendor_email)
    page.goto(f"{base_url}/review/{project}/contributions")
    position, card = page.locator("#contribution-position"), page.locator("#contribution")
    expect(position).to_have_text("待审核贡献第 1 条，共 3 条")
    press_to_open(page, "j")
    expect(card).to_have_attribute("data-contribution", str(second))
    press_to_open(page, "k")
    expect(card).to_have_attribute("data-contribution", str(first))
    shot(page, "contributions-01-queue")
    press_to_open(page, "a")
    expect(page.locator(".flash-info")).to_contain_text("已采纳")
    expect(card).to_have_attribute("data-contribution", str(second))
    expect(position).to_have_text("待审核贡献第 1 条，共 2 条")

    page.keyboard.press("r")
    reason = page.locator("#reject-reason")
    expect(reason).to_be_visible()
    expect(reason).to_be_focused()
    page.keyboard.press("Escape")
    expect(reason).to_be_hidden()
    page.keyboard.press("r")
    page.keyboard.press("Enter")  # no reason yet: nothing is sent
    expect(reason).to_be_focused()
    expect(card).to_have_attribute("data-contribution", str(second))
    page.keyboard.type("a j k: not about a visit to a doctor")  # keys typed here decide nothing
    expect(card).to_have_attribute("data-contribution", str(second))
    shot(page, "contributions-02-reason")
    press_to_open(page, "Enter")
    expect(page.locator(".flash-info")).to_contain_text("已驳回")
    expect(card).to_have_attribute("data-contribution", str(third))
    expect(page.locator("#contribution-counts")).to_have_text("待审核：1 · 已采纳：1 · 已驳回：1")

    decided = {
        c["id"]: (c["status"], c["reason"])
        for c in vendor.get(f"/api/v1/projects/{project}/contributions").json["contributions"]
    }
    assert decided == {
        first: ("accepted", None),
        second: ("rejected", "a j k: not about a visit to a doctor"),
        third: ("pending", None),
    }
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == 2

    mine = log_in(browser, base_url, expert_email)
    mine.click("#nav-my-contributions")
    expect(mine.locator("#my-accepted")).to_have_text("1")
    rejected = mine.locator(f'tr[data-contribution="{second}"]')
    expect(rejected.locator(".contribution-status-rejected")).to_have_text("已驳回")
    expect(rejected.locator(".contribution-reason")).to_have_text(
        "a j k: not about a visit to a doctor"
    )
    shot(mine, "contributions-03-expert")
