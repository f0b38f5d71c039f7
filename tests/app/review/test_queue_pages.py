"""Disputes decided in the browser (issue 13, loop 2): the vendor appoints and removes
reviewers on the project page, the queue pages with previous, next and counts, nobody decides
an item they answered, and a reviewer edits the final answer instead of picking one."""

from __future__ import annotations

import json
from typing import Any

from tests.app.builders import World, export_lines, login
from tests.app.quality.plans import LABELS, TEXTS
from tests.app.review.disputes import disputed_project


def test_vendor_appoints_and_removes_a_reviewer_on_the_project_page(app: Any, world: World) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project = world.project(vendor, TEXTS, overlap=1, labels=tuple(LABELS))
    expert = world.user("expert")
    client = app.test_client()
    login(client, email)
    page = client.get(f"/projects/{project}").text
    assert 'id="add-reviewer"' in page and "尚无审核员" in page
    unknown = client.post(
        f"/review/{project}/reviewers", data={"email": "nobody@example.cn"}, follow_redirects=True
    ).text
    assert "没有使用此邮箱的专家" in unknown or 'class="flash flash-error"' in unknown
    added = client.post(
        f"/review/{project}/reviewers", data={"email": expert}, follow_redirects=True
    ).text
    assert expert in added.split('id="reviewer-list"')[1].split("</ul>")[0]
    reviewers = vendor.get(f"/api/v1/projects/{project}/reviewers").json["reviewers"]
    assert [r["email"] for r in reviewers] == [expert]
    reviewer = app.test_client()
    login(reviewer, expert)
    assert reviewer.get(f"/review/{project}").status_code == 200
    stranger = app.test_client()
    login(stranger, world.user("vendor", world.org()))
    assert stranger.post(
        f"/review/{project}/reviewers/{reviewers[0]['user_id']}/remove"
    ).status_code in (302, 404)
    assert vendor.get(f"/api/v1/projects/{project}/reviewers").json["reviewers"] != []
    removed = client.post(
        f"/review/{project}/reviewers/{reviewers[0]['user_id']}/remove", follow_redirects=True
    ).text
    assert "尚无审核员" in removed
    assert reviewer.get(f"/review/{project}").status_code == 404
    again = vendor.post(f"/api/v1/projects/{project}/reviewers", {"email": expert})
    assert again.status_code == 201
    gone = vendor.client.delete(
        f"/api/v1/projects/{project}/reviewers/{again.json['user_id']}",
        headers={"Authorization": f"Bearer {vendor.token}"},
    )
    assert gone.status_code == 204


def test_the_queue_has_previous_next_and_counts(app: Any, world: World) -> None:
    _, project, reviewer = disputed_project(world, "ner")
    client = app.test_client()
    login(client, reviewer)
    first = client.get(f"/review/{project}").text
    assert "第 1 条，共 2 条" in first and 'id="review-previous"' not in first
    following = int(first.split('id="review-next" href="')[1].split("item=")[1].split('"')[0])
    second = client.get(f"/review/{project}?item={following}").text
    assert "第 2 条，共 2 条" in second and 'id="review-previous"' in second
    assert 'id="review-next"' not in second and "2 条待裁定" in second


def test_nobody_decides_an_item_they_answered(app: Any, world: World) -> None:
    experts: list[str] = []
    vendor, project, _ = disputed_project(world, "clean", experts)
    assert (
        vendor.post(f"/api/v1/projects/{project}/reviewers", {"email": experts[0]}).status_code
        == 201
    )
    party = world.api(experts[0])
    item = party.get(f"/api/v1/projects/{project}/review").json["items"][0]["item_id"]
    answers = party.get(f"/api/v1/projects/{project}/items/{item}").json["answers"]
    for body in ({"answer_id": answers[0]["id"]}, {"result": {"text": "x", "flags": []}}):
        refused = party.post(f"/api/v1/projects/{project}/items/{item}/adjudication", body)
        assert refused.status_code == 409
        assert refused.json["error"]["message"] == "您本人作答过此条目，须由其他审核员裁定。"
    client = app.test_client()
    login(client, experts[0])
    page = client.get(f"/review/{project}?item={item}").text
    assert 'id="review-own"' in page and 'id="pick-form"' not in page
    posted = client.post(
        f"/review/{project}/items/{item}",
        data={"answer": str(answers[1]["id"])},
        follow_redirects=True,
    ).text
    assert "须由其他审核员裁定" in posted
    assert vendor.get(f"/api/v1/projects/{project}/review").json["total"] == 2


def test_a_reviewer_edits_the_final_answer_on_the_page(app: Any, world: World) -> None:
    vendor, project, reviewer = disputed_project(world, "ner")
    client = app.test_client()
    login(client, reviewer)
    page = client.get(f"/review/{project}").text
    assert 'id="edit-form"' in page and "data-result=" in page
    item = int(page.split('data-item="')[1].split('"')[0])
    edited = {"spans": [[0, 2, "人名"], [3, 5, "地名"]]}
    bad = client.post(
        f"/review/{project}/items/{item}",
        data={"result": json.dumps({"spans": [[0, 99, "人名"]]})},
        follow_redirects=True,
    )
    assert bad.status_code == 200 and 'class="flash flash-error"' in bad.text
    done = client.post(f"/review/{project}/items/{item}", data={"result": json.dumps(edited)})
    assert done.status_code == 302
    export = vendor.post(f"/api/v1/projects/{project}/exports").json
    url = vendor.get(f"/api/v1/exports/{export['id']}").json["download_url"]
    finals = {line["item_id"]: line["final"] for line in export_lines(vendor, url)}
    assert finals[item] == edited


def test_a_reviewer_edits_boxes_within_the_image(app: Any, world: World) -> None:
    import uuid

    from tests.app.corpora.image_files import archive, png

    vendor = world.vendor_api()
    corpus = vendor.upload(archive([("0.png", png(200, 100))]), "street.zip").json["id"]
    project = vendor.post(
        "/api/v1/projects",
        {"name": "框", "corpus_id": corpus, "type": "bbox", "labels": ["车", "人"], "overlap": 2},
    ).json["id"]
    for label in ("车", "人"):
        expert = world.api(world.user("expert"))
        claim = expert.post(f"/api/v1/projects/{project}/claim").json
        assert (
            expert.post(
                f"/api/v1/tasks/{claim['task_id']}/annotations",
                {"result": {"boxes": [[10, 10, 40, 40, label]]}, "client_uuid": str(uuid.uuid4())},
            ).status_code
            == 201
        )
    reviewer = world.user("expert")
    assert (
        vendor.post(f"/api/v1/projects/{project}/reviewers", {"email": reviewer}).status_code == 201
    )
    client = app.test_client()
    login(client, reviewer)
    page = client.get(f"/review/{project}").text
    assert 'id="edit-form"' in page and 'data-kind="bbox"' in page
    item = int(page.split('data-item="')[1].split('"')[0])
    outside = client.post(
        f"/review/{project}/items/{item}",
        data={"result": json.dumps({"boxes": [[150, 10, 80, 40, "车"]]})},
        follow_redirects=True,
    )
    assert 'class="flash flash-error"' in outside.text
    edited = {"boxes": [[10, 10, 40, 40, "车"], [100, 50, 20, 20, "人"]]}
    assert (
        client.post(
            f"/review/{project}/items/{item}", data={"result": json.dumps(edited)}
        ).status_code
        == 302
    )
    export = vendor.post(f"/api/v1/projects/{project}/exports").json
    url = vendor.get(f"/api/v1/exports/{export['id']}").json["download_url"]
    assert [line["final"] for line in export_lines(vendor, url)] == [edited]
