"""Reviewers of entity and cleaning projects choose one expert's answer as the final one;
exports carry it."""

from __future__ import annotations

from typing import Any

from tests.app.builders import World, export_lines, login
from tests.app.review.disputes import disputed_project


def test_ner_reviewer_picks_an_answer_and_the_export_uses_it(any_db_world: World) -> None:
    world = any_db_world
    vendor, project, reviewer_email = disputed_project(world, "ner")
    reviewer = world.api(reviewer_email)
    queue = reviewer.get(f"/api/v1/projects/{project}/review").json["items"]
    assert len(queue) == 2 and all(entry["agreement"] == 0.0 for entry in queue)
    item = queue[0]["item_id"]
    detail = reviewer.get(f"/api/v1/projects/{project}/items/{item}").json
    second = detail["answers"][1]
    other_item = queue[1]["item_id"]
    foreign = reviewer.get(f"/api/v1/projects/{project}/items/{other_item}").json["answers"][0]
    for bad in (foreign["id"], "1", True, None, 10**12):
        refused = reviewer.post(
            f"/api/v1/projects/{project}/items/{item}/adjudication", {"answer_id": bad}
        )
        assert refused.status_code == 422, bad
        assert refused.json["error"]["message"] == "请从该条目已有的答案中选择一个。"
    assert reviewer.get(f"/api/v1/projects/{project}/review").json["items"] == queue
    done = reviewer.post(
        f"/api/v1/projects/{project}/items/{item}/adjudication", {"answer_id": second["id"]}
    )
    assert done.status_code == 201 and done.json["result"] == second["result"]
    left = reviewer.get(f"/api/v1/projects/{project}/review").json["items"]
    assert [entry["item_id"] for entry in left] == [other_item]
    export = vendor.post(f"/api/v1/projects/{project}/exports").json
    url = vendor.get(f"/api/v1/exports/{export['id']}").json["download_url"]
    lines = {line["item_id"]: line for line in export_lines(vendor, url)}
    assert lines[item]["final"] == {"spans": [[0, 2, "地名"]]}
    assert lines[other_item]["final"] is None  # still disputed: no final answer
    rows = {
        row["item_id"]: row
        for row in vendor.get(f"/api/v1/projects/{project}/quality/items").json["items"]
    }
    assert rows[item]["adjudicated"] and not rows[other_item]["adjudicated"]


def test_clean_reviewer_picks_with_the_review_page(app: Any, world: World) -> None:
    vendor, project, reviewer_email = disputed_project(world, "clean")
    client = app.test_client()
    login(client, reviewer_email)
    page = client.get(f"/review/{project}").text
    assert 'id="pick-form"' in page and page.count('class="answer pickable') == 2
    item = int(page.split('data-item="')[1].split('"')[0])
    answers = world.api(reviewer_email).get(f"/api/v1/projects/{project}/items/{item}").json
    chosen = answers["answers"][1]
    assert client.post(f"/review/{project}/items/{item}", data={"answer": "x"}).status_code == 400
    done = client.post(f"/review/{project}/items/{item}", data={"answer": str(chosen["id"])})
    assert done.status_code == 302
    after = client.get(f"/review/{project}").text
    assert f'data-item="{item}"' not in after
    export = vendor.post(f"/api/v1/projects/{project}/exports").json
    url = vendor.get(f"/api/v1/exports/{export['id']}").json["download_url"]
    lines = {line["item_id"]: line for line in export_lines(vendor, url)}
    assert lines[item]["final"] == chosen["result"] and lines[item]["final"]["text"] == "（已删除）"
    outsider = app.test_client()
    login(outsider, world.user("expert"))
    assert outsider.post(
        f"/review/{project}/items/{item}", data={"answer": str(chosen["id"])}
    ).status_code in (302, 404)
