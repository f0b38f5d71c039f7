"""The admin's list of users is as wide as the page under the two forms that add accounts, so
names, e-mails and the row's actions fit on one line at 1280 px (it was squeezed into the
left column, names broken after one character)."""

from __future__ import annotations

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, shot
from tests.app.builders import World

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
base_url = chromium.base_url


def test_the_user_list_takes_the_whole_row(browser, base_url: str, world: World) -> None:
    admin = world.user("admin")
    world.user("expert")
    page = log_in(browser, base_url, admin)
    page.goto(f"{base_url}/admin/users")
    shot(page, "admin-users")
    listing = page.locator("#user-list").bounding_box()
    forms = page.locator(".grid2 > .card").first.bounding_box()
    assert listing is not None and forms is not None
    assert listing["width"] > 2 * forms["width"], (listing, forms)
    row = page.locator("#user-list tbody tr").first.bounding_box()
    assert row is not None and row["height"] < 60, "a row wraps onto several lines"
