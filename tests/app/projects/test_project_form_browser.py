"""The new-project form in Chromium shows only the chosen task type's options, with a
preview of the workbench (issue 13: "one long project form showing every type's options")."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, shot
from tests.app.builders import World

pytestmark = pytest.mark.browser
browser = chromium.browser
base_url = chromium.base_url


def test_the_form_follows_the_chosen_type(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    from playwright.sync_api import expect

    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    corpus = world.ready_corpus(vendor, ["示例文本。"])
    page = log_in(browser, base_url, email)
    page.goto(f"{base_url}/projects/new?corpus={corpus}")
    preview = page.locator("#workbench-preview")
    expect(preview).to_be_visible()
    expect(page.locator("#multi")).to_be_visible()
    expect(page.locator("#allow_overlap")).to_be_hidden()
    expect(page.locator("#prompt")).to_be_hidden()
    page.fill("#labels", "人名\n地名")
    expect(preview.locator("[data-preview=classify] .label-button")).to_have_count(2)

    page.select_option("#task_type", "ner")
    expect(page.locator("#allow_overlap")).to_be_visible()
    expect(page.locator("#multi")).to_be_hidden()
    expect(preview.locator("[data-preview=ner]")).to_be_visible()
    expect(preview.locator("[data-preview=ner] .label-button").first).to_contain_text("人名")
    shot(page, "projects-form-ner")

    page.select_option("#task_type", "collect")
    expect(page.locator("#labels")).to_be_hidden()
    expect(page.locator("#overlap")).to_be_hidden()
    expect(page.locator("#prompt")).to_be_visible()
    page.fill("#prompt", "请写一段办事经历。")
    expect(preview.locator("[data-fill=prompt]")).to_have_text("请写一段办事经历。")
    shot(page, "projects-form-collect")
    page.fill("#name", "办事经历征集")
    page.click("#project-form button[type=submit]")  # the hidden labels are not sent
    page.wait_for_url(f"{base_url}/projects/*")
    assert "/projects/new" not in page.url
    created = vendor.get(page.url.replace("/projects/", "/api/v1/projects/")).json
    assert created["type"] == "collect" and created["labels"] == []
