"""A check item of a named-entity project answered in the workbench with the keyboard, in
Debian's Chromium (issue 13): the right spans pass the project's rule; wrong spans fail it,
show the known answer, and pause the expert whose qualification test it was."""

from __future__ import annotations

from typing import Any

import pytest

from tests.app import browser as chromium
from tests.app.browser import gold_scores, open_workbench, press, shot
from tests.app.builders import World

pytestmark = pytest.mark.browser
browser = chromium.browser
base_url = chromium.base_url


def test_a_span_check_item_is_answered_with_the_keyboard_and_judged(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    vendor = world.vendor_api()
    corpus = world.ready_corpus(vendor, ["张三在合肥工作。", "李四去了芜湖。"])
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "实体质检",
            "corpus_id": corpus,
            "type": "ner",
            "labels": ["人名", "地名"],
            "overlap": 2,
            "qualification_size": 1,
            "gold_feedback": True,
        },
    ).json["id"]
    first = min(t["item_id"] for t in vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"])
    known = {"items": [{"item_id": first, "answer": {"spans": [[0, 2, "人名"]]}}]}
    assert vendor.post(f"/api/v1/projects/{project}/gold", known).status_code == 200

    right = open_workbench(browser, base_url, world, project)  # the qualification item first
    right.wait_for_function(
        "() => document.querySelector('#item-text').textContent.includes('张三')"
    )
    press(right, "Shift+ArrowRight", "Shift+ArrowRight", "1", "Enter")
    right.wait_for_selector("#wb-gold.gold-pass:not([hidden])")
    right.wait_for_function(
        "() => document.querySelector('#item-text').textContent.includes('李四')"
    )
    shot(right, "30-check-item-spans-right")

    wrong = open_workbench(browser, base_url, world, project)
    wrong.wait_for_function(
        "() => document.querySelector('#item-text').textContent.includes('张三')"
    )
    press(wrong, "Shift+ArrowRight", "Shift+ArrowRight", "2", "Enter")  # 张三 as a place
    wrong.wait_for_selector("#wb-gold.gold-fail:not([hidden])")
    assert "人名" in wrong.inner_text("#wb-gold")  # the known answer is shown
    wrong.wait_for_selector("#wb-message.flash-error:not([hidden])")
    assert "暂停" in wrong.inner_text("#wb-message")  # 0 of 1 right: below the pass mark
    assert wrong.is_hidden("#wb-task")
    shot(wrong, "31-check-item-spans-wrong-paused")
    assert gold_scores(app) == [1.0, 0.0]
