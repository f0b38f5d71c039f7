"""Box agreement of image-box projects (overall, per label, per expert, per image) in the
report, the API, the page and the CSV; span agreement per label and per item for NER."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.app.builders import World, login
from tests.app.corpora.image_files import archive, png
from tests.app.quality.plans import BOX_LABELS, BOXES

IOU_FIRST = 38 * 38 / (2 * 40 * 40 - 38 * 38)  # the two cars of BOXES: 1444 / 1756


def box_project(world: World, email: str) -> tuple[int, list[int]]:
    vendor = world.api(email)
    pictures = [
        (f"{n}.png", png(200, 100, colour)) for n, colour in enumerate(["red", "green", "blue"])
    ]
    corpus = vendor.upload(archive(pictures), "street.zip").json["id"]
    project = vendor.post(
        "/api/v1/projects",
        {"name": "目标框", "corpus_id": corpus, "type": "bbox", "labels": BOX_LABELS, "overlap": 2},
    ).json["id"]
    items: list[int] = []
    for plan in BOXES:
        expert = world.api(world.user("expert"))
        for boxes in plan:
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            if len(items) < len(plan):
                items.append(claim["item"]["id"])
            reply = expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": {"boxes": boxes}, "client_uuid": str(uuid.uuid4())},
            )
            assert reply.status_code == 201, reply.json
    return project, items


def test_box_agreement_overall_per_label_expert_and_image(world: World) -> None:
    from quality import box_agreement

    email = world.user("vendor", world.org())
    project, items = box_project(world, email)
    vendor = world.api(email)
    report = vendor.get(f"/api/v1/projects/{project}/quality").json["report"]
    assert report["kind"] == "bbox"
    corners = [
        [[(x, y, x + w, y + h, label) for x, y, w, h, label in boxes] for boxes in plan]
        for plan in BOXES
    ]
    reference = box_agreement(corners[0], corners[1])
    overall = report["overall"]
    assert overall["box_f1"] == pytest.approx(reference.f1, abs=1e-4) == pytest.approx(0.5)
    assert overall["mean_iou"] == pytest.approx(reference.mean_iou, abs=1e-4)
    assert overall["mean_iou"] == pytest.approx(IOU_FIRST, abs=1e-4)
    per_label = {row["label"]: row for row in report["per_label"]}
    assert per_label["车"]["box_f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert per_label["车"]["boxes"] == 3 and per_label["人"]["boxes"] == 1
    assert per_label["人"]["box_f1"] == 0.0 and per_label["人"]["mean_iou"] is None
    assert [e["mean_box_f1"] for e in report["experts"]] == [0.5, 0.5]
    assert [entry["item_id"] for entry in report["review"]] == [items[1]]
    lines = {
        row["item_id"]: row
        for row in vendor.get(f"/api/v1/projects/{project}/quality/items").json["items"]
    }
    assert [lines[item]["agreement"] for item in items] == [1.0, 0.0, 1.0]
    assert lines[items[2]]["consensus"] == ""  # both experts: nothing to box
    assert lines[items[1]]["consensus"] is None  # a person against a car: no majority


def test_box_agreement_on_the_page_and_in_the_csv(app: Any, world: World) -> None:
    email = world.user("vendor", world.org())
    project, items = box_project(world, email)
    client = app.test_client()
    login(client, email)
    page = client.get(f"/projects/{project}/quality").text
    assert 'id="report-box-f1">0.500<' in page
    assert f'id="report-mean-iou">{IOU_FIRST:.3f}<' in page
    assert 'id="label-table"' in page and "0.667" in page and page.count("<svg") >= 2
    body = client.get(f"/projects/{project}/quality.csv").get_data(as_text=True)
    assert "box_f1,0.5" in body and "框 F1" in body  # overall and the per-label header
    assert f"{items[1]},2,0.0,,," in body  # the disputed image's line


def test_ner_agreement_per_label_and_disputed_items_go_to_review(world: World) -> None:
    vendor = world.vendor_api()
    texts = ["张三在合肥工作。", "李四去了芜湖。"]
    corpus = world.ready_corpus(vendor, texts)
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "实体",
            "corpus_id": corpus,
            "type": "ner",
            "labels": ["人名", "地名"],
            "overlap": 2,
        },
    ).json["id"]
    for number in range(2):
        expert = world.api(world.user("expert"))
        for _ in texts:
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            text = claim["item"]["text"]
            spans = [[0, 2, "人名"]] + ([[3, 5, "地名"]] if "合肥" in text else [])
            if number == 1 and "李四" in text:
                spans = [[0, 2, "地名"]]  # the second expert calls 李四 a place
            expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": {"spans": spans}, "client_uuid": str(uuid.uuid4())},
            )
    report = vendor.get(f"/api/v1/projects/{project}/quality").json["report"]
    per_label = {row["label"]: row for row in report["per_label"]}
    assert per_label["人名"]["exact_f1"] == pytest.approx(2 / 3, abs=1e-4)  # 1 of 2 vs 1
    assert per_label["人名"]["spans"] == 3 and per_label["地名"]["spans"] == 3
    assert report["review_total"] == 1
    lines = vendor.get(f"/api/v1/projects/{project}/quality/items?sort=agreement").json
    assert [row["agreement"] for row in lines["items"]] == [0.0, 1.0]
    assert lines["items"][1]["consensus"] == "人名×1、地名×1"
