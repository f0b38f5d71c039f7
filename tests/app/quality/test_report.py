"""The project quality report: figures match the reference library; disputes go to review;
a reviewer's adjudication becomes the final label."""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np
import pytest

from tests.app.builders import World
from tests.app.quality.plans import LABELS, PLAN, TEXTS, label_everything


def test_report_matches_reference_alpha_and_flags_disputes(world: World) -> None:
    krippendorff = pytest.importorskip("krippendorff")
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS, overlap=3, labels=tuple(LABELS))
    label_everything(world, project)
    quality = vendor.get(f"/api/v1/projects/{project}/quality").json
    matrix = np.array([[LABELS.index(label) for label in row] for row in PLAN], dtype=float)
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert quality["krippendorff_alpha"] == pytest.approx(expected, abs=1e-4)
    report = quality["report"]
    assert report["overall"]["items_pairable"] == 6
    assert [row["answers"] for row in report["experts"]] == [6, 6, 6]
    assert report["review_total"] == 3  # items 3, 5 and 6 have a dissenting expert
    assert {entry["consensus"] for entry in report["review"]} <= set(LABELS)
    assert sum(map(sum, report["confusion"])) == 18


def test_reviewer_adjudicates_and_the_final_label_follows(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS, overlap=3, labels=tuple(LABELS))
    experts, _ = label_everything(world, project)
    reviewer_email = world.user("expert")
    reviewer = world.api(reviewer_email)
    assert reviewer.get(f"/api/v1/projects/{project}/review").status_code == 404
    assert (
        vendor.post(f"/api/v1/projects/{project}/reviewers", {"email": reviewer_email}).status_code
        == 201
    )
    queue = reviewer.get(f"/api/v1/projects/{project}/review").json["items"]
    assert len(queue) == 3
    disputed = queue[0]["item_id"]
    detail = reviewer.get(f"/api/v1/projects/{project}/items/{disputed}").json
    assert len(detail["answers"]) == 3 and detail["text"].startswith("第")
    assert (
        experts[0]
        .post(
            f"/api/v1/projects/{project}/items/{disputed}/adjudication",
            {"result": {"label": "中性"}},
        )
        .status_code
        == 404
    )
    bad = reviewer.post(
        f"/api/v1/projects/{project}/items/{disputed}/adjudication", {"result": {"label": "不存在"}}
    )
    assert bad.status_code == 422
    done = reviewer.post(
        f"/api/v1/projects/{project}/items/{disputed}/adjudication", {"result": {"label": "中性"}}
    )
    assert done.status_code == 201
    remaining = reviewer.get(f"/api/v1/projects/{project}/review").json["items"]
    assert disputed not in [entry["item_id"] for entry in remaining] and len(remaining) == 2
    report = vendor.get(f"/api/v1/projects/{project}/quality").json["report"]
    assert report["overall"]["adjudicated"] == 1


def test_other_tenants_cannot_read_items_or_reviews(world: World) -> None:
    vendor, stranger = world.vendor_api(), world.vendor_api()
    project = world.project(vendor, TEXTS, overlap=1, labels=tuple(LABELS))
    assert stranger.get(f"/api/v1/projects/{project}/review").status_code == 404
    assert (
        stranger.post(
            f"/api/v1/projects/{project}/reviewers", {"email": world.user("expert")}
        ).status_code
        == 404
    )


def test_stale_report_is_refreshed_by_the_job(app: Any, world: World) -> None:
    from app.extensions import db
    from app.models import QualityReport

    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS, overlap=3, labels=tuple(LABELS))
    label_everything(world, project)
    vendor.get(f"/api/v1/projects/{project}/quality")
    vendor.get(f"/api/v1/projects/{project}/quality")  # nothing new: no second computation
    with app.app_context():
        reports = db.session.query(QualityReport).filter_by(project_id=project).count()
    assert reports == 1


def test_ner_and_clean_projects_get_their_own_agreement(world: World) -> None:
    vendor = world.vendor_api()
    texts = ["张三在合肥工作。", "李四去了芜湖。"]
    corpus = world.ready_corpus(vendor, texts)
    ner = vendor.post(
        "/api/v1/projects",
        {"name": "实体", "corpus_id": corpus, "type": "ner", "labels": ["人名"], "overlap": 2},
    ).json["id"]
    experts = [world.api(world.user("expert")) for _ in range(2)]
    for number, expert in enumerate(experts):
        for _ in texts:
            claim = expert.post(f"/api/v1/projects/{ner}/claim").json
            spans = [[0, 2, "人名"]] if number == 0 or "张三" in claim["item"]["text"] else []
            expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": {"spans": spans}, "client_uuid": str(uuid.uuid4())},
            )
    report = vendor.get(f"/api/v1/projects/{ner}/quality").json["report"]
    assert report["kind"] == "ner"
    assert report["overall"]["exact_f1"] == pytest.approx(2 / 3, abs=1e-4)  # 1 of 2 vs 1
    assert 0 < report["overall"]["char_alpha"] < 1
    assert [(e["answers"], e["mean_exact_f1"]) for e in report["experts"]] == [
        (2, pytest.approx(2 / 3, abs=1e-3))
    ] * 2  # each expert against the other
    assert all(e["name"] and e["mean_overlap_f1"] is not None for e in report["experts"])
    clean = vendor.post(
        "/api/v1/projects", {"name": "清洗", "corpus_id": corpus, "type": "clean", "overlap": 2}
    ).json["id"]
    for number, expert in enumerate(experts):
        for _ in texts:
            claim = expert.post(f"/api/v1/projects/{clean}/claim").json
            text = claim["item"]["text"] if number == 0 else "完全不同的文字"
            expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": {"text": text, "flags": []}, "client_uuid": str(uuid.uuid4())},
            )
    report = vendor.get(f"/api/v1/projects/{clean}/quality").json["report"]
    assert report["kind"] == "clean" and report["review_total"] == 2
    assert report["overall"]["text_similarity"] < 0.5
    similarity = [(e["answers"], e["mean_similarity"]) for e in report["experts"]]
    assert similarity[0] == similarity[1] and similarity[0][0] == 2 and similarity[0][1] < 0.5
