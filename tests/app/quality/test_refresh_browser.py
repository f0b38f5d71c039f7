"""The project page in Debian's Chromium while the worker recomputes its quality figures: the
page reloads itself when the new report lands, unless the user is typing in one of its forms;
then what they typed stays and a link offers the new figures.  Screenshots go to
test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import live_project, log_in, shot
from tests.app.builders import World
from tests.app.quality.plans import LABELS, TEXTS, label_everything

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
live_app = chromium.live_app
world = chromium.live_world
base_url = chromium.live_base_url
HOLDERS = ("app.projects.views.enqueue_quality_refresh", "app.api.quality.enqueue_quality_refresh")


@pytest.fixture
def stale_page(
    live_app: Any, world: World, browser: Any, base_url: str, monkeypatch: pytest.MonkeyPatch
) -> Any:
    """A vendor's project page opened while its figures are stale and the worker has not been
    asked for new ones yet (``monkeypatch.undo()`` lets the page's next poll ask)."""
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project = live_project(vendor, TEXTS, "classify", LABELS, overlap=3)
    label_everything(world, project)
    for holder in HOLDERS:
        monkeypatch.setattr(holder, lambda *_a, **_k: None)
    page = log_in(browser, base_url, email)
    page.goto(f"{base_url}/projects/{project}")
    page.wait_for_selector("#quality-computing")
    page.evaluate("window.sameDocument = true")  # gone if the page reloads
    return page


def test_a_user_typing_keeps_the_page_and_gets_a_link(
    stale_page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    page = stale_page
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
    stale_page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    page = stale_page
    monkeypatch.undo()
    expect(page.locator("#quality-computing")).to_have_count(0, timeout=60000)
    assert page.evaluate("window.sameDocument") is None
    expect(page.locator("#alpha")).not_to_have_text("—")
