"""The walking skeleton over the API: upload → project → claim/submit → agreement."""

from __future__ import annotations

import uuid

from tests.app.builders import World

TEXTS = ["今天天气很好。", "这个政策非常有用。", "服务太差了。"]


def submit(api, task_id, label, key=None):
    return api.post(
        f"/api/v1/tasks/{task_id}/annotations",
        {"result": {"label": label}, "client_uuid": key or str(uuid.uuid4())},
    )


def test_two_experts_label_everything_and_alpha_appears(any_db_world: World) -> None:
    vendor = any_db_world.vendor_api()
    project = any_db_world.project(vendor, TEXTS, overlap=2)
    experts = [any_db_world.api(any_db_world.user("expert")) for _ in range(2)]
    seen: dict[int, set[int]] = {0: set(), 1: set()}
    for index, expert in enumerate(experts):
        while (claim := expert.post(f"/api/v1/projects/{project}/claim")).status_code == 200:
            item = claim.json["item"]
            assert item["id"] not in seen[index], "an expert saw the same item twice"
            seen[index].add(item["id"])
            label = "正面" if "好" in item["text"] or "有用" in item["text"] else "负面"
            assert submit(expert, claim.json["task_id"], label).status_code == 201
        assert claim.status_code == 204
    assert len(seen[0]) == len(seen[1]) == 3
    quality = vendor.get(f"/api/v1/projects/{project}/quality").json
    assert {
        k: quality[k]
        for k in ("items_total", "items_complete", "annotations", "krippendorff_alpha")
    } == {"items_total": 3, "items_complete": 3, "annotations": 6, "krippendorff_alpha": 1.0}
    assert quality["report"]["review_total"] == 0


def test_no_item_gets_more_than_k_answers(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS[:1], overlap=1)
    first, second = (world.api(world.user("expert")) for _ in range(2))
    claim = first.post(f"/api/v1/projects/{project}/claim")
    assert claim.status_code == 200
    assert second.post(f"/api/v1/projects/{project}/claim").status_code == 204


def test_reclaim_returns_the_live_lease(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS)
    expert = world.api(world.user("expert"))
    first = expert.post(f"/api/v1/projects/{project}/claim").json
    again = expert.post(f"/api/v1/projects/{project}/claim").json
    assert again["task_id"] == first["task_id"]


def test_same_client_uuid_gives_one_annotation(any_db_world: World) -> None:
    vendor = any_db_world.vendor_api()
    project = any_db_world.project(vendor, TEXTS)
    expert = any_db_world.api(any_db_world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    key = str(uuid.uuid4())
    first = submit(expert, task, "正面", key)
    second = submit(expert, task, "正面", key)
    assert first.status_code == second.status_code == 201
    assert first.json["id"] == second.json["id"]
    assert vendor.get(f"/api/v1/projects/{project}/quality").json["annotations"] == 1


def test_second_answer_to_same_task_is_a_conflict(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    assert submit(expert, task, "正面").status_code == 201
    response = submit(expert, task, "负面")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "already_submitted"


def test_label_not_in_project_is_refused(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    response = submit(expert, task, "<script>")
    assert response.status_code == 422
    assert "<script>" in response.json["error"]["message"]
    assert vendor.get(f"/api/v1/projects/{project}/quality").json["annotations"] == 0


def test_submit_for_task_not_leased_to_you_is_404(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS)
    owner, other = (world.api(world.user("expert")) for _ in range(2))
    task = owner.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    response = submit(other, task, "正面")
    assert response.status_code == 404
    assert response.json["error"]["message"]


def test_submit_after_lease_expired_is_409(app, world: World) -> None:
    from sqlalchemy import update

    from app.extensions import db
    from app.models import Assignment

    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    with app.app_context():
        db.session.execute(
            update(Assignment).values(lease_expires_at=Assignment.leased_at)
        )  # the lease ran out
        db.session.commit()
    response = submit(expert, task, "正面")
    assert response.status_code == 409
    assert response.json["error"]["code"] == "lease_expired"
    # Claiming again gives the same task back, and now the draft can be submitted.
    again = expert.post(f"/api/v1/projects/{project}/claim").json
    assert again["task_id"] == task
    assert submit(expert, task, "正面").status_code == 201


def test_bad_client_uuid_is_422(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS)
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
    response = submit(expert, task, "正面", key="not-a-uuid")
    assert response.status_code == 422


def test_quality_alpha_is_null_before_overlap(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS)
    assert vendor.get(f"/api/v1/projects/{project}/quality").json["krippendorff_alpha"] is None


def test_heartbeat_extends_the_lease_and_skip_gives_the_task_back(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS[:1], overlap=1)
    first, second = (world.api(world.user("expert")) for _ in range(2))
    claim = first.post(f"/api/v1/projects/{project}/claim").json
    beat = first.post(f"/api/v1/tasks/{claim['task_id']}/heartbeat")
    assert beat.status_code == 200
    assert beat.json["lease_expires_at"] >= claim["lease_expires_at"]
    assert second.post(f"/api/v1/tasks/{claim['task_id']}/heartbeat").status_code == 404
    assert first.post(f"/api/v1/tasks/{claim['task_id']}/skip", {"reason": " "}).status_code == 422
    assert (
        first.post(
            f"/api/v1/tasks/{claim['task_id']}/skip", {"reason": "不属于我的领域"}
        ).status_code
        == 204
    )
    assert first.post(f"/api/v1/projects/{project}/claim").status_code == 204
    assert second.post(f"/api/v1/projects/{project}/claim").json["task_id"] == claim["task_id"]


def test_task_list_filters_sorts_and_pages(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, [f"第{i}条。" for i in range(60)], overlap=1)
    expert = world.api(world.user("expert"))
    answered = []
    for label in ("正面", "负面"):
        task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
        assert submit(expert, task, label).status_code == 201
        answered.append(task)
    first = vendor.get(f"/api/v1/projects/{project}/tasks").json
    assert len(first["tasks"]) == 50 and first["has_next"] is True
    assert vendor.get(f"/api/v1/projects/{project}/tasks?page=2").json["has_next"] is False
    done = vendor.get(f"/api/v1/projects/{project}/tasks?status=complete").json["tasks"]
    assert sorted(t["id"] for t in done) == sorted(answered)
    newest = vendor.get(f"/api/v1/projects/{project}/tasks?status=complete&sort=-last_answer_at")
    assert [t["id"] for t in newest.json["tasks"]] == answered[::-1]
    negative = vendor.get(f"/api/v1/projects/{project}/tasks?label=负面").json["tasks"]
    assert [t["id"] for t in negative] == [answered[1]]
    for bad in (
        "sort=user__password",
        "status=deleted",
        "page=0",
        "annotator=1;drop",
        "order_by=id",
    ):
        response = vendor.get(f"/api/v1/projects/{project}/tasks?{bad}")
        assert response.status_code == 400, bad
    assert expert.get(f"/api/v1/projects/{project}/tasks").status_code == 404
