"""Projects whose experts disagree on every item, for the review tests."""

from __future__ import annotations

import uuid
from typing import Any

from tests.app.builders import Api, World

TEXTS = ["张三在合肥工作。", "李四去了芜湖。"]


def disputed_project(
    world: World, kind: str, experts: list[str] | None = None
) -> tuple[Api, int, str]:
    """Two experts who disagree on every item; returns the vendor, project, reviewer (and
    appends the experts' emails to ``experts`` when given)."""
    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    corpus = world.ready_corpus(vendor, TEXTS)
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": kind,
            "corpus_id": corpus,
            "type": kind,
            "overlap": 2,
            "labels": ["人名", "地名"] if kind == "ner" else [],
        },
    ).json["id"]
    for number in range(2):
        email = world.user("expert")
        if experts is not None:
            experts.append(email)
        expert = world.api(email)
        for _ in TEXTS:
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            text = claim["item"]["text"]
            result: dict[str, Any] = (
                {"spans": [[0, 2, "人名" if number == 0 else "地名"]]}
                if kind == "ner"
                else {"text": text if number == 0 else "（已删除）", "flags": []}
            )
            expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": result, "client_uuid": str(uuid.uuid4())},
            )
    reviewer = world.user("expert")
    assert (
        vendor.post(f"/api/v1/projects/{project}/reviewers", {"email": reviewer}).status_code == 201
    )
    return vendor, project, reviewer
