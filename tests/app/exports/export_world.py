"""Builders shared by the export format tests: projects of every task type answered by
experts with known display names, and an export downloaded in a chosen format."""

from __future__ import annotations

import uuid
from typing import Any

from tests.app.builders import PASSWORD, Api, World
from tests.app.corpora.image_files import archive, png


def named_expert(world: World, name: str) -> Api:
    """An expert whose display name is ``name``."""
    from app.accounts.services import create_user

    email = f"expert-{uuid.uuid4().hex[:10]}@example.cn"
    with world.app.app_context():
        create_user(email, PASSWORD, "expert", name=name, organization_id=None, domains=["政务"])
    return world.api(email)


def answer_in_turn(world: World, project: int, plans: dict[str, list[dict[str, Any]]]) -> list[int]:
    """Each named expert answers the items in claim order with their plan; returns the item
    ids in claim order (every expert claims them in the same order)."""
    order: list[int] = []
    for name, plan in plans.items():
        expert = named_expert(world, name)
        for position, result in enumerate(plan):
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            if len(order) <= position:
                order.append(claim["item"]["id"])
            reply = expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": result, "client_uuid": str(uuid.uuid4())},
            )
            assert reply.status_code == 201, reply.json
            if claim["item"]["id"] is not None:
                assert claim["item"]["id"] == order[position]
    return order


def text_project(
    world: World, vendor: Api, kind: str, texts: list[str], labels: list[str], **extra: Any
) -> int:
    corpus = world.ready_corpus(vendor, texts)
    reply = vendor.post(
        "/api/v1/projects",
        {
            "name": f"{kind}-{uuid.uuid4().hex[:6]}",
            "corpus_id": corpus,
            "type": kind,
            "overlap": 2,
            "labels": labels,
            **extra,
        },
    )
    assert reply.status_code == 201, reply.json
    project: int = reply.json["id"]
    return project


def collected_two_texts(world: World, vendor: Api, name: str) -> int:
    """A collection project asking for two texts, which 孙医生 writes (still pending)."""
    corpus = world.ready_corpus(vendor, ["示例一条。"])
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": name,
            "corpus_id": corpus,
            "type": "collect",
            "overlap": 1,
            "prompt": "请写一段就医经历。",
            "contributions": 2,
        },
    ).json["id"]
    answer_in_turn(
        world, project, {"孙医生": [{"text": "在合肥看了急诊。"}, {"text": "带孩子打疫苗。"}]}
    )
    return int(project)


def box_project(world: World, vendor: Api, sizes: list[tuple[str, int, int]]) -> int:
    """A box project over pictures named and sized as given, labels 车 and 人, k = 2."""
    colours = ["red", "green", "blue", "yellow"]
    pictures = [(name, png(w, h, colours[n % 4])) for n, (name, w, h) in enumerate(sizes)]
    corpus = vendor.upload(archive(pictures), "street.zip").json["id"]
    reply = vendor.post(
        "/api/v1/projects",
        {
            "name": f"框-{uuid.uuid4().hex[:6]}",
            "corpus_id": corpus,
            "type": "bbox",
            "labels": ["车", "人"],
            "overlap": 2,
        },
    )
    assert reply.status_code == 201, reply.json
    project: int = reply.json["id"]
    return project


def exported(api: Api, project: int, fmt: str | None) -> Any:
    """Queue an export in ``fmt`` (None: no body), wait for it and download it; returns
    the download response."""
    queued = api.post(f"/api/v1/projects/{project}/exports", {"format": fmt} if fmt else None)
    assert queued.status_code == 202, queued.json
    shown = api.get(f"/api/v1/exports/{queued.json['id']}").json
    assert shown["status"] == "ready", shown
    assert shown["format"] == (fmt or "jsonl")
    assert shown["items_done"] == shown["items_total"]
    response = api.get(shown["download_url"])
    assert response.status_code == 200
    return response
