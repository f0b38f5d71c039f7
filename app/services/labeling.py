"""Claiming task slots: leases, gold items, daily caps, pauses, heartbeats and skips.

A claim runs in one write transaction (``BEGIN IMMEDIATE`` on SQLite; ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL), so two experts never hold the same slot and no item gets more than k
answers. ``UNIQUE(task_id, annotator_id)`` keeps an expert from seeing an item twice. Gold
items are served at the project's ratio, to every expert once, and never take a slot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select, update

from app.extensions import db
from app.models import Annotation, Assignment, Item, Project, Task, User
from app.services.audit import record_event
from app.services.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.gold import gold_record
from app.services.projects import get_open_project, project_config
from app.services.transactions import as_utc, begin_write, database_now
from tasks import (
    ProjectConfig,
    daily_cap_reached,
    expert_is_paused,
    in_qualification,
    lease_expiry,
    option_value,
    should_serve_gold,
)

BEIJING = timedelta(hours=8)


@dataclass(frozen=True)
class Claim:
    """A leased task slot and what the workbench shows."""

    task_id: int
    item_id: int | None  # None for a collection slot: ``text`` is then the project's prompt
    text: str
    lease_expires_at: datetime
    image_size: tuple[int, int] | None = None


def _skip_locked(stmt: Any) -> Any:
    if db.session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True)
    return stmt


def _release_expired(project_id: int, now: datetime) -> None:
    stale = db.session.scalars(_skip_locked(
        select(Assignment).where(Assignment.project_id == project_id,
                                 Assignment.status == "leased",
                                 Assignment.lease_expires_at <= now)))
    for assignment in stale:
        assignment.status = "expired"
        _free_slot(assignment.task_id)


def _free_slot(task_id: int) -> None:
    db.session.execute(update(Task).where(Task.id == task_id, Task.is_gold.is_(False))
                       .values(slots_taken=Task.slots_taken - 1))


def _live_lease(project_id: int, annotator_id: int, now: datetime) -> Assignment | None:
    return db.session.scalar(select(Assignment).where(
        Assignment.project_id == project_id, Assignment.annotator_id == annotator_id,
        Assignment.status == "leased", Assignment.lease_expires_at > now))


def _not_taken_by(annotator_id: int) -> Any:
    """The task has no live or finished assignment of this expert (UNIQUE index lookup)."""
    return ~exists().where(Assignment.task_id == Task.id,
                           Assignment.annotator_id == annotator_id,
                           Assignment.status != "expired")


def _next_task(project: Project, annotator_id: int) -> Task | None:
    # Items closest to k answers first, so complete items accumulate early: one indexed
    # lookup per slot count (k ≤ 5) instead of sorting every open task.
    for slots in range(project.overlap - 1, -1, -1):
        task = db.session.scalar(_skip_locked(
            select(Task).where(Task.project_id == project.id, Task.is_gold.is_(False),
                               Task.slots_taken == slots, _not_taken_by(annotator_id))
            .order_by(Task.id).limit(1)))
        if task is not None:
            return task
    return None


def _unseen_gold(project: Project, annotator_id: int) -> Task | None:
    return db.session.scalar(
        select(Task).where(Task.project_id == project.id, Task.is_gold.is_(True),
                           _not_taken_by(annotator_id))
        .order_by(Task.id).limit(1))


def _qualifying(project: Project, annotator_id: int) -> bool:
    """True while the expert still takes the project's qualification test."""
    size = option_value(project_config(project), "qualification_size")
    if not size:
        return False
    gold_items = db.session.scalar(select(func.count()).where(
        Task.project_id == project.id, Task.is_gold.is_(True))) or 0
    return in_qualification(gold_record(project.id, annotator_id)[1], min(size, gold_items))


def _next_gold_task(project: Project, annotator_id: int) -> Task | None:
    """A gold item the expert has not seen, when the project's ratio calls for one."""
    ratio = option_value(project_config(project), "gold_ratio")
    if not ratio:
        return None
    served = db.session.execute(
        select(func.count(), func.count().filter(Task.is_gold.is_(True)))
        .select_from(Assignment).join(Task, Task.id == Assignment.task_id)
        .where(Assignment.project_id == project.id, Assignment.annotator_id == annotator_id,
               Assignment.status != "expired")).one()
    if not should_serve_gold(served[0], served[1], ratio):
        return None
    return _unseen_gold(project, annotator_id)


def _lease(task: Task, project: Project, annotator_id: int, now: datetime) -> Assignment:
    expires = lease_expiry(now, project.lease_seconds)
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.task_id == task.id, Assignment.annotator_id == annotator_id))
    if assignment is None:
        assignment = Assignment(task_id=task.id, project_id=project.id,
                                annotator_id=annotator_id, leased_at=now,
                                lease_expires_at=expires)
        db.session.add(assignment)
    else:  # the expert's own earlier lease had expired; it comes back to them
        assignment.status, assignment.leased_at, assignment.lease_expires_at = (
            "leased", now, expires)
    if not task.is_gold:
        task.slots_taken += 1
    return assignment


def _claim_of(assignment: Assignment, project: Project) -> Claim:
    if assignment.task.item_id is None:
        prompt = option_value(project_config(project), "prompt")
        return Claim(assignment.task_id, None, prompt, as_utc(assignment.lease_expires_at))
    item = db.session.get(Item, assignment.task.item_id)
    assert item is not None
    return Claim(assignment.task_id, item.id, item.text, as_utc(assignment.lease_expires_at),
                 item.image_size)


def _uses_gold(config: ProjectConfig) -> bool:
    return bool(option_value(config, "gold_ratio") or option_value(config, "qualification_size"))


def _check_may_claim(expert: User, project: Project, now: datetime) -> None:
    config = project_config(project)
    if _uses_gold(config):  # the counts cost a query; skip them where they cannot matter
        correct, total = gold_record(project.id, expert.id)
        pass_mark = option_value(config, "gold_pass_mark")
        min_items = option_value(config, "qualification_size") or 5
        if expert_is_paused(correct, total, pass_mark, min_items):
            raise Forbidden(_l("This project is paused for you: %(correct)d of %(total)d "
                               "check items were right, below the pass mark of %(mark)d%%.",
                               correct=correct, total=total, mark=round(pass_mark * 100)),
                            code="paused")
    cap = option_value(config, "daily_cap")
    if cap is None:
        return
    day_start = (now + BEIJING).replace(hour=0, minute=0, second=0, microsecond=0) - BEIJING
    done_today = db.session.scalar(select(func.count()).where(
        Annotation.project_id == project.id, Annotation.annotator_id == expert.id,
        Annotation.created_at >= day_start)) or 0
    if daily_cap_reached(done_today, cap):
        raise Forbidden(_l("You reached today's limit for this project. Thank you — come "
                           "back tomorrow."), code="daily_cap")


def claim_next_task(expert: User, project_id: int) -> Claim | None:
    """Lease the expert's next task slot in a project, or None when nothing is left for them.

    An expert holding a live lease gets that task again (a reloaded page keeps its draft).
    Raises NotFound (project not open to the expert) or Forbidden (paused by gold accuracy,
    or the daily cap reached).
    """
    begin_write()
    project = get_open_project(expert, project_id)
    now = database_now()
    assignment = _live_lease(project.id, expert.id, now)
    if assignment is None:
        _check_may_claim(expert, project, now)
        _release_expired(project.id, now)
        if _qualifying(project, expert.id):  # the qualification test: check items only
            task = _unseen_gold(project, expert.id)
        else:
            task = _next_task(project, expert.id)
            if task is not None:
                task = _next_gold_task(project, expert.id) or task
        if task is None:
            db.session.commit()
            return None
        assignment = _lease(task, project, expert.id, now)
    db.session.flush()
    claim = _claim_of(assignment, project)
    db.session.commit()
    return claim


def live_assignment(expert: User, task_id: int, now: datetime) -> Assignment:
    """The expert's live lease on a task; NotFound or Conflict (``lease_expired``)."""
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.task_id == task_id, Assignment.annotator_id == expert.id))
    if assignment is None:
        raise NotFound(_l("This task is not leased to you."))
    if assignment.status != "leased" or as_utc(assignment.lease_expires_at) <= now:
        raise Conflict(_l("Your lease on this task expired. Your draft is kept; claim the "
                          "task again to submit it."), code="lease_expired")
    return assignment


def extend_lease(expert: User, task_id: int) -> datetime:
    """Heartbeat from an open workbench: push the lease end out by the project's lease time.

    Raises NotFound (not the expert's task) or Conflict (the lease already ran out).
    """
    begin_write()
    now = database_now()
    assignment = live_assignment(expert, task_id, now)
    project = db.session.get(Project, assignment.project_id)
    assert project is not None
    assignment.lease_expires_at = lease_expiry(now, project.lease_seconds)
    expires = as_utc(assignment.lease_expires_at)
    db.session.commit()
    return expires


def skip_task(expert: User, task_id: int, reason: str) -> None:
    """Give a leased task back with a reason; the expert is not offered it again.

    Raises Invalid (no reason), NotFound or Conflict as :func:`extend_lease`.
    """
    reason = reason.strip()
    if not reason:
        raise Invalid(_l("Please give a reason for skipping."), code="no_reason")
    begin_write()
    assignment = live_assignment(expert, task_id, database_now())
    assignment.status = "skipped"
    _free_slot(task_id)
    record_event("task_skipped", expert, object_type="task", object_id=task_id,
                 reason=reason[:500])
    db.session.commit()
