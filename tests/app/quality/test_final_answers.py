"""Every item with its k answers ends with a final answer or a place in the review queue, for
every task type (issue 13, loop 1): consensus by the merge rules of ``quality.merge``."""

from __future__ import annotations

import uuid
from typing import Any

from tests.app.builders import Api, World, export_lines
from tests.app.corpora.image_files import archive, png

TEXTS = ["张三在合肥工作。", "李四去了芜湖。", "王五住在蚌埠。"]


def finals(vendor: Api, project: int) -> dict[int, Any]:
    """Item id → the exported final answer."""
    export = vendor.post(f"/api/v1/projects/{project}/exports").json
    url = vendor.get(f"/api/v1/exports/{export['id']}").json["download_url"]
    return {line["item_id"]: line["final"] for line in export_lines(vendor, url)}


def assert_every_item_closes(vendor: Api, project: int) -> tuple[dict[int, Any], set[int]]:
    """No item is left with neither a final answer nor a place in the review queue."""
    final = finals(vendor, project)
    queue = vendor.get(f"/api/v1/projects/{project}/review").json
    queued = {entry["item_id"] for entry in queue["items"]}
    assert queue["total"] == len(queued)
    assert [item for item, answer in final.items() if answer is None and item not in queued] == []
    return final, queued


def answer_all(world: World, project: int, plans: list[list[dict[str, Any]]]) -> list[int]:
    """Each expert answers the items in claim order with their plan; returns the item ids
    in the first expert's claim order (the order every expert claims them)."""
    order: list[int] = []
    for plan in plans:
        expert = world.api(world.user("expert"))
        for result in plan:
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            if len(order) < len(plan):
                order.append(claim["item"]["id"])
            reply = expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": result, "client_uuid": str(uuid.uuid4())},
            )
            assert reply.status_code == 201, reply.json
    return order


def text_project(world: World, vendor: Api, kind: str, labels: list[str]) -> int:
    corpus = world.ready_corpus(vendor, TEXTS)
    project: int = vendor.post(
        "/api/v1/projects",
        {"name": kind, "corpus_id": corpus, "type": kind, "overlap": 2, "labels": labels},
    ).json["id"]
    return project


def test_boxes_two_experts_nearly_the_same_boxes_give_final_answers(
    any_db_world: World,
) -> None:
    world = any_db_world
    vendor = world.vendor_api()
    pictures = [
        (f"{n}.png", png(200, 100, colour)) for n, colour in enumerate(["red", "green", "blue"])
    ]
    corpus = vendor.upload(archive(pictures), "street.zip").json["id"]
    project = vendor.post(
        "/api/v1/projects",
        {"name": "框", "corpus_id": corpus, "type": "bbox", "labels": ["车", "人"], "overlap": 2},
    ).json["id"]
    plans = [
        [{"boxes": [[10, 10, 40, 40, "车"]]}, {"boxes": [[0, 0, 20, 20, "人"]]}, {"boxes": []}],
        [{"boxes": [[12, 12, 40, 40, "车"]]}, {"boxes": [[0, 0, 20, 20, "车"]]}, {"boxes": []}],
    ]
    order = answer_all(world, project, plans)
    final, queued = assert_every_item_closes(vendor, project)
    assert final[order[0]] == {"boxes": [[11.0, 11.0, 40.0, 40.0, "车"]]}
    assert final[order[2]] == {"boxes": []}
    assert final[order[1]] is None and queued == {order[1]}


def test_entities_disagreement_is_queued_and_agreement_is_final(world: World) -> None:
    vendor = world.vendor_api()
    project = text_project(world, vendor, "ner", ["人名", "地名"])
    plans = [
        [
            {"spans": [[0, 2, "人名"], [3, 5, "地名"]]},
            {"spans": [[0, 2, "人名"]]},
            {"spans": [[0, 2, "人名"]]},
        ],
        [
            {"spans": [[3, 5, "地名"], [0, 2, "人名"]]},
            {"spans": [[0, 2, "人名"]]},
            {"spans": [[0, 3, "人名"]]},
        ],
    ]
    order = answer_all(world, project, plans)
    final, queued = assert_every_item_closes(vendor, project)
    assert final[order[0]] == {"spans": [[0, 2, "人名"], [3, 5, "地名"]]}
    assert final[order[1]] == {"spans": [[0, 2, "人名"]]}
    # Boundaries 0–2 against 0–3 overlap well (F1 by overlap) but have no majority.
    assert final[order[2]] is None and queued == {order[2]}


def test_cleaning_similar_but_different_texts_go_to_review(world: World) -> None:
    vendor = world.vendor_api()
    project = text_project(world, vendor, "clean", [])
    plans = [
        [
            {"text": "张三在合肥工作", "flags": []},
            {"text": "李四去了芜湖。", "flags": []},
            {"text": "王五住在蚌埠。", "flags": []},
        ],
        [
            {"text": "张三在合肥工作。", "flags": []},
            {"text": "李四去了芜湖。", "flags": []},
            {"text": "王五住在蚌埠", "flags": []},
        ],
    ]
    order = answer_all(world, project, plans)
    final, queued = assert_every_item_closes(vendor, project)
    assert final[order[1]]["text"] == "李四去了芜湖。"
    assert queued == {order[0], order[2]}


def test_classification_ties_are_queued_and_called_ties(app: Any, world: World) -> None:
    from tests.app.builders import login

    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project = text_project(world, vendor, "classify", ["正面", "负面"])
    plans = [[{"label": "正面"}] * 3, [{"label": "正面"}, {"label": "负面"}, {"label": "正面"}]]
    order = answer_all(world, project, plans)
    final, queued = assert_every_item_closes(vendor, project)
    assert all(final[item] is not None for item in order) and queued == {order[1]}
    entry = vendor.get(f"/api/v1/projects/{project}/review").json["items"][0]
    assert entry["tie"] is True and entry["majority"] is None
    client = app.test_client()
    login(client, email)
    table = client.get(f"/projects/{project}/quality/items").text
    row = table.split(f'<tr data-item="{order[1]}">')[1].split("</tr>")[0]
    assert "平局（1–1）" in row
    other = table.split(f'<tr data-item="{order[0]}">')[1].split("</tr>")[0]
    assert "平局" not in other
    page = client.get(f"/review/{project}?item={order[1]}").text
    assert 'id="review-tie"' in page
