"""The review screen in Debian's Chromium: a reviewer rejects and accepts findings with the
keyboard and adds a missed identifier by selecting it; offsets reach the server in code
points even after a character outside the BMP. Screenshots go to test-artifacts/."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ReviewDecision
from tests.app.browser import browser, log_in, shot
from tests.app.releases.release_world import DOCUMENTS, ReleaseWorld
from tests.conftest import serve_in_thread

pytestmark = pytest.mark.browser
__all__ = ["browser"]
FIRST = "𠀋申请人王小明,电话13912345678,住合肥市。"
SELECT_TEXT = """(target) => {
  for (const span of document.getElementById('review-text').children) {
    const at = span.textContent.indexOf(target);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(span.firstChild, at);
    range.setEnd(span.firstChild, at + target.length);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return true;
  }
  return false;
}"""


def test_reviewing_a_document_with_the_keyboard(releases: ReleaseWorld, browser: Any) -> None:
    from playwright.sync_api import expect

    release_id = releases.analysed([FIRST, *DOCUMENTS[1:]])
    with serve_in_thread(releases.world.app) as base_url:
        page = log_in(browser, base_url, releases.world.user("auditor"))
        page.goto(f"{base_url}/releases/{release_id}/review")
        expect(page.locator("#review-text")).to_contain_text("申请人")
        expect(page.locator("tr.finding")).to_have_count(2)
        page.keyboard.press("j")
        page.keyboard.press("n")  # the name is an official's: keep it
        page.keyboard.press("y")  # the phone number goes
        page.select_option("#review-type", "CN_ADDRESS")
        page.evaluate("document.activeElement.blur()")
        assert page.evaluate(SELECT_TEXT, "合肥市")
        page.keyboard.press("a")
        expect(page.locator("tr.finding.added")).to_contain_text("合肥市")
        shot(page, "release-review")
        page.keyboard.press("Enter")
        expect(page.locator("#review-text")).to_contain_text(DOCUMENTS[1][:6])
    with releases.world.app.app_context():
        decisions = (
            db.session.execute(
                select(
                    ReviewDecision.start,
                    ReviewDecision.end,
                    ReviewDecision.entity_type,
                    ReviewDecision.decision,
                ).order_by(ReviewDecision.start)
            )
            .tuples()
            .all()
        )
    name, phone, city = FIRST.index("王小明"), FIRST.index("139"), FIRST.index("合肥市")
    assert decisions == [
        (name, name + 3, "PERSON", "reject"),
        (phone, phone + 11, "CN_PHONE", "accept"),
        (city, city + 3, "CN_ADDRESS", "add"),
    ]
