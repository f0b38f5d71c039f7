"""Projects of any task type made through the API, and classify projects with check (gold)
items."""

from __future__ import annotations

from typing import Any

from tests.app.builders import Api, World

TEXTS = [
    "张三在合肥工作。",
    "李四去了芜湖。",
    "王五住在蚌埠。",
    "赵六来自阜阳。",
    "孙七在淮南。",
    "周八在宿州。",
    "吴九在亳州。",
]


def new_project(
    world: World,
    vendor: Api,
    kind: str,
    labels: list[str],
    overlap: int = 1,
    texts: list[str] = TEXTS,
    **options: Any,
) -> Any:
    corpus = world.ready_corpus(vendor, texts)
    return vendor.post(
        "/api/v1/projects",
        {
            "name": f"{kind} 项目 {corpus}",
            "corpus_id": corpus,
            "type": kind,
            "labels": labels,
            "overlap": overlap,
            **options,
        },
    )


MANY = [f"第{i}号文件已印发。" for i in range(15)]


def gold_project(world: World, vendor: Api, **options: Any) -> tuple[int, dict[int, str]]:
    project = new_project(world, vendor, "classify", ["对", "错"], texts=MANY, **options).json["id"]
    tasks = vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    gold = {t["item_id"]: "对" for t in tasks[:5]}
    response = vendor.post(
        f"/api/v1/projects/{project}/gold",
        {"items": [{"item_id": item, "answer": {"label": label}} for item, label in gold.items()]},
    )
    assert response.status_code == 200 and response.json["gold_items"] == 5
    return project, gold
