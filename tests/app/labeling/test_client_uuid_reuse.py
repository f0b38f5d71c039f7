"""A client_uuid names one answer: the same answer again is the same row, a different answer
under it is a 409 that shows what was stored (issue 14, section 4)."""

from __future__ import annotations

import uuid

from tests.app.builders import Api, World


def _claimed(world: World) -> tuple[Api, int]:
    vendor = world.vendor_api()
    project = world.project(vendor, ["一。", "二。"], overlap=1)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    return expert, task


def test_the_same_uuid_with_a_different_answer_is_409_with_the_stored_one(world: World) -> None:
    expert, task = _claimed(world)
    key = str(uuid.uuid4())
    url = f"/api/v1/tasks/{task}/annotations"
    first = expert.post(url, {"result": {"label": "正面"}, "client_uuid": key})
    assert first.status_code == 201
    other = expert.post(url, {"result": {"label": "负面"}, "client_uuid": key})
    assert other.status_code == 409
    error = other.json["error"]
    assert error["code"] == "client_uuid_reused"
    assert error["details"] == [{"id": first.json["id"], "result": {"label": "正面"}}]
    assert "client_uuid" in error["message"]


def test_the_same_uuid_with_the_same_answer_stays_idempotent(world: World) -> None:
    expert, task = _claimed(world)
    key = str(uuid.uuid4())
    url = f"/api/v1/tasks/{task}/annotations"
    first = expert.post(url, {"result": {"label": "正面"}, "client_uuid": key})
    again = expert.post(url, {"result": {"label": "正面"}, "client_uuid": key})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json["id"] == first.json["id"]
