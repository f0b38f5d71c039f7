"""A picture imported with COCO boxes opens in the box workbench (Debian's Chromium, a real
Huey consumer) with those boxes drawn and listed in pixels of the original; submitted as
they are, they are stored unchanged. Screenshot in test-artifacts/."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, ready_image_corpus, shot, stored_results
from tests.app.builders import World
from tests.app.corpora.image_files import archive, png

pytestmark = pytest.mark.browser
browser = chromium.browser
live_app = chromium.live_app
world = chromium.live_world
base_url = chromium.live_base_url
BOXES = [[100, 120, 300, 200, "车辆"], [700, 80, 90, 260, "行人"]]


def coco_street() -> bytes:
    categories = [{"id": 1, "name": "车辆"}, {"id": 2, "name": "行人"}]
    document = {
        "images": [{"id": 9, "file_name": "street.png", "width": 1200, "height": 600}],
        "annotations": [
            {"id": n, "image_id": 9, "category_id": 1 + (label == "行人"), "bbox": box}
            for n, (*box, label) in enumerate(BOXES, start=1)
        ],
        "categories": categories,
    }
    payload = json.dumps(document, ensure_ascii=False).encode()
    return archive([("street.png", png(1200, 600, "gray")), ("coco.json", payload)])


def test_imported_boxes_are_drawn_and_submitted_unchanged(
    live_app: Any, world: World, browser: Any, base_url: str
) -> None:
    from playwright.sync_api import expect

    vendor = world.vendor_api()
    corpus = ready_image_corpus(vendor, coco_street(), "street-coco.zip")
    reply = vendor.post(
        "/api/v1/projects",
        {
            "name": "预标注框",
            "corpus_id": corpus,
            "type": "bbox",
            "labels": ["车辆", "行人"],
            "overlap": 1,
        },
    )
    assert reply.status_code == 201, reply.json
    page = log_in(browser, base_url, world.user("expert"))
    page.goto(f"{base_url}/annotate/{reply.json['id']}")
    expect(page.locator("#bbox-frame")).not_to_have_class(re.compile("is-loading"))
    expect(page.locator("#bbox-list .bbox-item")).to_have_count(2)
    labels = page.eval_on_selector_all(
        "#bbox-overlay .bbox-box:not(.bbox-draft)", "boxes => boxes.map(b => b.dataset.label)"
    )
    assert sorted(labels) == ["行人", "车辆"]
    listed = [
        [int(n) for n in re.findall(r"\d+", text)][-4:]
        for text in page.locator("#bbox-list .bbox-item").all_inner_texts()
    ]
    assert sorted(listed) == sorted(box[:4] for box in BOXES)
    shot(page, "62-preannotated-bbox-workbench")
    expect(page.locator("#submit-button")).to_be_enabled()
    page.click("#submit-button")
    expect(page.locator("#done-count")).to_have_text("1")
    stored = stored_results(live_app)
    assert stored == [{"boxes": sorted(BOXES, key=lambda b: (b[1], b[0]))}]
