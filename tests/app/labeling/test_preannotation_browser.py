"""Pre-annotated items in Debian's Chromium: the corpus page says what was recognised, and an
entity item opens in the workbench with the imported spans filled in; the expert corrects
them, a reload keeps the correction (a draft wins over the pre-annotation), and the answer
stored is the corrected one. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import log_in, shot, stored_results
from tests.app.builders import World

pytestmark = pytest.mark.browser
browser = chromium.browser
base_url = chromium.base_url

TEXT = "张三在合肥工作。"
DOCCANO = {"id": "公文-17", "text": TEXT, "label": [[0, 2, "人名"], [3, 5, "地名"]]}


def marked(page: Any) -> list[tuple[str, str]]:
    return [
        (m["text"], m["label"])
        for m in page.eval_on_selector_all(
            "#item-text mark.ent",
            "marks => marks.map(m => ({text: m.textContent, label: m.dataset.label}))",
        )
    ]


def test_a_pre_annotated_entity_item_opens_with_its_spans(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    line = json.dumps(DOCCANO, ensure_ascii=False).encode() + b"\n"
    corpus = vendor.upload(line, "export.jsonl").json["id"]
    page = log_in(browser, base_url, vendor_email)
    page.goto(f"{base_url}/corpora/{corpus}")
    assert page.inner_text("#corpus-format") == "doccano JSONL"
    shown = page.inner_text("#corpus-preannotations")
    assert "1" in shown and "人名、地名" in shown, shown
    shot(page, "60-preannotated-corpus")
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": f"预标注-{uuid.uuid4().hex[:6]}",
            "corpus_id": corpus,
            "type": "ner",
            "labels": ["人名", "地名"],
            "overlap": 1,
        },
    )
    assert project.status_code == 201, project.json

    expert = log_in(browser, base_url, world.user("expert"))
    expert.goto(f"{base_url}/annotate/{project.json['id']}")
    expert.wait_for_selector("#item-text mark.ent")
    assert marked(expert) == [("张三", "人名"), ("合肥", "地名")]
    shot(expert, "61-preannotated-ner-workbench")
    expert.click("#item-text mark.ent[data-label='地名']")  # a click removes a span
    assert marked(expert) == [("张三", "人名")]
    expert.reload()
    expert.wait_for_selector("#item-text mark.ent")
    assert marked(expert) == [("张三", "人名")]  # the draft, not the pre-annotation
    expert.keyboard.press("Enter")
    expert.wait_for_function("n => document.querySelector('#done-count').textContent == n", arg="1")
    assert stored_results(app) == [{"spans": [[0, 2, "人名"]]}]
