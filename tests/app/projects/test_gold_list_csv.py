"""Check items listed, removed and uploaded as CSV, in the browser and through the API, and
marked in the task list (issue 13)."""

from __future__ import annotations

import io
import uuid
from typing import Any

from tests.app.builders import World, login


def _project(world: World, email: str) -> tuple[int, list[int]]:
    vendor = world.api(email)
    project = world.project(vendor, ["第一条。", "第二条。", "第三条。"], overlap=1)
    tasks = vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    return project, [t["item_id"] for t in tasks]


def test_check_items_from_csv_listed_marked_and_removed(app: Any, world: World) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project, items = _project(world, email)
    body = f"\ufeffitem_id,label\n{items[0]},正面\n{items[1]},负面\n".encode()
    response = vendor.client.post(
        f"/api/v1/projects/{project}/gold",
        data=body,
        content_type="text/csv",
        headers={"Authorization": f"Bearer {vendor.token}"},
    )
    assert response.status_code == 200 and response.json == {"gold_items": 2}
    listed = vendor.get(f"/api/v1/projects/{project}/gold").json
    assert [(g["item_id"], g["answer"]) for g in listed] == [
        (items[0], {"label": "正面"}),
        (items[1], {"label": "负面"}),
    ]
    marked = vendor.get(f"/api/v1/projects/{project}/tasks?status=gold").json["tasks"]
    assert [t["item_id"] for t in marked] == items[:2] and all(t["is_gold"] for t in marked)
    # An expert answers the first check item: it can no longer be removed.
    expert = world.api(world.user("expert"))
    claim = expert.post(f"/api/v1/projects/{project}/claim").json
    answer = {"result": {"label": "正面"}, "client_uuid": str(uuid.uuid4())}
    assert expert.post(f"/api/v1/tasks/{claim['task_id']}/annotations", answer).status_code < 300
    answered = claim["item"]["id"]
    headers = {"Authorization": f"Bearer {vendor.token}"}
    if answered in items[:2]:
        refused = vendor.client.delete(
            f"/api/v1/projects/{project}/gold/{answered}", headers=headers
        )
        assert refused.status_code == 409 and refused.json["error"]["message"]
    unanswered = next(i for i in items[:2] if i != answered)
    removed = vendor.client.delete(f"/api/v1/projects/{project}/gold/{unanswered}", headers=headers)
    assert removed.status_code == 204
    assert unanswered not in [
        g["item_id"] for g in vendor.get(f"/api/v1/projects/{project}/gold").json
    ]
    again = vendor.client.delete(f"/api/v1/projects/{project}/gold/{unanswered}", headers=headers)
    assert again.status_code == 404
    statuses = {
        t["item_id"]: t["status"]
        for t in vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    }
    assert statuses[unanswered] in ("open", "complete")


def test_bad_csv_names_the_row_and_changes_nothing(app: Any, world: World) -> None:
    email = world.user("vendor", world.org())
    project, items = _project(world, email)
    browser = app.test_client()
    login(browser, email)
    for content, message in (
        (f"item_id,label\n{items[0]},正面\nx,负面\n", "第 3 行"),
        ("id,label\n1,正面\n", "item_id"),
        (f"item_id,label\n{items[0]},不存在的标签\n", ""),
    ):
        response = browser.post(
            f"/projects/{project}/gold?lang=zh_CN",
            data={"file": (io.BytesIO(content.encode()), "gold.csv")},
            content_type="multipart/form-data",
            follow_redirects=True,
        )
        assert 'class="flash flash-error"' in response.text and message in response.text
    assert world.api(email).get(f"/api/v1/projects/{project}/gold").json == []
    ok = browser.post(
        f"/projects/{project}/gold",
        data={"file": (io.BytesIO(f"item_id,label\n{items[2]},中性\n".encode()), "gold.csv")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert 'id="gold-table"' in ok.text and f'data-item="{items[2]}"' in ok.text
    removed = browser.post(f"/projects/{project}/gold/{items[2]}/remove", follow_redirects=True)
    assert f'data-item="{items[2]}"' not in removed.text.split('id="gold-table"')[1]


def test_vendor_chooses_a_check_item_in_the_task_list(app: Any, world: World) -> None:
    email = world.user("vendor", world.org())
    project, items = _project(world, email)
    browser = app.test_client()
    login(browser, email)
    page = browser.get(f"/projects/{project}?lang=zh_CN").text
    assert page.count('class="inline choose-gold"') == 3 and "设为质检题" in page
    chosen = browser.post(
        f"/projects/{project}/gold/{items[1]}", data={"label": "负面"}, follow_redirects=True
    )
    assert chosen.status_code == 200 and chosen.text.count('class="inline choose-gold"') == 2
    listed = world.api(email).get(f"/api/v1/projects/{project}/gold").json
    assert [(g["item_id"], g["answer"]) for g in listed] == [(items[1], {"label": "负面"})]
    bad = browser.post(
        f"/projects/{project}/gold/{items[0]}?lang=zh_CN",
        data={"label": "没有这个标签"},
        follow_redirects=True,
    )
    assert 'class="flash flash-error"' in bad.text
    assert len(world.api(email).get(f"/api/v1/projects/{project}/gold").json) == 1


def test_a_csv_body_of_stray_bytes_is_refused_not_a_server_error(world: World) -> None:
    """Schemathesis sent a carriage return and two stray characters as a text/csv body."""
    vendor = world.vendor_api()
    project = world.project(vendor, ["一。", "二。"], overlap=1)
    for body in ("\rÐ\x94".encode(), b'item_id,label\r\n1,"\r\x00', b"\r\r\r"):
        response = vendor.client.post(
            f"/api/v1/projects/{project}/gold",
            data=body,
            headers={**vendor._headers(), "Content-Type": "text/csv"},
        )
        assert response.status_code == 422, (body, response.status_code)
        assert response.json["error"]["message"]
    assert vendor.get(f"/api/v1/projects/{project}/gold").json == []
