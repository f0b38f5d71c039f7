"""Projects of every scored task type with five check items, and experts who answer them
right or wrong (issue 13). Shared by the API tests and the page tests of check items."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tests.app.builders import Api, World
from tests.app.corpora.image_files import archive, png

Answer = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    """A task type as a test uses it: how to make its project, the known answer of a check
    item, a right and a wrong answer to it, and an ordinary answer to any other item."""

    name: str
    labels: list[str]
    options: dict[str, Any]
    gold: Answer
    right: Answer
    wrong: Answer
    ordinary: Callable[[dict[str, Any]], Answer]


TEXTS = [f"张三在合肥工作，第{i}号。" for i in range(14)]

KINDS = {
    # Jaccard 2/3 with the known labels: right at the threshold 0.6.
    "multi": Kind(
        "classify",
        ["人物", "城市", "工作"],
        {"multi": True, "gold_item_threshold": 0.6},
        {"labels": ["人物", "城市"]},
        {"labels": ["人物", "城市", "工作"]},
        {"labels": ["工作"]},
        lambda item: {"labels": ["人物"]},
    ),
    # One span of two missed: F1 2/3, below 0.8; the right answer has both.
    "ner": Kind(
        "ner",
        ["人名", "地名"],
        {},
        {"spans": [[0, 2, "人名"], [3, 5, "地名"]]},
        {"spans": [[0, 2, "人名"], [3, 5, "地名"]]},
        {"spans": [[0, 2, "人名"], [3, 5, "人名"]]},
        lambda item: {"spans": []},
    ),
    # One character of 10 left in: 90 % alike; the wrong answer changed nothing.
    "clean": Kind(
        "clean",
        [],
        {"gold_item_threshold": 0.85},
        {"text": "张三在合肥工作第号"},
        {"text": "张三在合肥工作，第号"},
        {"text": "完全是另一段文字了"},
        lambda item: {"text": item["text"]},
    ),
    # IoU 0.8 with the right label is a hit; the same place with the wrong label is not.
    "bbox": Kind(
        "bbox",
        ["车", "人"],
        {},
        {"boxes": [[10, 10, 50, 40, "车"]]},
        {"boxes": [[10, 10, 50, 32, "车"]]},
        {"boxes": [[10, 10, 50, 40, "人"]]},
        lambda item: {"boxes": []},
    ),
}


def new_check_project(world: World, vendor: Api, kind: Kind, **options: Any) -> int:
    """A project of ``kind`` over 14 items (texts, or pictures for boxes), overlap 2."""
    if kind.name == "bbox":
        members = [(f"{n}.png", png(120 + n, 80, "green")) for n in range(len(TEXTS))]
        corpus = vendor.upload(archive(members), "street.zip").json["id"]
    else:
        corpus = world.ready_corpus(vendor, TEXTS)
    response = vendor.post(
        "/api/v1/projects",
        {
            "name": f"核对 {kind.name} {uuid.uuid4().hex[:6]}",
            "corpus_id": corpus,
            "type": kind.name,
            "labels": kind.labels,
            "overlap": 2,
            **kind.options,
            **options,
        },
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def set_five_checks(vendor: Api, project: int, kind: Kind) -> set[int]:
    """Make the first five items check items with the kind's known answer."""
    tasks = vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    items = sorted(t["item_id"] for t in tasks)[:5]
    response = vendor.post(
        f"/api/v1/projects/{project}/gold",
        {"items": [{"item_id": item, "answer": kind.gold} for item in items]},
    )
    assert response.status_code == 200, response.json
    return set(items)


def work_through(expert: Api, project: int, checks: set[int], kind: Kind, right: bool) -> Any:
    """Claim and answer until the project stops serving: the check items rightly or wrongly,
    the other items with the kind's ordinary answer. Returns (check answers given, the last
    claim's response, whether each check answer passed, from the feedback)."""
    given, passed = 0, []
    for _ in range(30):
        claim = expert.post(f"/api/v1/projects/{project}/claim")
        if claim.status_code != 200:
            break
        item = claim.json["item"]
        if item["id"] in checks:
            answer = kind.right if right else kind.wrong
        else:
            answer = kind.ordinary(item)
        reply = expert.post(
            f"/api/v1/tasks/{claim.json['task_id']}/annotations",
            {"result": answer, "client_uuid": str(uuid.uuid4())},
        )
        assert reply.status_code == 201, reply.json
        if item["id"] in checks:
            given += 1
            passed.append(reply.json["gold"]["passed"])
    return given, claim, passed


def user_id(app: Any, email: str) -> int:
    from app.extensions import db
    from app.models import User

    with app.app_context():
        found = db.session.scalar(select(User.id).where(User.email == email))
        assert found is not None
        return int(found)
