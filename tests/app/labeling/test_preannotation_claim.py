"""The claim hands the workbench an item's imported pre-annotation: spans for entities, boxes
for pictures, and nothing on a check item (a pre-filled check would give its answer away)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from tests.app.builders import World
from tests.app.corpora import preannotated as files


def item_ids(world: World, corpus_id: int) -> list[int]:
    from app.extensions import db
    from app.models import Item

    with world.app.app_context():
        return list(
            db.session.scalars(
                select(Item.id).where(Item.corpus_id == corpus_id).order_by(Item.seq)
            )
        )


def test_check_items_and_tasks_alike_come_with_their_pre_annotation(world: World) -> None:
    vendor = world.vendor_api()
    corpus = files.uploaded(vendor, files.doccano_lines(), "all.jsonl")
    reply = vendor.post(
        "/api/v1/projects",
        {
            "name": f"ner-{uuid.uuid4().hex[:6]}",
            "corpus_id": corpus["id"],
            "type": "ner",
            "overlap": 1,
            "labels": files.ENTITY_LABELS,
            "qualification_size": 1,
        },
    )
    assert reply.status_code == 201, reply.json
    project = reply.json["id"]
    first, second, _ = item_ids(world, corpus["id"])
    gold = {"items": [{"item_id": first, "answer": {"spans": files.SPANS[0]}}]}
    assert vendor.post(f"/api/v1/projects/{project}/gold", gold).status_code == 200

    expert = world.api(world.user("expert"))
    check = expert.post(f"/api/v1/projects/{project}/claim").json
    # Withholding it would tell the expert that this item is a check item (issue 13).
    assert check["item"]["id"] == first
    assert check["item"]["preannotation"] == {"spans": files.SPANS[0]}
    answered = expert.post(
        f"/api/v1/tasks/{check['task_id']}/annotations",
        {"result": {"spans": files.SPANS[0]}, "client_uuid": str(uuid.uuid4())},
    )
    assert answered.status_code == 201, answered.json
    task = expert.post(f"/api/v1/projects/{project}/claim").json
    assert task["item"]["id"] == second
    assert task["item"]["preannotation"] == {"spans": files.SPANS[1]}


def test_a_picture_comes_with_its_imported_boxes(world: World) -> None:
    vendor = world.vendor_api()
    corpus = files.uploaded(vendor, files.yolo_archive(), "yolo.zip")
    project = files.project_over(vendor, corpus["id"], "bbox", files.BOX_LABELS)
    assert project.status_code == 201, project.json
    expert = world.api(world.user("expert"))
    claim = expert.post(f"/api/v1/projects/{project.json['id']}/claim").json
    path, width, height, boxes = files.PICTURES[0]
    assert claim["item"]["text"] == path
    assert claim["item"]["image"]["width"] == width and claim["item"]["image"]["height"] == height
    assert claim["item"]["preannotation"] == {"boxes": boxes}
    # The expert keeps them as they are: the answer is accepted in the picture's pixels.
    submitted = expert.post(
        f"/api/v1/tasks/{claim['task_id']}/annotations",
        {"result": claim["item"]["preannotation"], "client_uuid": str(uuid.uuid4())},
    )
    assert submitted.status_code == 201, submitted.json
