"""The claim → submit loop: leasing task slots to experts and storing their answers.

A claim runs in one write transaction (``BEGIN IMMEDIATE`` on SQLite; ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL), so two experts never hold the same slot and no item gets more than k
answers. ``UNIQUE(task_id, annotator_id)`` keeps an expert from seeing an item twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Annotation, Assignment, Item, Project, Task, User
from app.services.audit import record_event
from app.services.errors import Conflict, Invalid, NotFound
from app.services.projects import get_open_project
from app.services.rule_messages import rule_message
from app.services.transactions import as_utc, begin_write, database_now
from tasks import InvalidAnswer, ProjectConfig, lease_expiry, task_type


@dataclass(frozen=True)
class Claim:
    """A leased task slot and what the workbench shows."""

    task_id: int
    item_id: int
    text: str
    lease_expires_at: datetime


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
        db.session.execute(update(Task).where(Task.id == assignment.task_id)
                           .values(slots_taken=Task.slots_taken - 1))


def _live_lease(project_id: int, annotator_id: int, now: datetime) -> Assignment | None:
    return db.session.scalar(select(Assignment).where(
        Assignment.project_id == project_id, Assignment.annotator_id == annotator_id,
        Assignment.status == "leased", Assignment.lease_expires_at > now))


def _next_task(project: Project, annotator_id: int) -> Task | None:
    taken_by_me = select(Assignment.task_id).where(
        Assignment.project_id == project.id, Assignment.annotator_id == annotator_id,
        Assignment.status != "expired")
    # Items closest to k answers first, so complete items accumulate early.
    return db.session.scalar(_skip_locked(
        select(Task).where(Task.project_id == project.id, Task.slots_taken < project.overlap,
                           Task.id.not_in(taken_by_me))
        .order_by(Task.slots_taken.desc(), Task.id).limit(1)))


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
    task.slots_taken += 1
    return assignment


def _claim_of(assignment: Assignment) -> Claim:
    item = db.session.get(Item, assignment.task.item_id)
    assert item is not None
    return Claim(assignment.task_id, item.id, item.text, as_utc(assignment.lease_expires_at))


def claim_next_task(expert: User, project_id: int) -> Claim | None:
    """Lease the expert's next task slot in a project, or None when nothing is left for them.

    An expert holding a live lease gets that task again (a reloaded page keeps its draft).
    Raises NotFound when the project is not open to the expert.
    """
    begin_write()
    project = get_open_project(expert, project_id)
    now = database_now()
    assignment = _live_lease(project.id, expert.id, now)
    if assignment is None:
        _release_expired(project.id, now)
        task = _next_task(project, expert.id)
        if task is None:
            db.session.commit()
            return None
        assignment = _lease(task, project, expert.id, now)
    db.session.flush()
    claim = _claim_of(assignment)
    db.session.commit()
    return claim


def _parse_uuid(client_uuid: object) -> str:
    try:
        return str(uuid.UUID(str(client_uuid)))
    except ValueError:
        raise Invalid(_l("client_uuid must be a UUID."), code="bad_client_uuid") from None


def _replayed(client_uuid: str, expert: User, task_id: int) -> Annotation | None:
    existing = db.session.scalar(select(Annotation).where(Annotation.client_uuid == client_uuid))
    if existing is not None and (existing.annotator_id, existing.task_id) != (expert.id, task_id):
        raise Conflict(_l("This client_uuid was already used for another answer."))
    return existing


def submit_annotation(expert: User, task_id: int, result: object,
                      client_uuid: object) -> Annotation:
    """Store an expert's answer to a task leased to them; idempotent by ``client_uuid``.

    Raises NotFound (no lease of this expert on the task), Invalid (answer does not fit the
    project) or Conflict (lease expired or reclaimed, or the task already answered).
    """
    key = _parse_uuid(client_uuid)
    begin_write()
    if (existing := _replayed(key, expert, task_id)) is not None:
        db.session.commit()
        return existing
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.task_id == task_id, Assignment.annotator_id == expert.id))
    if assignment is None:
        raise NotFound(_l("This task is not leased to you."))
    project = db.session.get(Project, assignment.project_id)
    assert project is not None
    try:
        answer = task_type(project.task_type).validate_result(
            result, ProjectConfig(tuple(project.labels), project.overlap))
    except InvalidAnswer as exc:
        raise Invalid(rule_message(exc), code=exc.code) from None
    return _store_answer(expert, assignment, answer, key)


def _store_answer(expert: User, assignment: Assignment, answer: dict[str, Any],
                  key: str) -> Annotation:
    now = database_now()
    if assignment.status == "submitted":
        raise Conflict(_l("You already answered this task."), code="already_submitted")
    taken = db.session.execute(
        update(Assignment).where(Assignment.id == assignment.id,
                                 Assignment.status == "leased",
                                 Assignment.lease_expires_at > now)
        .values(status="submitted", submitted_at=now)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(_l("Your lease on this task expired. Your draft is kept; claim the "
                          "task again to submit it."), code="lease_expired")
    task = db.session.get(Task, assignment.task_id)
    assert task is not None
    task.answers += 1
    task.last_answer_at = now
    annotation = Annotation(assignment_id=assignment.id, task_id=task.id,
                            project_id=assignment.project_id, item_id=task.item_id,
                            annotator_id=expert.id, client_uuid=key, result=answer)
    db.session.add(annotation)
    db.session.flush()
    record_event("annotation_submitted", expert, object_type="annotation",
                 object_id=annotation.id, task_id=task.id)
    try:
        db.session.commit()
    except IntegrityError:  # the same client_uuid committed by a concurrent retry
        db.session.rollback()
        replay = _replayed(key, expert, task.id)
        if replay is None:
            raise
        return replay
    return annotation


def _my_live_assignment(expert: User, task_id: int, now: datetime) -> Assignment:
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
    assignment = _my_live_assignment(expert, task_id, now)
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
    assignment = _my_live_assignment(expert, task_id, database_now())
    assignment.status = "skipped"
    db.session.execute(update(Task).where(Task.id == task_id)
                       .values(slots_taken=Task.slots_taken - 1))
    record_event("task_skipped", expert, object_type="task", object_id=task_id,
                 reason=reason[:500])
    db.session.commit()
