"""An expert who claims while another expert's claim holds the last open task (PostgreSQL).

``SKIP LOCKED`` passes over a task another transaction holds. When that task still keeps a
slot for this expert once the other claim commits (k > 1), the expert must get it, not
"nothing left": otherwise the last slot of an item stays open after every expert has gone
home. And when the other claim took the last slot, the expert is told "nothing left" then."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from tests.app.builders import World
from tests.conftest import S3, _dispose, database_url, make_app

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(tmp_path: Path, s3_server: S3) -> Iterator[Any]:
    application = make_app(tmp_path, s3_server, database_url("postgresql", tmp_path))
    yield application
    _dispose(application)


def _claim_while_another_claim_holds_the_task(app: Any, overlap: int) -> tuple[int, int]:
    """Another claim takes a slot of the project's only task and holds it; the expert claims
    meanwhile; the other claim commits once the expert's claim waits (or has answered).
    Returns the expert's status and the task's slots taken at the end."""
    from app.extensions import db
    from app.models import Task

    world = World(app)
    project = world.project(world.vendor_api(), ["唯一的一条文字。"], overlap=overlap)
    expert = world.api(world.user("expert"))
    with app.app_context():
        task_id = db.session.scalar(select(Task.id).where(Task.project_id == project))
        db.session.remove()
        engine = db.engine
    statuses: list[int] = []
    claiming = threading.Thread(
        target=lambda: statuses.append(expert.post(f"/api/v1/projects/{project}/claim").status_code)
    )
    with engine.connect() as other, engine.connect() as watcher:
        other.execute(
            text("UPDATE task SET slots_taken = slots_taken + 1 WHERE id = :id"), {"id": task_id}
        )
        claiming.start()
        deadline = time.monotonic() + 60
        while claiming.is_alive() and time.monotonic() < deadline:
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
            watcher.rollback()
            if waiting:
                break
            time.sleep(0.05)
        other.commit()
    claiming.join(timeout=60)
    with app.app_context():
        slots = db.session.scalar(select(Task.slots_taken).where(Task.id == task_id))
        db.session.remove()
    return statuses[0], int(slots or 0)


def test_a_slot_left_behind_a_held_task_is_given_after_the_wait(pg_app: Any) -> None:
    status, slots = _claim_while_another_claim_holds_the_task(pg_app, overlap=2)
    assert status == 200, "the expert was sent away while the item kept a slot for them"
    assert slots == 2


def test_when_the_held_task_took_its_last_slot_nothing_is_left(pg_app: Any) -> None:
    status, slots = _claim_while_another_claim_holds_the_task(pg_app, overlap=1)
    assert status == 204
    assert slots == 1, "a task got more slots than k"
