"""Quality pages and the review keyboard in Debian's Chromium, against an app with a real
Huey consumer: a reviewer of an entity project chooses an expert's answer with a digit and
confirms with Enter; the vendor sorts the per-item table; an expert opens their own figures.
Screenshots go to test-artifacts/."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, press_to_open, shot, wait_for
from tests.app.builders import Api, World

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
live_app = chromium.live_app
world = chromium.live_world
base_url = chromium.live_base_url
TEXTS = ["张三在合肥工作。", "李四去了芜湖。", "王五住在蚌埠。"]


def disputed_ner_project(world: World, vendor: Api, reviewer: str) -> tuple[int, list[str]]:
    """Two experts who disagree on every name; the worker computes the report."""
    created = vendor.upload("\n\n".join(TEXTS).encode())
    corpus = created.json["id"]
    wait_for(
        lambda: vendor.get(f"/api/v1/corpora/{corpus}").json["status"] == "ready", "corpus ready"
    )
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "人名地名",
            "corpus_id": corpus,
            "type": "ner",
            "labels": ["人名", "地名"],
            "overlap": 2,
        },
    ).json["id"]
    experts = [world.user("expert") for _ in range(2)]
    for number, email in enumerate(experts):
        expert = world.api(email)
        for _ in TEXTS:
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {
                    "result": {"spans": [[0, 2, "人名" if number == 0 else "地名"]]},
                    "client_uuid": str(uuid.uuid4()),
                },
            )
    vendor.post(f"/api/v1/projects/{project}/reviewers", {"email": reviewer})
    wait_for(
        lambda: (q := vendor.get(f"/api/v1/projects/{project}/quality").json)["report"]
        and not q["stale"],
        "report computed",
    )
    return project, experts


def adjudications(app: Any, project: int) -> dict[int, Any]:
    from app.extensions import db
    from app.models import Adjudication

    with app.app_context():
        return {
            a.item_id: a.result
            for a in db.session.query(Adjudication).filter_by(project_id=project)
        }


def test_reviewer_picks_answers_with_the_keyboard(
    live_app: Any, world: World, browser: Any, base_url: str
) -> None:
    from playwright.sync_api import expect

    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    reviewer = world.user("expert")
    project, experts = disputed_ner_project(world, vendor, reviewer)
    page = log_in(browser, base_url, reviewer)
    page.goto(f"{base_url}/review/{project}")
    item = page.locator("#review-item")
    first = int(item.get_attribute("data-item"))
    expect(page.locator("#pick-confirm")).to_be_disabled()
    page.keyboard.press("2")
    second = page.locator(".answer.pickable").nth(1)
    expect(second).to_have_class("answer pickable is-picked")
    expect(page.locator("#pick-confirm")).to_be_enabled()
    shot(page, "quality-01-review-picked")
    press_to_open(page, "Enter")
    expect(item).not_to_have_attribute("data-item", str(first))
    assert adjudications(live_app, project) == {first: {"spans": [[0, 2, "地名"]]}}
    page.keyboard.press("1")
    page.keyboard.press("Enter")
    wait_for(lambda: len(adjudications(live_app, project)) == 2, "second decision stored")
    assert {"spans": [[0, 2, "人名"]]} in adjudications(live_app, project).values()

    wait_for(
        lambda: sum(
            row["adjudicated"]
            for row in vendor.get(f"/api/v1/projects/{project}/quality/items").json["items"]
        )
        == 2,
        "report refreshed",
    )
    owner = log_in(browser, base_url, vendor_email)
    owner.goto(f"{base_url}/projects/{project}/quality")
    shot(owner, "quality-02-ner-report")
    owner.click("#item-table-link")
    owner.click("th a.sort-link:has-text('一致性')")
    expect(owner.locator("th[aria-sort='ascending']")).to_contain_text("一致性")
    rows = owner.locator("#item-table tbody tr")
    expect(rows).to_have_count(3)
    assert rows.locator("td.agreement").all_inner_texts() == ["0.000"] * 3
    assert rows.locator("td:last-child").all_inner_texts().count("是") == 2
    shot(owner, "quality-03-item-table")

    expert_page = log_in(browser, base_url, experts[0])
    expert_page.click("text=我的质量")
    expert_page.click(".project-link")
    expect(expert_page.locator("#expert-figures")).to_be_visible()
    shot(expert_page, "quality-04-my-quality")


def test_box_agreement_report_in_the_browser(
    live_app: Any, world: World, browser: Any, base_url: str
) -> None:
    from playwright.sync_api import expect

    from tests.app.browser import ready_image_corpus
    from tests.app.corpora.image_files import archive, png
    from tests.app.quality.plans import BOX_LABELS, BOXES

    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    pictures = [
        (f"{n}.png", png(200, 100, colour)) for n, colour in enumerate(["red", "green", "blue"])
    ]
    corpus = ready_image_corpus(vendor, archive(pictures), "street.zip")
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "街景目标框",
            "corpus_id": corpus,
            "type": "bbox",
            "labels": BOX_LABELS,
            "overlap": 2,
        },
    ).json["id"]
    for plan in BOXES:
        expert = world.api(world.user("expert"))
        for boxes in plan:
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": {"boxes": boxes}, "client_uuid": str(uuid.uuid4())},
            )
    wait_for(
        lambda: (q := vendor.get(f"/api/v1/projects/{project}/quality").json)["report"]
        and not q["stale"],
        "report computed",
    )
    page = log_in(browser, base_url, vendor_email)
    page.goto(f"{base_url}/projects/{project}/quality")
    expect(page.locator("#report-box-f1")).to_have_text("0.500")
    expect(page.locator("#label-table tbody tr")).to_have_count(2)
    shot(page, "quality-05-box-report")
    page.click("#item-table-link")
    page.click("#item-table tbody tr >> nth=1 >> a")
    expect(page.locator(".box-overlay rect")).to_have_count(2)
    shot(page, "quality-06-box-drilldown")
