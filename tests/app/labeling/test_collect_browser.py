"""The collection workbench in Chromium: the prompt shows, the expert writes, Ctrl+Enter
submits, and the text becomes an item of the vendor's corpus once accepted."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, shot
from tests.app.builders import World
from tests.app.review.collected import accept_all

pytestmark = pytest.mark.browser
browser = chromium.browser
base_url = chromium.base_url


def test_expert_contributes_a_text(app: Any, world: World, browser: Any, base_url: str) -> None:
    from playwright.sync_api import expect

    vendor = world.vendor_api()
    corpus = world.ready_corpus(vendor, ["示例：在社区医院复诊。"])
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "就医经历征集",
            "corpus_id": corpus,
            "type": "collect",
            "overlap": 1,
            "prompt": "请写一段你最近一次就医的经历（不要写真实姓名）。",
            "contributions": 3,
        },
    ).json["id"]
    page = log_in(browser, base_url, world.user("expert"))
    page.goto(f"{base_url}/annotate/{project}")
    expect(page.locator("#collect-prompt")).to_contain_text("就医的经历")
    page.fill("#collect-text", "上周在合肥的医院挂了骨科，排队一个小时。\n医生很耐心。")
    shot(page, "40-collect-workbench")
    page.keyboard.press("Control+Enter")
    expect(page.locator("#done-count")).to_have_text("1")
    expect(page.locator("#collect-text")).to_have_value("")
    texts = [
        t["text_preview"]
        for t in vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
        if t["text_preview"]
    ]
    assert texts == ["上周在合肥的医院挂了骨科，排队一个小时。\n医生很耐心。"]
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == 1, "pending review"
    accept_all(vendor, project)
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == 2
