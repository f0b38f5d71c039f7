"""The printed quality report keeps what qualifies its figures: the warning that with two
experts per item and no check item the reliabilities are guesses is printed with them, while
the page's buttons and flashed notices are not (issue 13: figures that must not mislead, and
printed reports that say what they are about). A print-media screenshot goes to
test-artifacts/."""

from __future__ import annotations

import uuid

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, shot
from tests.app.builders import World
from tests.app.quality.plans import LABELS, TEXTS

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
base_url = chromium.base_url


def test_the_reliability_warning_is_printed(browser, base_url: str, world: World) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project = world.project(vendor, TEXTS, overlap=2, labels=tuple(LABELS))
    for label in LABELS[:2]:  # two experts who never agree
        expert = world.api(world.user("expert"))
        for _ in TEXTS:
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            sent = expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": {"label": label}, "client_uuid": str(uuid.uuid4())},
            )
            assert sent.status_code == 201
    page = log_in(browser, base_url, email)
    page.goto(f"{base_url}/projects/{project}/quality")
    warning = page.locator("#reliability-warning")
    assert warning.is_visible() and "无法判断" in warning.inner_text()
    page.emulate_media(media="print")
    shot(page, "quality-report-print")
    assert warning.is_visible(), "the printed figures lose their warning"
    assert page.locator("#report-facts").is_visible()
    assert not page.locator(".noprint").first.is_visible()
    assert not page.locator(".topbar").is_visible()
