"""Quality report page, CSV export and the review page, as users see them."""

from __future__ import annotations

import uuid
from typing import Any

from tests.app.builders import World, login
from tests.app.quality.plans import LABELS, TEXTS, label_everything


def make_project(app: Any, world: World) -> tuple[int, int, Any]:
    from app.extensions import db
    from app.models import User

    org = world.org()
    vendor_email = world.user("vendor", org)
    vendor = world.api(vendor_email)
    project = world.project(vendor, TEXTS, overlap=3, labels=tuple(LABELS))
    experts, _ = label_everything(world, project)
    with app.app_context():  # an expert whose name a spreadsheet would run as a formula
        user = db.session.query(User).filter_by(role="expert").first()
        user.name = '=HYPERLINK("http://evil")'
        db.session.commit()
    client = app.test_client()
    login(client, vendor_email)
    return project, org, client


def reviewer_client(app: Any, world: World, project: int) -> tuple[str, Any]:
    """A new expert made reviewer of the project by its vendor, logged in: (email, client)."""
    from app.extensions import db
    from app.models import User
    from app.review.services import add_reviewer

    reviewer = world.user("expert")
    with app.app_context():
        owner = db.session.query(User).filter_by(role="vendor").one()
        add_reviewer(owner, project, reviewer)
    client = app.test_client()
    login(client, reviewer)
    return reviewer, client


def test_quality_page_draws_charts_and_figures(app: Any, world: World) -> None:
    project, _, client = make_project(app, world)
    page = client.get(f"/projects/{project}/quality")
    assert page.status_code == 200
    assert page.text.count("<svg") >= 3 and 'id="report-alpha"' in page.text
    assert "0.523" in page.text  # α of the fixture data (matches the reference library)


def test_csv_export_is_formula_safe(app: Any, world: World) -> None:
    project, _, client = make_project(app, world)
    client.get(f"/projects/{project}/quality")
    response = client.get(f"/projects/{project}/quality.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    body = response.get_data(as_text=True)
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body


def test_reviewer_decides_with_the_review_page(app: Any, world: World) -> None:
    project, _, _ = make_project(app, world)
    reviewer, client = reviewer_client(app, world, project)
    page = client.get(f"/review/{project}")
    assert page.status_code == 200 and 'id="review-item"' in page.text
    item = int(page.text.split('data-item="')[1].split('"')[0])
    done = client.post(f"/review/{project}/items/{item}", data={"label": "中性"})
    assert done.status_code == 302
    after = client.get(f"/review/{project}").text
    assert f'data-item="{item}"' not in after
    outsider = app.test_client()
    login(outsider, world.user("expert"))
    assert outsider.get(f"/review/{project}").status_code == 404


def test_quality_page_of_a_clean_project(app: Any, world: World) -> None:
    import uuid

    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    corpus = world.ready_corpus(vendor, ["原文一。", "原文二。"])
    project = vendor.post(
        "/api/v1/projects", {"name": "清洗", "corpus_id": corpus, "type": "clean", "overlap": 1}
    ).json["id"]
    expert = world.api(world.user("expert"))
    claim = expert.post(f"/api/v1/projects/{project}/claim").json
    expert.post(
        f"/api/v1/tasks/{claim['task_id']}/annotations",
        {"result": {"text": "改好的文字。", "flags": []}, "client_uuid": str(uuid.uuid4())},
    )
    client = app.test_client()
    login(client, email)
    page = client.get(f"/projects/{project}/quality")
    assert page.status_code == 200 and 'id="report-similarity"' in page.text


def test_drill_down_draws_spans_diffs_and_boxes(app: Any, world: World) -> None:
    import io
    import uuid

    from PIL import Image

    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    experts = [world.api(world.user("expert")) for _ in range(2)]
    client = app.test_client()
    login(client, email)

    def run(kind: str, corpus: int, labels: list[str], results: list[dict[str, Any]]) -> str:
        project = vendor.post(
            "/api/v1/projects",
            {"name": kind, "corpus_id": corpus, "type": kind, "labels": labels, "overlap": 2},
        ).json["id"]
        item = 0
        for expert, result in zip(experts, results, strict=True):
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            item = claim["item"]["id"]
            expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": result, "client_uuid": str(uuid.uuid4())},
            )
        page = client.get(f"/review/{project}?item={item}")
        assert page.status_code == 200
        return page.text

    text_corpus = world.ready_corpus(vendor, ["张三在合肥。"])
    ner = run("ner", text_corpus, ["人名"], [{"spans": [[0, 2, "人名"]]}, {"spans": []}])
    assert '<mark class="span-mark" title="人名">张三' in ner
    clean = run(
        "clean",
        text_corpus,
        [],
        [{"text": "张三在合肥市。", "flags": []}, {"text": "张三在合肥。", "flags": []}],
    )
    assert "<ins>市</ins>" in clean
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buffer, "PNG")
    image_corpus = vendor.upload(buffer.getvalue(), "a.png").json["id"]
    boxes = run("bbox", image_corpus, ["车"], [{"boxes": [[20, 10, 100, 50, "车"]]}, {"boxes": []}])
    assert '<rect x="10.0" y="10.0" width="50.0" height="50.0">' in boxes


def test_counts_on_the_review_and_report_pages_agree_in_number(app: Any, world: World) -> None:
    project, _, vendor = make_project(app, world)
    report = vendor.get(f"/projects/{project}/quality?lang=en").text
    assert "from 18 answers." in report
    assert "基于 18 份标注。" in vendor.get(f"/projects/{project}/quality?lang=zh_CN").text
    reviewer, client = reviewer_client(app, world, project)
    assert "3 items wait for a decision" in client.get(f"/review/{project}?lang=en").text
    for _ in range(2):
        page = client.get(f"/review/{project}").text
        item = int(page.split('data-item="')[1].split('"')[0])
        decided = client.post(f"/review/{project}/items/{item}", data={"label": "中性"})
        assert decided.status_code == 302
    assert "1 item waits for a decision" in client.get(f"/review/{project}?lang=en").text
    assert "1 条待裁定" in client.get(f"/review/{project}?lang=zh_CN").text


def test_a_report_of_one_answer_says_answer(app: Any, world: World) -> None:
    vendor_email = world.user("vendor", world.org())
    project = world.project(world.api(vendor_email), ["只有一条。"], overlap=1, labels=("是", "否"))
    expert = world.api(world.user("expert"))
    claim = expert.post(f"/api/v1/projects/{project}/claim").json
    assert (
        expert.post(
            f"/api/v1/tasks/{claim['task_id']}/annotations",
            {"result": {"label": "是"}, "client_uuid": str(uuid.uuid4())},
        ).status_code
        == 201
    )
    client = app.test_client()
    login(client, vendor_email)
    assert "from 1 answer." in client.get(f"/projects/{project}/quality?lang=en").text


def test_the_review_count_covers_items_beyond_the_listed_ones(
    app: Any, world: World, monkeypatch: Any
) -> None:
    from app.quality import report as quality_report

    monkeypatch.setattr(quality_report, "REVIEW_LIST_LIMIT", 2)  # the report lists 2 of 3
    project, _, _ = make_project(app, world)
    reviewer, client = reviewer_client(app, world, project)
    assert "3 items wait for a decision" in client.get(f"/review/{project}?lang=en").text
    queue = world.api(reviewer).get(f"/api/v1/projects/{project}/review").json
    assert len(queue["items"]) == 2 and queue["total"] == 3


def test_the_report_says_what_it_is_about_on_paper(app: Any, world: World) -> None:
    """Organization, task type, k, corpus and date head the report, and print."""
    project, _, client = make_project(app, world)
    page = client.get(f"/projects/{project}/quality").text
    facts = page.split('id="report-facts"')[1].split("</dl>")[0]
    for shown in ("数据公司", "分类", "<dd>3</dd>", "语料", "报告日期"):
        assert shown in facts, shown
    assert 'class="report-facts noprint' not in page
