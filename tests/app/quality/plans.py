"""What fixed panels of experts answer: three experts on six comments (classify), two experts
on three pictures (boxes)."""

from __future__ import annotations

import uuid

from tests.app.builders import Api, World

LABELS = ["正面", "负面", "中性"]
TEXTS = [f"第{i}条评论。" for i in range(6)]
# What each of three experts answers per item (in claim order = item order).
PLAN = [
    ["正面", "负面", "中性", "正面", "负面", "中性"],
    ["正面", "负面", "中性", "正面", "负面", "负面"],
    ["正面", "负面", "正面", "正面", "中性", "中性"],
]


def label_everything(world: World, project: int) -> tuple[list[Api], dict[int, int]]:
    experts = [world.api(world.user("expert")) for _ in PLAN]
    order: dict[int, int] = {}
    for expert, answers in zip(experts, PLAN, strict=True):
        for label in answers:
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            order.setdefault(claim["item"]["id"], len(order))
            response = expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": {"label": label}, "client_uuid": str(uuid.uuid4())},
            )
            assert response.status_code == 201
    return experts, order


BOX_LABELS = ["车", "人"]
# Two experts' boxes (x, y, w, h, label) on three 200 × 100 images, in claim order.
BOXES = [
    [[[10, 10, 40, 40, "车"]], [[0, 0, 20, 20, "人"]], []],
    [[[12, 12, 40, 40, "车"]], [[0, 0, 20, 20, "车"]], []],
]
