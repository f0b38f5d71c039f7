"""The project page in Debian's Chromium while the worker recomputes its quality figures: the
page reloads itself when the new report lands, unless the user is typing in one of its forms;
then what they typed stays and a link offers the new figures.  Screenshots go to
test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, shot, wait_for
from tests.app.builders import World
from tests.app.quality.plans import LABELS, TEXTS, label_everything

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
live_app = chromium.live_app
world = chromium.live_world
base_url = chromium.live_base_url
HOLDERS = ("app.projects.views.enqueue_quality_refresh", "app.api.quality.enqueue_quality_refresh")


def stale_project_page(
    world: World, browser: Any, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """A vendor's project page opened while its figures are stale and the worker has not been
    asked for new ones yet (``monkeypatch.undo()`` lets the page's next poll ask)."""
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    corpus = vendor.upload("\n\n".join(TEXTS).encode()).json["id"]
    wait_for(
        lambda: vendor.get(f"/api/v1/corpora/{corpus}").json["status"] == "ready", "corpus ready"
    )
    project = vendor.post(
        "/api/v1/projects",
        {"name": "情感", "corpus_id": corpus, "type": "classify", "labels": LABELS, "overlap": 3},
    ).json["id"]
    label_everything(world, project)
    for holder in HOLDERS:
        monkeypatch.setattr(holder, lambda *_a, **_k: None)
    page = log_in(browser, base_url, email)
    page.goto(f"{base_url}/projects/{project}")
    page.wait_for_selector("#quality-computing")
    page.evaluate("window.sameDocument = true")  # gone if the page reloads
    return page


def test_a_user_typing_keeps_the_page_and_gets_a_link(
    live_app: Any,
    world: World,
    browser: Any,
    base_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect

    page = stale_project_page(world, browser, base_url, monkeypatch)
    page.fill("#reviewer-email", "reviewer@example.cn")
    page.locator("body").click(position={"x": 5, "y": 5})  # typed, then looked away
    monkeypatch.undo()
    expect(page.locator("#quality-ready")).to_be_visible(timeout=60000)
    expect(page.locator("#quality-ready")).to_have_text("新的统计数据已就绪：点击查看")
    expect(page.locator("#quality-computing")).to_be_hidden()
    assert page.evaluate("window.sameDocument") is True
    expect(page.locator("#reviewer-email")).to_have_value("reviewer@example.cn")
    shot(page, "quality-refresh-01-link")

    page.click("#quality-ready")
    expect(page.locator("#alpha")).not_to_have_text("—")
    expect(page.locator("#quality-computing")).to_have_count(0)
    assert page.evaluate("window.sameDocument") is None


def test_an_idle_page_reloads_itself_with_the_new_figures(
    live_app: Any,
    world: World,
    browser: Any,
    base_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect

    page = stale_project_page(world, browser, base_url, monkeypatch)
    monkeypatch.undo()
    expect(page.locator("#quality-computing")).to_have_count(0, timeout=60000)
    assert page.evaluate("window.sameDocument") is None
    expect(page.locator("#alpha")).not_to_have_text("—")
