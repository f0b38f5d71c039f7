"""Check items anchor Dawid–Skene (issue 13): with k = 2, the expert who fails every check
item and answers contrary loses; without check items the report warns that reliabilities
cannot be identified."""

from __future__ import annotations

import uuid
from typing import Any

from tests.app.builders import Api, World, export_lines, login
from tests.app.projects.gold import MANY, new_project


def truth(item: int) -> str:
    return "对" if item % 2 else "错"


def opposite(label: str) -> str:
    return "错" if label == "对" else "对"


def answer_until_done(expert: Api, project: int, gold: dict[int, str], contrary: bool) -> None:
    while (claim := expert.post(f"/api/v1/projects/{project}/claim")).status_code == 200:
        item = claim.json["item"]["id"]
        label = gold.get(item, truth(item))
        reply = expert.post(
            f"/api/v1/tasks/{claim.json['task_id']}/annotations",
            {
                "result": {"label": opposite(label) if contrary else label},
                "client_uuid": str(uuid.uuid4()),
            },
        )
        assert reply.status_code == 201, reply.json


def two_experts(world: World, vendor: Api, checks: int) -> tuple[int, dict[int, str]]:
    """A classify project, k = 2, with ``checks`` check items: one expert answers the truth
    (and passes every check item), the other always the other label (and fails them all)."""
    project = new_project(
        world, vendor, "classify", ["对", "错"], texts=MANY, overlap=2, gold_ratio=0.5
    ).json["id"]
    tasks = vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    gold = {t["item_id"]: truth(t["item_id"]) for t in tasks[:checks]}
    if gold:
        assert (
            vendor.post(
                f"/api/v1/projects/{project}/gold",
                {
                    "items": [
                        {"item_id": item, "answer": {"label": label}}
                        for item, label in gold.items()
                    ]
                },
            ).status_code
            == 200
        )
    for contrary in (True, False):  # the contrary expert answers first
        answer_until_done(world.api(world.user("expert")), project, gold, contrary)
    return project, gold


def test_the_contrary_expert_loses_when_check_items_anchor_the_consensus(
    any_db_world: World,
) -> None:
    world = any_db_world
    vendor = world.vendor_api()
    project, gold = two_experts(world, vendor, checks=3)
    report = vendor.get(f"/api/v1/projects/{project}/quality").json["report"]
    experts = sorted(report["experts"], key=lambda e: e["gold_correct"])
    failing, passing = experts
    assert (failing["gold_correct"], failing["gold_total"]) == (0, 3)
    assert (passing["gold_correct"], passing["gold_total"]) == (3, 3)
    assert passing["ds_accuracy"] > 0.9 > 0.1 > failing["ds_accuracy"]
    assert report["warnings"] == []
    export = vendor.post(f"/api/v1/projects/{project}/exports").json
    url = vendor.get(f"/api/v1/exports/{export['id']}").json["download_url"]
    lines = export_lines(vendor, url)
    assert lines and all(line["final"] == {"label": truth(line["item_id"])} for line in lines)


def test_two_experts_without_check_items_get_a_warning(app: Any, world: World) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project, _ = two_experts(world, vendor, checks=0)
    report = vendor.get(f"/api/v1/projects/{project}/quality").json["report"]
    assert report["warnings"] == ["reliability_unidentified"]
    client = app.test_client()
    login(client, email)
    page = client.get(f"/projects/{project}/quality").text
    assert 'id="reliability-warning"' in page and "无法判断" in page
