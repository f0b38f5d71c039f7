"""The bounding-box workbench in Debian's Chromium, against an app with a real Huey consumer.

A vendor uploads a 2400 × 1200 PNG, so the page shows a 1600 px preview scaled once more to
the window; an expert draws, labels, nudges and resizes boxes with the mouse and the keyboard.
The stored boxes are read back from the database and must be in pixels of the original.
Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, press, ready_image_corpus, shot, stored_results
from tests.app.builders import World
from tests.app.labeling.street_pictures import HEIGHT, LABELS, WIDTH, archive, drag, street

pytestmark = pytest.mark.browser
browser = chromium.browser  # skipped where Debian's chromium is missing
live_app = chromium.live_app
world = chromium.live_world
base_url = chromium.live_base_url


def bbox_project(world: World, data: bytes, filename: str) -> int:
    vendor = world.vendor_api()
    corpus = ready_image_corpus(vendor, data, filename)
    response = vendor.post(
        "/api/v1/projects",
        {
            "name": "街景目标框",
            "corpus_id": corpus,
            "type": "bbox",
            "labels": LABELS,
            "overlap": 1,
            "instructions": "框出每一辆车和每一个行人。",
        },
    )
    assert response.status_code == 201, response.json
    project_id: int = response.json["id"]
    return project_id


def open_bbox_workbench(
    browser: Any, base_url: str, world: World, project: int, console_errors: list[str] | None = None
) -> Any:
    """The expert's workbench with its first image loaded; console errors (a refused
    style or script under the CSP, say) go to ``console_errors``."""
    from playwright.sync_api import expect

    page = log_in(browser, base_url, world.user("expert"))
    if console_errors is not None:
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base_url}/annotate/{project}")
    expect(page.locator("#bbox-frame")).not_to_have_class(re.compile("is-loading"))
    expect(page.locator("#submit-button")).to_be_enabled()
    return page


def touch_drag(page: Any, start: tuple[float, float], end: tuple[float, float]) -> None:
    """The same with a finger, through Chromium's DevTools protocol."""
    corner = page.locator("#bbox-overlay").bounding_box()
    cdp = page.context.new_cdp_session(page)
    steps = [
        start,
        *[
            (start[0] + (end[0] - start[0]) * i / 6, start[1] + (end[1] - start[1]) * i / 6)
            for i in range(1, 7)
        ],
    ]
    for kind, (x, y) in [("touchStart", steps[0])] + [("touchMove", p) for p in steps[1:]]:
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": kind, "touchPoints": [{"x": corner["x"] + x, "y": corner["y"] + y}]},
        )
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


def screen_boxes(page: Any) -> list[tuple[str, list[int]]]:
    """(label, [x, y, w, h]) of each box in the list under the image."""
    rows = page.eval_on_selector_all(
        "#bbox-overlay .bbox-box:not(.bbox-draft)", "boxes => boxes.map(b => b.dataset.label)"
    )
    texts = page.locator("#bbox-list .bbox-item").all_inner_texts()
    return [
        (label, [int(n) for n in re.findall(r"\d+", text)][-4:])
        for label, text in zip(rows, texts, strict=True)
    ]


def test_a_drawn_box_is_stored_in_original_pixels_with_its_label(
    live_app: Any, world: World, browser: Any, base_url: str
) -> None:
    from playwright.sync_api import expect

    project = bbox_project(world, street(), "street.png")
    console_errors: list[str] = []
    page = open_bbox_workbench(browser, base_url, world, project, console_errors)
    overlay = page.locator("#bbox-overlay").bounding_box()
    scale = WIDTH / overlay["width"]
    assert scale > 1.5  # the page shows the image smaller than the 1600 px preview
    assert abs(HEIGHT / overlay["height"] - scale) < 0.01  # the aspect ratio is kept

    drag(page, (100, 50), (400, 250))
    expect(page.locator("#bbox-list .bbox-item")).to_have_count(1)
    press(page, "2")  # 行人, for the selected box
    [(label, drawn)] = screen_boxes(page)
    assert label == "行人"
    expected = [100 * scale, 50 * scale, 300 * scale, 200 * scale]
    assert all(abs(a - b) <= 1.5 for a, b in zip(drawn, expected, strict=True)), (drawn, expected)

    press(page, "ArrowRight", "ArrowRight", "ArrowRight", "Shift+ArrowDown", "Alt+ArrowLeft")
    nudged = [drawn[0] + 3, drawn[1] + 10, drawn[2] - 1, drawn[3]]
    assert screen_boxes(page) == [("行人", nudged)]
    shot(page, "30-bbox-workbench")

    page.reload()  # the draft brings the box back
    expect(page.locator("#bbox-list .bbox-item")).to_have_count(1)
    expect(page.locator("#submit-button")).to_be_enabled()
    assert screen_boxes(page) == [("行人", nudged)]
    expect(page.locator(".label-button[data-label='行人']")).to_have_attribute(
        "aria-pressed", "true"
    )  # the label for the next box is kept too
    press(page, "?")
    expect(page.locator("#wb-shortcuts")).to_be_visible()
    assert page.locator("#wb-shortcuts dt").count() >= 10  # this workbench's keys come first
    shot(page, "31-bbox-draft-restored-and-shortcuts")

    page.keyboard.press("Enter")
    expect(page.locator("#done-count")).to_have_text("1")
    assert stored_results(live_app) == [{"boxes": [[*nudged, "行人"]]}]
    expect(page.locator("#wb-message")).to_be_visible()
    assert console_errors == []


def test_tab_delete_undo_and_an_empty_answer(
    live_app: Any, world: World, browser: Any, base_url: str
) -> None:
    from playwright.sync_api import expect

    data = archive(("1.png", street()), ("2.png", street(1200, 1600)))
    project = bbox_project(world, data, "photos.zip")
    page = open_bbox_workbench(browser, base_url, world, project)
    items = page.locator("#bbox-list .bbox-item")
    drag(page, (40, 40), (200, 160))  # 车辆, the first label
    press(page, "3")
    drag(page, (120, 300), (-50, 420))  # ends left of the image: clamped to x = 0
    drag(page, (500, 100), (600, 100.4))  # a line, less than 2 original pixels high
    expect(page.locator("#wb-message")).to_have_text(
        page.get_attribute("#bbox-strings", "data-too-small")
    )
    expect(items).to_have_count(2)
    boxes = screen_boxes(page)
    assert [label for label, _ in boxes] == ["路牌", "路牌"]  # 3 also chose the next label
    assert boxes[1][1][0] == 0
    press(page, "Escape", "Tab")
    expect(page.locator("#bbox-list [aria-current]")).to_have_text(items.nth(0).inner_text())
    press(page, "Tab", "1")
    assert [label for label, _ in screen_boxes(page)] == ["路牌", "车辆"]
    press(page, "Tab")  # past the last box: the focus leaves the image, nothing is selected
    expect(page.locator("#bbox-list [aria-current]")).to_have_count(0)
    page.locator("#bbox-overlay .bbox-box").nth(0).click()  # a click selects
    press(page, "Delete")
    expect(items).to_have_count(1)
    press(page, "Control+z")
    expect(items).to_have_count(2)
    page.set_viewport_size({"width": 760, "height": 1000})  # a tablet held upright
    expect(page.locator("#bbox-overlay .bbox-box").nth(1)).to_be_visible()
    touch_drag(page, (300, 40), (420, 200))  # 车辆, the label chosen last
    expect(items).to_have_count(3)
    assert screen_boxes(page)[2][0] == "车辆"
    drawn = screen_boxes(page)[2][1]
    overlay = page.locator("#bbox-overlay").bounding_box()
    handle = page.locator(".bbox-handle").bounding_box()
    scale = WIDTH / overlay["width"]
    grab = (handle["x"] - overlay["x"] + 6, handle["y"] - overlay["y"] + 6)
    drag(page, grab, (grab[0] + 30, grab[1] + 20))  # the corner handle resizes
    drag(page, (360, 120), (340, 120))  # the selected box moves with the pointer
    moved = screen_boxes(page)[2][1]
    expected = [drawn[0] - 20 * scale, drawn[1], drawn[2] + 30 * scale, drawn[3] + 20 * scale]
    assert all(abs(a - b) <= 1.5 for a, b in zip(moved, expected, strict=True)), (moved, expected)
    shot(page, "32-bbox-tablet")
    on_screen = [[*xywh, label] for label, xywh in screen_boxes(page)]
    page.keyboard.press("Enter")
    expect(page.locator("#done-count")).to_have_text("1")
    expect(items).to_have_count(0)  # the next image, with no box yet
    expect(page.locator("#submit-button")).to_be_enabled()
    shot(page, "33-bbox-portrait-image")
    page.keyboard.press("Enter")  # nothing to mark
    expect(page.locator("#done-count")).to_have_text("2")
    first, second = stored_results(live_app)
    assert first["boxes"] == sorted(on_screen, key=lambda b: (b[1], b[0], b[3], b[2], b[4]))
    assert second == {"boxes": []}


def test_on_a_1366_by_768_laptop_the_whole_workbench_fits(
    browser: Any, base_url: str, world: World
) -> None:
    """The picture, the labels and the submit button are all above the fold of a common
    laptop screen (issue 13: "the box workbench below the fold on a 1366×768 laptop")."""
    project = bbox_project(world, street(), "street.png")
    page = open_bbox_workbench(browser, base_url, world, project)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(300)  # the picture is fitted again to the new window
    shot(page, "34-bbox-laptop-1366x768")
    for selector in ("#bbox-frame", "#submit-button", ".label-button >> nth=0"):
        box = page.locator(selector).bounding_box()
        assert box is not None, selector
        assert box["y"] >= 0 and box["y"] + box["height"] <= 768, (selector, box)
