"""Submitting answers: validated by the task type, idempotent by the client's UUID, scored
against gold where the item is a check item."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Annotation, Assignment, Item, Project, Task, User
from app.services.audit import record_event
from app.services.contributions import contribute
from app.services.errors import Conflict, Invalid, NotFound
from app.services.projects import project_config
from app.services.rule_messages import rule_message
from app.services.transactions import begin_write, database_now
from tasks import InvalidAnswer, gold_item_passed, option_value, score_against_gold, task_type


@dataclass(frozen=True)
class Submitted:
    """A stored answer, and the gold feedback the expert may see."""

    annotation: Annotation
    gold: dict[str, Any] | None = None


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


def _feedback(project: Project, task: Task, annotation: Annotation) -> dict[str, Any] | None:
    if annotation.gold_score is None or not option_value(project_config(project),
                                                         "gold_feedback"):
        return None
    return {"score": round(annotation.gold_score, 4),
            "passed": gold_item_passed(annotation.gold_score), "expected": task.gold_answer}


def submit_annotation(expert: User, task_id: int, result: object,
                      client_uuid: object) -> Submitted:
    """Store an expert's answer to a task leased to them; idempotent by ``client_uuid``.

    Raises NotFound (no lease of this expert on the task), Invalid (answer does not fit the
    project) or Conflict (lease expired or reclaimed, or the task already answered).
    """
    key = _parse_uuid(client_uuid)
    begin_write()
    assignment = db.session.scalar(select(Assignment).where(
        Assignment.task_id == task_id, Assignment.annotator_id == expert.id))
    if assignment is None:
        raise NotFound(_l("This task is not leased to you."))
    project = db.session.get(Project, assignment.project_id)
    task = db.session.get(Task, task_id)
    assert project is not None and task is not None
    if (existing := _replayed(key, expert, task_id)) is not None:
        db.session.commit()
        return Submitted(existing, _feedback(project, task, existing))
    item = db.session.get(Item, task.item_id) if task.item_id is not None else None
    config = project_config(project)
    try:
        size = item.image_size if item is not None else None
        answer = task_type(project.task_type).validate_result(
            result, config, item_text=item.text if item is not None else None,
            image_size=size)
    except InvalidAnswer as exc:
        raise Invalid(rule_message(exc), code=exc.code) from None
    score = (score_against_gold(project.task_type, answer, task.gold_answer, config)
             if task.is_gold and task.gold_answer is not None else None)
    annotation = _store_answer(expert, assignment, task, answer, key, score)
    return Submitted(annotation, _feedback(project, task, annotation))


def _take_lease(assignment: Assignment) -> None:
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
    task_row = db.session.get(Task, assignment.task_id)
    assert task_row is not None
    task_row.answers += 1
    task_row.last_answer_at = now


def _store_answer(expert: User, assignment: Assignment, task: Task, answer: dict[str, Any],
                  key: str, score: float | None) -> Annotation:
    _take_lease(assignment)
    if task.item_id is None:
        project = db.session.get(Project, assignment.project_id)
        assert project is not None
        contribute(project, task, answer)
    annotation = Annotation(assignment_id=assignment.id, task_id=task.id,
                            project_id=assignment.project_id, item_id=task.item_id,
                            annotator_id=expert.id, client_uuid=key, result=answer,
                            gold_score=score)
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
