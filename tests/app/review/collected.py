"""Collection projects with contributions waiting for review, for the tests of the review step,
the collection report, exports and the expert's own list."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from tests.app.builders import Api, World

PROMPT = "请写一段你最近一次就医的经历（不要写真实姓名）。"
_names = itertools.count(1)


def collect_project(world: World, vendor: Api, contributions: int = 6) -> tuple[int, int]:
    """A text collection project over a one-item corpus; returns (project id, corpus id)."""
    corpus = world.ready_corpus(vendor, ["示例：在社区医院复诊。"])
    created = vendor.post(
        "/api/v1/projects",
        {
            "name": f"就医经历征集 {next(_names)}",
            "corpus_id": corpus,
            "type": "collect",
            "overlap": 1,
            "prompt": PROMPT,
            "contributions": contributions,
        },
    )
    assert created.status_code == 201, created.json
    return created.json["id"], corpus


def contribute(expert: Api, project: int, text: str) -> None:
    """Claim a collection slot and contribute ``text``."""
    claim = expert.post(f"/api/v1/projects/{project}/claim")
    assert claim.status_code == 200, claim.json
    sent = expert.post(
        f"/api/v1/tasks/{claim.json['task_id']}/annotations",
        {"result": {"text": text}, "client_uuid": str(uuid.uuid4())},
    )
    assert sent.status_code == 201, sent.json


def contribution_ids(api: Api, project: int, status: str = "pending") -> list[int]:
    """The ids of the project's contributions of one status, in arrival order."""
    listed = api.get(f"/api/v1/projects/{project}/contributions?status={status}&limit=200")
    assert listed.status_code == 200, listed.json
    return [c["id"] for c in listed.json["contributions"]]


def decide(api: Api, project: int, contribution: int, decision: str, reason: Any = None) -> Any:
    """POST a decision; returns the response."""
    body: dict[str, Any] = {"decision": decision}
    if reason is not None:
        body["reason"] = reason
    return api.post(f"/api/v1/projects/{project}/contributions/{contribution}/decision", body)


def accept_all(api: Api, project: int) -> None:
    """Accept every pending contribution of the project."""
    for contribution in contribution_ids(api, project):
        assert decide(api, project, contribution, "accept").status_code == 200
