"""A release of a labelled project: the final spans are carried through the redaction, and
every published span points at the redacted form of the text it labelled."""

from __future__ import annotations

import json
import uuid
from typing import Any

from app.storage import object_store
from tests.app.releases.release_world import ReleaseWorld, fake_analyze_batch

TEXTS = ["申请人王小明,电话13912345678,住合肥市蜀山区。", "合肥市政府办公厅通知,经办人李建国。"]
# Each text's labels: the names will be pseudonymized, the places stay.
SPANS = {
    TEXTS[0]: [["王小明", "人名"], ["合肥市", "地名"], ["明,电话139", "片段"]],
    TEXTS[1]: [["合肥市", "地名"], ["李建国", "人名"]],
}


def spans_of(text: str) -> list[list[Any]]:
    return sorted(
        [text.index(piece), text.index(piece) + len(piece), label] for piece, label in SPANS[text]
    )


def test_labels_survive_redaction(releases: ReleaseWorld) -> None:
    world = releases.world
    vendor = world.vendor_api()
    corpus = world.ready_corpus(vendor, TEXTS)
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "实体标注",
            "corpus_id": corpus,
            "type": "ner",
            "labels": ["人名", "地名", "片段"],
            "overlap": 1,
            "instructions": "标出人名和地名",
            "allow_overlap": True,
        },
    )
    assert project.status_code == 201, project.json
    expert = world.api(world.user("expert"))
    while (claim := expert.post(f"/api/v1/projects/{project.json['id']}/claim")).status_code == 200:
        text = claim.json["item"]["text"]
        answer = expert.post(
            f"/api/v1/tasks/{claim.json['task_id']}/annotations",
            {"result": {"spans": spans_of(text)}, "client_uuid": str(uuid.uuid4())},
        )
        assert answer.status_code == 201, answer.json
    created = vendor.post(
        "/api/v1/releases", {"project_id": project.json["id"], "title": "实体标注数据"}
    )
    assert created.status_code == 201, created.json
    release_id = created.json["id"]
    assert vendor.post(f"/api/v1/releases/{release_id}/analyse").status_code == 202
    releases.review_all(release_id)
    assert releases.auditor.post(f"/api/v1/releases/{release_id}/approve").status_code == 200
    assert vendor.post(f"/api/v1/releases/{release_id}/publish").status_code == 202

    with world.app.app_context():
        lines = [
            json.loads(line)
            for line in b"".join(
                object_store().iter_chunks(f"releases/{release_id}/documents.jsonl")
            )
            .decode()
            .splitlines()
        ]
    originals = {1: TEXTS[0], 2: TEXTS[1]}
    assert "王小明" not in json.dumps(lines, ensure_ascii=False)
    for line in lines:
        original, published = originals[line["seq"]], line["text"]
        findings = fake_analyze_batch([original])[0]
        for (start, end, label), (new_start, new_end, new_label) in zip(
            spans_of(original), line["labels"]["spans"], strict=True
        ):
            assert new_label == label
            shown = published[new_start:new_end]
            touched = [f for f in findings if f.start < end and start < f.end]
            if not touched:  # untouched by redaction: the very same characters
                assert shown == original[start:end]
            else:  # the redacted form: no identifier left, the replacement whole
                assert all(original[f.start : f.end] not in shown for f in touched)
                assert shown.count("<") == shown.count(">") == len(touched)
    name_span = lines[0]["labels"]["spans"][0]
    assert lines[0]["text"][name_span[0] : name_span[1]].startswith("<姓名-")
