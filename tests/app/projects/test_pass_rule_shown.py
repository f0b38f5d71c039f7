"""The check-item pass mark says when it starts to judge, on the project form and on the
expert's page (issue 13: "The pass mark pauses no one before five check answers, and nothing
says so")."""

from __future__ import annotations

from typing import Any

from tests.app.builders import World, login
from tests.app.projects.gold import gold_project, new_project


def test_the_project_form_states_the_rule(app: Any, world: World) -> None:
    org = world.org()
    email = world.user("vendor", org)
    world.ready_corpus(world.api(email), ["一条文本。"])
    browser = app.test_client()
    login(browser, email)
    page = browser.get("/projects/new").text
    assert 'id="pass-mark-rule"' in page
    assert "第五次" in page


def test_the_expert_sees_the_pass_mark_and_when_judging_starts(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    gold_project(world, vendor, gold_ratio=0.5, gold_pass_mark=0.7)
    assert new_project(world, vendor, "classify", ["是", "否"]).status_code == 201
    expert_email = world.user("expert")
    browser = app.test_client()
    login(browser, expert_email)
    page = browser.get("/").text
    assert page.count('class="pass-rule"') == 1  # the project without check items has none
    assert "及格线 70%" in page and "第 5 次" in page
    assert "classify 项目" in page
