"""A check item of an image-box project answered in the workbench with the mouse and the
keyboard, in Debian's Chromium: a box drawn over the known one with its label passes the
project's rule (IoU at least 0.5, same label); a box elsewhere fails it, shows the known answer,
and pauses the expert whose qualification test it was."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import gold_scores, log_in, press, ready_image_corpus, shot
from tests.app.builders import World
from tests.app.labeling.street_pictures import HEIGHT, LABELS, WIDTH, archive, drag, street

pytestmark = pytest.mark.browser
browser = chromium.browser
live_app = chromium.live_app
world = chromium.live_world
base_url = chromium.live_base_url
# The car of street(): its rectangle in pixels of the original, as [x, y, w, h].
CAR = [0.2 * WIDTH, 0.45 * HEIGHT, 0.25 * WIDTH, 0.3 * HEIGHT]


def box_check_project(world: World) -> int:
    """Two street pictures; the first is a check item whose known answer boxes the car."""
    vendor = world.vendor_api()
    corpus = ready_image_corpus(
        vendor, archive(("1.png", street()), ("2.png", street(1200, 1600))), "streets.zip"
    )
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "街景质检",
            "corpus_id": corpus,
            "type": "bbox",
            "labels": LABELS,
            "overlap": 2,
            "qualification_size": 1,
            "gold_feedback": True,
        },
    )
    assert project.status_code == 201, project.json
    project_id: int = project.json["id"]
    tasks = vendor.get(f"/api/v1/projects/{project_id}/tasks").json["tasks"]
    first = min(task["item_id"] for task in tasks)
    known = {"items": [{"item_id": first, "answer": {"boxes": [[*map(round, CAR), "车辆"]]}}]}
    marked = vendor.post(f"/api/v1/projects/{project_id}/gold", known)
    assert marked.status_code == 200, marked.json
    return project_id


def check_workbench(browser: Any, base_url: str, world: World, project: int) -> Any:
    from playwright.sync_api import expect

    page = log_in(browser, base_url, world.user("expert"))
    page.goto(f"{base_url}/annotate/{project}")
    expect(page.locator("#bbox-frame")).not_to_have_class(re.compile("is-loading"))
    expect(page.locator("#submit-button")).to_be_enabled()
    return page


def on_screen(page: Any, box: list[float]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The corners of a box given in original pixels, in pixels of the shown image."""
    scale = page.locator("#bbox-overlay").bounding_box()["width"] / WIDTH
    x, y, w, h = (value * scale for value in box)
    return (x, y), (x + w, y + h)


def test_a_box_check_item_is_drawn_in_the_workbench_and_judged(
    live_app: Any, world: World, browser: Any, base_url: str
) -> None:
    from playwright.sync_api import expect

    project = box_check_project(world)

    right = check_workbench(browser, base_url, world, project)  # the qualification item first
    drag(right, *on_screen(right, CAR))
    expect(right.locator("#bbox-list .bbox-item")).to_have_count(1)
    press(right, "1", "Enter")  # 车辆, then submit
    right.wait_for_selector("#wb-gold.gold-pass:not([hidden])")
    assert "您的答案正确" in right.inner_text("#wb-gold")
    expect(right.locator("#done-count")).to_have_text("1")
    expect(right.locator("#bbox-list .bbox-item")).to_have_count(0)  # the next picture
    expect(right.locator("#wb-task")).to_be_visible()
    shot(right, "32-check-item-boxes-right")

    wrong = check_workbench(browser, base_url, world, project)
    sky = [0.02 * WIDTH, 0.05 * HEIGHT, 0.1 * WIDTH, 0.15 * HEIGHT]  # no car up there
    drag(wrong, *on_screen(wrong, sky))
    press(wrong, "1", "Enter")
    wrong.wait_for_selector("#wb-gold.gold-fail:not([hidden])")
    assert "车辆 ×1" in wrong.inner_text("#wb-gold")  # the known answer is shown
    wrong.wait_for_selector("#wb-message.flash-error:not([hidden])")
    assert "暂停" in wrong.inner_text("#wb-message")  # 0 of 1 right: below the pass mark
    assert wrong.is_hidden("#wb-task")
    shot(wrong, "33-check-item-boxes-wrong-paused")
    assert gold_scores(live_app) == [1.0, 0.0]
