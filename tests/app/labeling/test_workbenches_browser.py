"""The NER and cleaning workbenches, drafts and skipping, driven in Debian's Chromium.

Projects are made through the API; an expert works in the browser with the keyboard; the
stored answers are read back from the database. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.app import browser as chromium
from tests.app.browser import new_project, open_workbench, press, shot, stored_results
from tests.app.builders import World

pytestmark = pytest.mark.browser
browser = chromium.browser  # the same headless Chromium fixture, skipped where it is missing
base_url = chromium.base_url
# Two characters outside the Basic Multilingual Plane come before the entities: one code
# point each for the server, two UTF-16 units each for JavaScript.
ASTRAL_TEXT = "𠀋😀张三在合肥工作。"


def wait_for_done(page: Any, count: int) -> None:
    page.wait_for_function(
        "n => document.querySelector('#done-count').textContent == n", arg=str(count)
    )


def submit_first(page: Any, app: Any, key: str = "Enter") -> list[dict[str, Any]]:
    """Submit the task on screen and return every answer stored so far."""
    page.keyboard.press(key)
    wait_for_done(page, 1)
    return stored_results(app)


def marked(page: Any) -> list[tuple[str, str]]:
    """(text, label) of each marked span on screen."""
    return [
        (m["text"], m["label"])
        for m in page.eval_on_selector_all(
            "#item-text mark.ent",
            "marks => marks.map(m => ({text: m.textContent, label: m.dataset.label}))",
        )
    ]


def test_ner_spans_after_astral_characters_are_stored_in_code_points(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    project = new_project(world, "ner", [ASTRAL_TEXT], ["人名", "地名"])
    page = open_workbench(browser, base_url, world, project)
    page.wait_for_selector("#item-text .ch")
    assert page.locator("#item-text .ch").count() == len(ASTRAL_TEXT)  # code points
    press(page, "ArrowRight", "ArrowRight", "Shift+ArrowRight", "Shift+ArrowRight", "1")
    # The mouse marks 合肥: from the left half of 合 to the right half of 肥.
    first = page.locator("#item-text .ch[data-i='5']").bounding_box()
    last = page.locator("#item-text .ch[data-i='6']").bounding_box()
    page.mouse.move(first["x"] + 2, first["y"] + first["height"] / 2)
    page.mouse.down()
    page.mouse.move(last["x"] + last["width"] - 2, last["y"] + last["height"] / 2, steps=5)
    page.mouse.up()
    page.click(".label-button[data-label='地名']")
    assert marked(page) == [("张三", "人名"), ("合肥", "地名")]
    shot(page, "10-ner-workbench")
    press(page, "Enter")
    wait_for_done(page, 1)
    spans = stored_results(app)[0]["spans"]
    assert spans == [[2, 4, "人名"], [5, 7, "地名"]]
    assert [ASTRAL_TEXT[start:end] for start, end, _ in spans] == ["张三", "合肥"]
    page.wait_for_selector("#wb-message:not([hidden])")
    shot(page, "11-ner-none-left")


def test_ner_refuses_overlaps_removes_spans_and_submits_no_entities(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    project = new_project(world, "ner", ["李四去了芜湖。"], ["人名", "地名"])
    page = open_workbench(browser, base_url, world, project)
    page.wait_for_selector("#item-text .ch")
    press(page, "Shift+ArrowRight", "Shift+ArrowRight", "1")
    press(page, "Shift+ArrowLeft", "Shift+ArrowLeft", "Shift+ArrowLeft", "2")
    assert page.is_visible("#wb-message.flash-error")
    shot(page, "12-ner-overlap-refused")
    assert marked(page) == [("李四", "人名")]
    press(page, "Escape", "Backspace")  # the caret is at the start of 李四
    assert marked(page) == []
    press(page, "Control+z")
    assert marked(page) == [("李四", "人名")]
    page.click("#item-text mark.ent")
    assert marked(page) == []
    assert submit_first(page, app) == [{"spans": []}]


def test_ner_draft_survives_a_reload(app: Any, world: World, browser: Any, base_url: str) -> None:
    project = new_project(world, "ner", [ASTRAL_TEXT], ["人名", "地名"])
    page = open_workbench(browser, base_url, world, project)
    page.wait_for_selector("#item-text .ch")
    press(
        page, "End", "ArrowLeft", "ArrowLeft", "ArrowLeft", *["Shift+ArrowLeft"] * 2, "2"
    )  # 合肥, selected backwards
    assert marked(page) == [("合肥", "地名")]
    page.reload()
    page.wait_for_selector("#item-text mark.ent")
    assert marked(page) == [("合肥", "地名")]
    shot(page, "13-ner-draft-restored")
    assert submit_first(page, app) == [{"spans": [[5, 7, "地名"]]}]


def test_clean_edits_text_and_flags_with_the_keyboard(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    original = "合肥市政务服务中心  电话：0551-12345678，联系人张三。"
    project = new_project(world, "clean", [original], [])
    page = open_workbench(browser, base_url, world, project)
    page.wait_for_function("t => document.querySelector('#clean-text').value == t", arg=original)
    assert page.evaluate("document.activeElement.id") == "clean-text"
    press(page, "End", "Enter")  # Enter types a newline, it does not submit
    assert page.input_value("#clean-text") == original + "\n"
    page.fill("#clean-text", "合肥市政务服务中心 电话：0551-12345678，联系人张某。")
    press(page, "Alt+3")
    assert page.is_checked("#clean-flags input[value=needs_redaction]")
    page.wait_for_selector("#diff-preview ins")
    assert page.inner_text("#diff-preview del") == "␣"  # a removed space is made visible
    shot(page, "14-clean-workbench")
    assert stored_results(app) == []
    press(page, "Control+Enter")
    wait_for_done(page, 1)
    [result] = stored_results(app)
    assert result["text"] == "合肥市政务服务中心 电话：0551-12345678，联系人张某。"
    assert result["flags"] == ["needs_redaction"]


def test_skip_with_a_reason_moves_to_the_next_task(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    from app.extensions import db
    from app.models import Assignment, AuditEvent

    project = new_project(world, "ner", ["王五住在蚌埠。", "赵六来自阜阳。"], ["人名", "地名"])
    page = open_workbench(browser, base_url, world, project)
    page.wait_for_selector("#item-text .ch")
    first = page.inner_text("#item-text")
    press(page, "?")
    assert page.is_visible("#wb-shortcuts")
    press(page, "s")
    page.wait_for_selector("#skip-dialog[open]")
    shot(page, "15-skip-dialog")
    press(page, "2")
    page.wait_for_function(
        "t => document.querySelector('#item-text').textContent != t "
        "&& document.querySelector('#item-text .ch')",
        arg=first,
    )
    assert page.inner_text("#done-count") == "0"
    with app.app_context():
        assert db.session.scalars(select(Assignment.status)).all().count("skipped") == 1
        reasons = [
            e.detail.get("reason")
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "task_skipped")
            )
        ]
    assert reasons == [page.get_attribute("#skip-dialog [data-key='2']", "data-reason")]
    assert reasons[0]


def test_gold_feedback_then_the_daily_cap_stops_the_workbench(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    vendor = world.vendor_api()
    corpus = world.ready_corpus(vendor, [f"第{i}号文件已印发。" for i in range(6)])
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "核对",
            "corpus_id": corpus,
            "type": "classify",
            "labels": ["对", "错"],
            "overlap": 1,
            "gold_ratio": 0.2,
            "gold_feedback": True,
            "daily_cap": 1,
        },
    ).json["id"]
    first_item = min(
        t["item_id"] for t in vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    )
    assert (
        vendor.post(
            f"/api/v1/projects/{project}/gold",
            {"items": [{"item_id": first_item, "answer": {"label": "对"}}]},
        ).status_code
        == 200
    )
    page = open_workbench(browser, base_url, world, project)  # the first task is gold
    page.wait_for_function("() => document.querySelector('#item-text').textContent.includes('。')")
    press(page, "2", "Enter")
    page.wait_for_selector("#wb-gold.gold-fail:not([hidden])")
    assert "对" in page.inner_text("#wb-gold")
    page.wait_for_selector("#wb-message.flash-error:not([hidden])")  # 403 daily_cap
    assert page.is_hidden("#wb-task")
    assert page.inner_text("#wb-message") != page.get_attribute("#wb-strings", "data-error")
    shot(page, "16-gold-and-daily-cap")


def test_an_expired_lease_keeps_the_spans_and_the_next_enter_claims_and_submits(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from app.extensions import db
    from app.models import Assignment

    project = new_project(world, "ner", [ASTRAL_TEXT], ["人名", "地名"])
    page = open_workbench(browser, base_url, world, project)
    page.wait_for_selector("#item-text .ch")
    press(page, "ArrowRight", "ArrowRight", "Shift+ArrowRight", "Shift+ArrowRight", "1")
    with app.app_context():
        db.session.execute(
            update(Assignment).values(lease_expires_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        db.session.commit()
    press(page, "Enter")
    page.wait_for_selector("#wb-message.flash-error:not([hidden])")
    assert page.inner_text("#wb-message") == page.get_attribute("#wb-strings", "data-expired")
    assert marked(page) == [("张三", "人名")]
    assert submit_first(page, app) == [{"spans": [[2, 4, "人名"]]}]


def test_crossing_spans_when_the_project_allows_overlap(
    app: Any, world: World, browser: Any, base_url: str
) -> None:
    text = "安徽省合肥市蜀山区政务服务中心\n第二行：芜湖市镜湖区。"
    project = new_project(world, "ner", [text], ["地名", "机构", "行政区"], allow_overlap=True)
    page = open_workbench(browser, base_url, world, project)
    page.wait_for_selector("#item-text .ch")
    press(page, *["Shift+ArrowRight"] * 6, "1")  # 安徽省合肥市
    press(page, *["ArrowLeft"] * 3, *["Shift+ArrowRight"] * 6, "3")  # 合肥市蜀山区, crossing
    press(page, "Home", *["Shift+ArrowRight"] * 15, "2")  # the whole first line, enclosing
    assert {label for _, label in marked(page)} == {"地名", "机构", "行政区"}
    shot(page, "17-ner-overlapping-spans")
    page.set_viewport_size({"width": 700, "height": 900})  # a tablet held upright
    shot(page, "18-ner-tablet")
    assert submit_first(page, app) == [
        {"spans": [[0, 6, "地名"], [0, 15, "机构"], [3, 9, "行政区"]]}
    ]
