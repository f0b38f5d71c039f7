"""Multi-label classification projects get a report: Jaccard agreement between experts and
α per label, a review queue for items without a per-label majority (issue 13, "Figures that
must not mislead")."""

from __future__ import annotations

import uuid
from typing import Any

from tests.app.builders import World, login

LABELS = ["交通", "教育", "医疗"]
TEXTS = [f"第{i}条留言。" for i in range(4)]
# What each of three experts chooses per item, in claim order (= item order).
PLAN = [
    [["交通"], ["教育", "医疗"], ["医疗"], ["医疗"]],
    [["交通"], ["教育"], ["交通"], ["交通"]],
    [["交通"], ["教育", "医疗"], ["教育"], ["医疗"]],
]


def _multi_project(app: Any, world: World) -> tuple[int, Any, Any]:
    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    corpus = world.ready_corpus(vendor, TEXTS)
    response = vendor.post(
        "/api/v1/projects",
        {
            "name": "留言多标签分类",
            "corpus_id": corpus,
            "type": "classify",
            "labels": LABELS,
            "overlap": 3,
            "multi": True,
        },
    )
    assert response.status_code == 201, response.json
    project = int(response.json["id"])
    for answers in PLAN:
        expert = world.api(world.user("expert"))
        for labels in answers:
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            stored = expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": {"labels": labels}, "client_uuid": str(uuid.uuid4())},
            )
            assert stored.status_code == 201, stored.json
    client = app.test_client()
    login(client, email)
    return project, vendor, client


def test_the_report_gives_jaccard_and_alpha_per_label(app: Any, world: World) -> None:
    project, vendor, client = _multi_project(app, world)
    client.get(f"/projects/{project}/quality")  # the report is computed
    report = vendor.get(f"/api/v1/projects/{project}/quality").json["report"]
    assert report["supported"] and report["kind"] == "multi"
    # Item 0: all agree (1); item 1: {教育,医疗},{教育},{教育,医疗} → (1/2 + 1 + 1/2) / 3;
    # item 2: three different labels (0); item 3: {医疗},{交通},{医疗} → (0 + 1 + 0) / 3.
    expected = (1 + (0.5 + 1 + 0.5) / 3 + 0 + 1 / 3) / 4
    assert abs(report["overall"]["jaccard"] - expected) < 1e-3
    per_label = {row["label"]: row for row in report["per_label"]}
    assert [per_label[label]["chosen"] for label in LABELS] == [5, 4, 5]
    assert all(row["alpha"] is not None for row in per_label.values())
    assert len(report["experts"]) == 3 and all(e["mean_jaccard"] for e in report["experts"])
    # Items 2 and 3 agree less than 0.5 and are queued; items 0 and 1 are not.
    assert report["review_total"] == 2
    page = client.get(f"/projects/{project}/quality").text
    assert 'id="report-jaccard"' in page and "没有答案" not in page
    assert 'id="label-table"' in page and "交通" in page


def test_final_answers_take_each_label_a_majority_chose(app: Any, world: World) -> None:
    from app.extensions import db
    from app.models import Project
    from app.quality.report import final_results

    project, _, _ = _multi_project(app, world)
    with app.app_context():
        finals = final_results(db.session.get(Project, project))
    answers = sorted(finals.values(), key=lambda r: (len(r["labels"]), r["labels"]))
    assert {"labels": ["交通"]} in answers
    assert {"labels": sorted(["教育", "医疗"])} in answers
    assert {"labels": []} in answers  # item 2: no label chosen by two of the three
    assert {"labels": ["医疗"]} in answers  # item 3
