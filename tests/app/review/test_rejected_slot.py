"""A rejected contribution gives its slot back: a collection project asking for N contributions
opens a new slot for every one rejected, so it still collects N. Another expert or the same one
(the claim rules decide) takes it; the expert's list keeps the rejected one with its reason;
the project's counts (asked for, complete, pending, accepted) stay right; and at once, two
deciders of one contribution open one slot and two experts never share it."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.app.builders import Api, World, login
from tests.app.labeling.claim_client import call
from tests.app.review.collected import collect_project, contribute, contribution_ids, decide
from tests.conftest import serve_in_thread

REASON = "内容与就医无关。"


def open_slots(app: Any, project: int) -> int:
    """Slots of the project no contribution fills yet."""
    from app.extensions import db
    from app.models import Task

    with app.app_context():
        return int(
            db.session.scalar(
                select(func.count()).where(Task.project_id == project, Task.item_id.is_(None))
            )
            or 0
        )


def progress(vendor: Api, project: int) -> tuple[int, int]:
    quality = vendor.get(f"/api/v1/projects/{project}/quality").json
    return quality["items_complete"], quality["items_total"]


def test_the_rejected_slot_is_claimed_again_and_the_counts_stay_right(
    any_db_app: Any, any_db_world: World
) -> None:
    world = any_db_world
    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor, contributions=2)
    first_expert = world.api(world.user("expert"))
    contribute(first_expert, project, "上周在合肥看了骨科。")
    contribute(first_expert, project, "带孩子去社区打疫苗。")
    assert first_expert.post(f"/api/v1/projects/{project}/claim").status_code == 204
    other = world.api(world.user("expert"))
    assert other.post(f"/api/v1/projects/{project}/claim").status_code == 204
    assert progress(vendor, project) == (2, 2)
    rejected, kept = contribution_ids(vendor, project)
    assert decide(vendor, project, rejected, "reject", REASON).status_code == 200

    assert open_slots(any_db_app, project) == 1
    assert progress(vendor, project) == (1, 2), "asked for 2: 1 pending, 1 open again"
    claim = other.post(f"/api/v1/projects/{project}/claim")
    assert claim.status_code == 200 and claim.json["item"]["prompt"] is True
    sent = other.post(
        f"/api/v1/tasks/{claim.json['task_id']}/annotations",
        {"result": {"text": "夜里发烧去了急诊。"}, "client_uuid": str(uuid.uuid4())},
    )
    assert sent.status_code == 201, sent.json
    assert first_expert.post(f"/api/v1/projects/{project}/claim").status_code == 204
    assert open_slots(any_db_app, project) == 0
    assert progress(vendor, project) == (2, 2)

    mine = first_expert.get("/api/v1/contributions/mine").json
    assert mine["counts"] == {"pending": 1, "accepted": 0, "rejected": 1}
    by_id = {row["id"]: row for row in mine["contributions"]}
    assert (by_id[rejected]["status"], by_id[rejected]["reason"]) == ("rejected", REASON)
    assert by_id[kept]["status"] == "pending"
    overall = vendor.get(f"/api/v1/projects/{project}/quality").json["acceptance"]["overall"]
    assert (overall["wanted"], overall["pending"], overall["rejected"]) == (2, 2, 1)
    listed = vendor.get(f"/api/v1/projects/{project}/contributions").json
    assert listed["counts"] == {"pending": 2, "accepted": 0, "rejected": 1}


def test_the_same_expert_may_take_the_reopened_slot(world: World) -> None:
    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor, contributions=1)
    expert = world.api(world.user("expert"))
    contribute(expert, project, "上周在合肥看了骨科。")
    (rejected,) = contribution_ids(vendor, project)
    assert decide(vendor, project, rejected, "reject", REASON).status_code == 200
    contribute(expert, project, "上周在合肥看了骨科，医生建议理疗。")
    accepted = contribution_ids(vendor, project)
    assert len(accepted) == 1 and accepted != [rejected]
    assert decide(vendor, project, accepted[0], "accept").status_code == 200
    assert expert.post(f"/api/v1/projects/{project}/claim").status_code == 204
    assert progress(vendor, project) == (1, 1)
    tasks = vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    assert Counter(task["status"] for task in tasks) == {"complete": 1, "rejected": 1}


def test_an_accepted_one_or_a_refused_rejection_opens_nothing(world: World) -> None:
    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor, contributions=2)
    expert = world.api(world.user("expert"))
    contribute(expert, project, "上周在合肥看了骨科。")
    contribute(expert, project, "带孩子去社区打疫苗。")
    first, second = contribution_ids(vendor, project)
    assert decide(vendor, project, first, "accept").status_code == 200
    no_reason = decide(vendor, project, second, "reject", "  ")
    assert (no_reason.status_code, no_reason.json["error"]["code"]) == (422, "no_reason")
    assert "驳回的理由" in no_reason.json["error"]["message"]
    assert decide(vendor, project, first, "reject", REASON).status_code == 409
    assert open_slots(world.app, project) == 0
    assert progress(vendor, project) == (2, 2)
    assert expert.post(f"/api/v1/projects/{project}/claim").status_code == 204


def test_the_pages_show_the_reopened_slot_and_the_reason(world: World) -> None:
    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    project, _corpus = collect_project(world, vendor, contributions=2)
    expert_email = world.user("expert")
    expert = world.api(expert_email)
    contribute(expert, project, "上周在合肥看了骨科。")
    contribute(expert, project, "带孩子去社区打疫苗。")
    rejected, _kept = contribution_ids(vendor, project)
    client = world.app.test_client()
    login(client, vendor_email)
    page = client.get(f"/review/{project}/contributions").get_data(as_text=True)
    assert "驳回后该名额重新开放，项目仍能征集到计划的数量。" in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    done = client.post(
        f"/review/{project}/contributions/{rejected}",
        data={"decision": "reject", "reason": REASON, "csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已驳回" in done
    shown = client.get(f"/projects/{project}").get_data(as_text=True)
    assert 'id="items-complete">1 / 2<' in shown
    report = client.get(f"/projects/{project}/quality").get_data(as_text=True)
    assert 'id="acceptance-pending">1<' in report and "计划征集 2 条" in report

    mine = world.app.test_client()
    login(mine, expert_email)
    listing = mine.get("/annotate/contributions").get_data(as_text=True)
    assert REASON in listing and 'id="my-rejected">1<' in listing
    bench = mine.get(f"/annotate/{project}").get_data(as_text=True)
    assert 'id="done-count">2<' in bench and 'id="total-count">3<' in bench


@pytest.fixture
def served(any_db_app: Any) -> Iterator[str]:
    with serve_in_thread(any_db_app) as base:
        yield base


def at_once(calls: list[Any]) -> list[Any]:
    """Run the calls from threads released at the same instant; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_simultaneous_decisions_and_claims_never_duplicate_a_slot(
    any_db_app: Any, any_db_world: World, served: str
) -> None:
    world = any_db_world
    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor, contributions=3)
    expert = world.api(world.user("expert"))
    for text in ("上周在合肥看了骨科。", "带孩子去社区打疫苗。", "夜里发烧去了急诊。"):
        contribute(expert, project, text)
    first, second, _third = contribution_ids(vendor, project)
    url = f"{served}/api/v1/projects/{project}/contributions/%d/decision"
    body = {"decision": "reject", "reason": REASON}
    statuses = at_once(
        [lambda c=c: call(url % c, vendor.token, body)[0] for c in (first, second) * 3]
    )
    assert sorted(statuses) == [200, 200, 409, 409, 409, 409]
    assert open_slots(any_db_app, project) == 2

    tokens = [world.api(world.user("expert")).token for _ in range(6)]
    claims = at_once(
        [lambda t=t: call(f"{served}/api/v1/projects/{project}/claim", t) for t in tokens]
    )
    taken = [body["task_id"] for status, body in claims if status == 200]
    assert len(taken) == len(set(taken)) == 2
    assert sorted(status for status, _ in claims) == [200, 200, 204, 204, 204, 204]
    assert progress(vendor, project) == (1, 3)
