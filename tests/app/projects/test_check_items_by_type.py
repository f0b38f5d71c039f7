"""Check items of every scored task type, end to end through the API (issue 13): multi-label
classification, named entities, text cleaning and image boxes. The vendor sets known
answers; experts get check items like any other item; the project's rule judges each
answer; the pass mark pauses an expert after five check answers; the report counts them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.app.builders import World, login
from tests.app.projects.check_items import (
    KINDS,
    new_check_project,
    set_five_checks,
    user_id,
    work_through,
)

CHECKS = {"gold_ratio": 0.5, "gold_pass_mark": 0.8, "gold_feedback": True}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_a_right_expert_passes_and_a_wrong_one_is_paused(app: Any, world: World, name: str) -> None:
    right_and_wrong(app, world, name)


def test_a_score_at_the_threshold_passes_on_either_database(any_db_world: World) -> None:
    # Jaccard 2/3 against the threshold 0.6, counted in SQL by the pause and the report.
    right_and_wrong(any_db_world.app, any_db_world, "multi")


def right_and_wrong(app: Any, world: World, name: str) -> None:
    kind = KINDS[name]
    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    project = new_check_project(world, vendor, kind, **CHECKS)
    checks = set_five_checks(vendor, project, kind)

    careful_email = world.user("expert")
    given, last, passed = work_through(world.api(careful_email), project, checks, kind, True)
    assert (given, passed) == (5, [True] * 5)
    assert last.status_code == 204  # every task answered, never paused

    careless_email = world.user("expert")
    given, last, passed = work_through(world.api(careless_email), project, checks, kind, False)
    assert (given, passed) == (5, [False] * 5)
    assert last.status_code == 403 and last.json["error"]["code"] == "paused"

    for email, right in ((careful_email, 5), (careless_email, 0)):
        figures = vendor.get(f"/api/v1/projects/{project}/quality/experts/{user_id(app, email)}")
        assert figures.status_code == 200, figures.json
        assert (figures.json["gold_correct"], figures.json["gold_total"]) == (right, 5)
    client = app.test_client()
    login(client, vendor_email)
    page = client.get(f"/projects/{project}/quality/experts/{user_id(app, careless_email)}")
    assert 'id="gold-accuracy">0 / 5<' in page.text


@pytest.mark.parametrize("name", ["ner", "bbox"])
def test_a_check_item_looks_like_any_other_item(world: World, name: str) -> None:
    kind = KINDS[name]
    vendor = world.vendor_api()
    project = new_check_project(world, vendor, kind, gold_ratio=0.5)
    checks = set_five_checks(vendor, project, kind)
    expert = world.api(world.user("expert"))
    shapes: dict[bool, set[Any]] = {True: set(), False: set()}
    for _ in range(6):
        claim = expert.post(f"/api/v1/projects/{project}/claim").json
        item = claim["item"]
        shapes[item["id"] in checks].add((tuple(sorted(claim)), tuple(sorted(item))))
        expert.post(
            f"/api/v1/tasks/{claim['task_id']}/annotations",
            {"result": kind.ordinary(item), "client_uuid": str(uuid.uuid4())},
        )
    assert shapes[True] and shapes[True] == shapes[False]


def test_an_expert_who_fails_the_qualification_shows_in_the_report(app: Any, world: World) -> None:
    kind = KINDS["ner"]
    vendor = world.vendor_api()
    project = new_check_project(world, vendor, kind, qualification_size=5, gold_feedback=True)
    checks = set_five_checks(vendor, project, kind)
    work_through(world.api(world.user("expert")), project, checks, kind, True)
    failed = world.user("expert")
    given, last, _ = work_through(world.api(failed), project, checks, kind, False)
    assert given == 5 and last.json["error"]["code"] == "paused"
    figures = vendor.get(f"/api/v1/projects/{project}/quality/experts/{user_id(app, failed)}")
    assert (figures.json["gold_correct"], figures.json["gold_total"]) == (0, 5)
    report = vendor.get(f"/api/v1/projects/{project}/quality").json["report"]
    mine = [e for e in report["experts"] if e["user_id"] == user_id(app, failed)]
    assert mine and mine[0]["answers"] == 0 and mine[0]["gold_total"] == 5


BAD_ANSWERS = {
    "multi": ({"label": "人物"}, '{"labels"'),
    "ner": ({"spans": [[0, 99, "人名"]]}, "片段 1 须满足"),
    "clean": ({"text": 5}, '{"text"'),
    "bbox": ({"boxes": [[100, 60, 50, 40, "车"]]}, "超出了"),
}


@pytest.mark.parametrize("name", sorted(BAD_ANSWERS))
def test_a_malformed_known_answer_names_the_item_and_changes_nothing(
    world: World, name: str
) -> None:
    kind = KINDS[name]
    vendor = world.vendor_api()
    project = new_check_project(world, vendor, kind)
    items = sorted(
        t["item_id"] for t in vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    )
    bad, words = BAD_ANSWERS[name]
    reply = vendor.post(
        f"/api/v1/projects/{project}/gold",
        {
            "items": [
                {"item_id": items[0], "answer": kind.gold},
                {"item_id": items[1], "answer": bad},
            ]
        },
    )
    assert reply.status_code == 422
    assert f"条目 {items[1]}：" in reply.json["error"]["message"]
    assert words in reply.json["error"]["message"]
    assert vendor.get(f"/api/v1/projects/{project}/gold").json == []


def test_a_csv_text_column_gives_cleaning_check_items(world: World) -> None:
    vendor = world.vendor_api()
    project = new_check_project(world, vendor, KINDS["clean"])
    items = sorted(
        t["item_id"] for t in vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    )
    body = f"item_id,text\n{items[0]},张三在合肥工作\n".encode()
    reply = vendor.post(f"/api/v1/projects/{project}/gold", data=body, content_type="text/csv")
    assert reply.status_code == 200, reply.json
    listed = vendor.get(f"/api/v1/projects/{project}/gold").json
    assert [(g["item_id"], g["answer"]["text"]) for g in listed] == [(items[0], "张三在合肥工作")]


def test_the_task_list_makes_check_items_of_every_type(app: Any, world: World) -> None:
    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    client = app.test_client()
    login(client, email)
    forms = {
        "multi": {"labels": ["人物", "城市"]},
        "ner": {"answer": '{"spans": [[0, 2, "人名"]]}'},
        "clean": {"text": "张三在合肥工作"},
        "bbox": {"answer": '{"boxes": [[10, 10, 50, 40, "车"]]}'},
    }
    for name, form in forms.items():
        project = new_check_project(world, vendor, KINDS[name])
        page = client.get(f"/projects/{project}")
        assert 'id="answer-formats"' in page.text and 'id="item-rule"' in page.text
        item = min(
            t["item_id"] for t in vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
        )
        bad = client.post(
            f"/projects/{project}/gold/{item}", data={"answer": "{"}, follow_redirects=True
        )
        assert "已知答案不是 JSON" in bad.text
        done = client.post(f"/projects/{project}/gold/{item}", data=form, follow_redirects=True)
        assert f"条目 {item} 已设为质检题" in done.text, name
        listed = vendor.get(f"/api/v1/projects/{project}/gold").json
        assert [g["item_id"] for g in listed] == [item]


def test_the_rule_is_stated_on_the_form_the_project_and_the_experts_page(
    app: Any, world: World
) -> None:
    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    project = new_check_project(world, vendor, KINDS["ner"], gold_ratio=0.2)
    client = app.test_client()
    login(client, email)
    form = client.get("/projects/new").text
    assert 'id="check-item-rules"' in form and "IoU 至少 0.5" in form and "编辑距离" in form
    assert "F1 至少 80%" in client.get(f"/projects/{project}").text
    expert = app.test_client()
    login(expert, world.user("expert"))
    home = expert.get("/").text
    assert 'class="item-rule"' in home and "F1 至少 80%" in home
