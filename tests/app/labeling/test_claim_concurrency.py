"""Many experts claiming and submitting at once over real HTTP: no duplicate slot, nothing lost."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app.builders import World
from tests.app.labeling.claim_client import call
from tests.app.review.collected import accept_all, contribution_ids
from tests.conftest import serve_in_thread


@pytest.fixture
def served(any_db_app: Any) -> Iterator[str]:
    with serve_in_thread(any_db_app) as base:
        yield base


def claim_and_submit(
    base: str, project: int, token: str, barrier: threading.Barrier, claimed: list[int]
) -> None:
    """One expert: wait for the others, claim at the same instant, then submit."""
    barrier.wait()
    status, body = call(f"{base}/api/v1/projects/{project}/claim", token)
    if status != 200:
        return
    claimed.append(body["task_id"])
    call(
        f"{base}/api/v1/tasks/{body['task_id']}/annotations",
        token,
        {"result": {"label": "正面"}, "client_uuid": str(uuid.uuid4())},
    )


def test_simultaneous_claims_never_share_a_slot(any_db_world: World, served: str) -> None:
    vendor = any_db_world.vendor_api()
    project = any_db_world.project(vendor, [f"第{i}段文字。" for i in range(60)], overlap=1)
    tokens = [any_db_world.api(any_db_world.user("expert")).token for _ in range(16)]
    for _round in range(3):
        barrier = threading.Barrier(len(tokens))
        claimed: list[int] = []
        threads = [
            threading.Thread(target=claim_and_submit, args=(served, project, t, barrier, claimed))
            for t in tokens
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(claimed) == len(tokens), "an expert got no task although items were left"
        assert len(set(claimed)) == len(tokens), "two experts got the same slot"


def test_hammering_claim_and_submit_fills_every_item_exactly_k_times(
    any_db_app: Any, any_db_world: World, served: str
) -> None:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Annotation

    vendor = any_db_world.vendor_api()
    project = any_db_world.project(vendor, [f"条目{i}：内容。" for i in range(40)], overlap=3)
    tokens = [any_db_world.api(any_db_world.user("expert")).token for _ in range(10)]
    errors: list[Any] = []

    def work(token: str) -> None:
        while True:
            status, body = call(f"{served}/api/v1/projects/{project}/claim", token)
            if status == 204:
                return
            if status != 200:
                errors.append(body)
                return
            key = str(uuid.uuid4())
            for _attempt in range(2):  # a retried submit must not create a second row
                status, answer = call(
                    f"{served}/api/v1/tasks/{body['task_id']}/annotations",
                    token,
                    {"result": {"label": "负面"}, "client_uuid": key},
                )
                if status != 201:
                    errors.append(answer)

    threads = [threading.Thread(target=work, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with any_db_app.app_context():
        rows = db.session.execute(
            select(Annotation.item_id, Annotation.annotator_id).where(
                Annotation.project_id == project
            )
        ).all()
        per_item = Counter(item for item, _ in rows)
        assert len(rows) == len(set(rows)), "an expert answered the same item twice"
        assert set(per_item.values()) == {3} and len(per_item) == 40
        assert db.session.scalar(select(func.count()).select_from(Annotation)) == 120


CLIENT = Path(__file__).with_name("claim_client.py")


def run_expert_processes(
    base: str, project: int, tokens: list[str], processes: int
) -> list[dict[str, Any]]:
    """Start ``processes`` OS processes, each driving its share of the experts, at one instant."""
    start_at = time.time() + 1.0
    shares = [tokens[i::processes] for i in range(processes)]
    children = [
        subprocess.Popen(  # noqa: S603 - our own client script
            [sys.executable, str(CLIENT), base, str(project), str(start_at), *share],
            stdout=subprocess.PIPE,
            text=True,
        )
        for share in shares
    ]
    logs = []
    for child in children:
        out, _ = child.communicate(timeout=120)
        assert child.returncode == 0
        logs.append(json.loads(out.strip().splitlines()[-1]))
    return logs


def test_expert_processes_never_share_a_slot_or_lose_an_answer(
    any_db_app: Any, any_db_world: World, served: str
) -> None:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Annotation

    vendor = any_db_world.vendor_api()
    project = any_db_world.project(vendor, [f"进程{i}：内容。" for i in range(24)], overlap=2)
    tokens = [any_db_world.api(any_db_world.user("expert")).token for _ in range(12)]
    logs = run_expert_processes(served, project, tokens, processes=6)
    claims = [tuple(claim) for log in logs for claim in log["claims"]]
    submits = [submit for log in logs for submit in log["submits"]]
    assert [refusal for log in logs for refusal in log["claim_refusals"]] == []
    assert len(claims) == len(set(claims)), "an expert was given the same task twice"
    assert max(Counter(task for _, task in claims).values()) <= 2, "a task had more than k slots"
    assert len(claims) == 24 * 2, "every slot was claimed once the experts were done"
    by_uuid: dict[str, set[int]] = {}
    for _task, key, status, answer_id, code in submits:
        assert status == 201, (status, code)
        by_uuid.setdefault(key, set()).add(answer_id)
    assert all(len(ids) == 1 for ids in by_uuid.values()), "a retry got a second answer"
    with any_db_app.app_context():
        rows = db.session.execute(
            select(Annotation.id, Annotation.client_uuid, Annotation.item_id).where(
                Annotation.project_id == project
            )
        ).all()
    assert {key: {row_id} for row_id, key, _ in rows} == by_uuid, "every 201 is stored, once"
    assert set(Counter(item for _, _, item in rows).values()) == {2}


def test_simultaneous_contributions_are_all_counted_with_distinct_numbers(
    any_db_app: Any, any_db_world: World, served: str
) -> None:
    """Eight experts contribute to one corpus at the same instant: eight new items, eight
    distinct sequence numbers, and the corpus counts every one of them."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item

    vendor = any_db_world.vendor_api()
    target = any_db_world.ready_corpus(vendor, ["已有的一条。"])
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "同时投稿",
            "corpus_id": target,
            "type": "collect",
            "overlap": 1,
            "prompt": "请写一句话。",
            "contributions": 8,
        },
    ).json["id"]
    tokens = [any_db_world.api(any_db_world.user("expert")).token for _ in range(8)]
    tasks = [
        call(f"{served}/api/v1/projects/{project}/claim", token)[1]["task_id"] for token in tokens
    ]
    barrier = threading.Barrier(len(tokens))
    statuses: list[int] = []

    def contribute(index: int) -> None:
        barrier.wait()
        status, _ = call(
            f"{served}/api/v1/tasks/{tasks[index]}/annotations",
            tokens[index],
            {"result": {"text": f"第{index}位专家的投稿。"}, "client_uuid": str(uuid.uuid4())},
        )
        statuses.append(status)

    threads = [threading.Thread(target=contribute, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201] * len(tokens)
    assert len(contribution_ids(vendor, project)) == len(tokens), "each waits for review"
    accept_all(vendor, project)
    assert vendor.get(f"/api/v1/corpora/{target}").json["item_count"] == 1 + len(tokens)
    with any_db_app.app_context():
        seqs = list(db.session.scalars(select(Item.seq).where(Item.corpus_id == target)))
    assert sorted(seqs) == list(range(1, len(tokens) + 2))
