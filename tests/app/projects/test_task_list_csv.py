"""The task list as CSV (issue 13, "Data out"): streamed from the page and the API, filtered
like the list, formula-safe, with check items and dropped items marked."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from tests.app.builders import World, login


def _rows(body: str) -> list[dict[str, str]]:
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def test_task_list_downloads_as_csv(any_db_world: World) -> None:
    world = any_db_world
    vendor = world.vendor_api()
    texts = ["=SUM(A1:A9) 公式开头的文本。", "第二条。", "第三条。"]
    project = world.project(vendor, texts, overlap=1)
    tasks = vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    gold = vendor.post(
        f"/api/v1/projects/{project}/gold",
        {"items": [{"item_id": tasks[2]["item_id"], "answer": {"label": "正面"}}]},
    )
    assert gold.status_code == 200
    expert = world.api(world.user("expert"))
    claim = expert.post(f"/api/v1/projects/{project}/claim").json
    body = {"result": {"label": "负面"}, "client_uuid": str(uuid.uuid4())}
    assert expert.post(f"/api/v1/tasks/{claim['task_id']}/annotations", body).status_code in (
        200,
        201,
    )
    response = vendor.get(f"/api/v1/projects/{project}/tasks.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.is_streamed
    rows = _rows(response.get_data(as_text=True))
    assert [r["item_id"] for r in rows] == [str(t["item_id"]) for t in tasks]
    assert rows[0]["text"] == "'=SUM(A1:A9) 公式开头的文本。"  # never a formula
    assert [r["status"] for r in rows] == ["complete", "open", "gold"]
    assert rows[2]["is_check_item"] == "True" and rows[0]["last_answer_at"].endswith("+00:00")
    open_only = _rows(vendor.get(f"/api/v1/projects/{project}/tasks.csv?status=open").text)
    assert [r["item_id"] for r in open_only] == [str(tasks[1]["item_id"])]
    assert vendor.get(f"/api/v1/projects/{project}/tasks.csv?status=nope").status_code == 400
    assert world.vendor_api().get(f"/api/v1/projects/{project}/tasks.csv").status_code == 404


def test_project_page_links_the_csv(app: Any, world: World) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project = world.project(vendor, ["一条。", "两条。"], overlap=1)
    browser = app.test_client()
    login(browser, email)
    page = browser.get(f"/projects/{project}").text
    assert 'id="tasks-csv"' in page
    body = browser.get(f"/projects/{project}/tasks.csv").get_data(as_text=True)
    assert len(_rows(body)) == 2
