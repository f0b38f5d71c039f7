"""The review queue in Debian's Chromium: the vendor appoints a reviewer on the project page;
the reviewer pages through the queue, starts from an expert's entities, edits them in the
editor (typing digits in it picks no answer) and saves them as the final answer.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import live_project, log_in, shot, wait_for
from tests.app.builders import World

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
live_app = chromium.live_app
world = chromium.live_world
base_url = chromium.live_base_url
TEXTS = ["张三在合肥工作。", "李四去了芜湖。"]


def final_answers(app: Any, project: int) -> dict[int, Any]:
    from app.extensions import db
    from app.models import Adjudication

    with app.app_context():
        return {
            a.item_id: a.result
            for a in db.session.query(Adjudication).filter_by(project_id=project)
        }


def test_reviewer_edits_the_final_answer_in_the_browser(
    live_app: Any, world: World, browser: Any, base_url: str
) -> None:
    from playwright.sync_api import expect

    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    project = live_project(vendor, TEXTS, "ner", ["人名", "地名"], overlap=2)
    for label in ("人名", "地名"):
        expert = world.api(world.user("expert"))
        for _ in TEXTS:
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": {"spans": [[0, 2, label]]}, "client_uuid": str(uuid.uuid4())},
            )
    wait_for(
        lambda: (q := vendor.get(f"/api/v1/projects/{project}/quality").json)["report"]
        and not q["stale"],
        "report computed",
    )
    reviewer = world.user("expert")
    owner = log_in(browser, base_url, vendor_email)
    owner.goto(f"{base_url}/projects/{project}")
    owner.fill("#reviewer-email", reviewer)
    owner.click("#add-reviewer button[type=submit]")
    expect(owner.locator("#reviewer-list")).to_contain_text(reviewer)
    shot(owner, "review-01-reviewers")

    page = log_in(browser, base_url, reviewer)
    page.goto(f"{base_url}/review/{project}")
    expect(page.locator("#review-position")).to_have_text("第 1 条，共 2 条")
    first = int(page.locator("#review-item").get_attribute("data-item"))
    page.click("#edit-final summary")
    page.locator(".answer.pickable").nth(1).click()  # start from the 地名 answer
    rows = page.locator("#edit-rows tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.nth(0).locator("select")).to_have_value("地名")
    rows.nth(0).locator("select").select_option("人名")
    page.click("#edit-add")
    start, end = rows.nth(1).locator("input").nth(0), rows.nth(1).locator("input").nth(1)
    start.fill("3")
    end.fill("5")  # digits typed in the editor pick no expert's answer
    expect(page.locator(".answer.is-picked")).to_have_count(1)
    rows.nth(1).locator("select").select_option("地名")
    expect(rows.nth(1).locator("td").nth(2)).not_to_be_empty()
    shot(page, "review-02-editor")
    page.click("#edit-save")
    expect(page.locator("#review-item")).not_to_have_attribute("data-item", str(first))
    assert final_answers(live_app, project) == {first: {"spans": [[0, 2, "人名"], [3, 5, "地名"]]}}
    shot(page, "review-03-next-item")
