"""Submitting answers: validated by the task type, idempotent by the client's UUID, scored
against gold where the item is a check item.

Like the claim, the submit is a hot path written in Core statements: one read of the lease
with its task, project, item and any earlier answer under the same UUID, and the validation of
the answer (a cleaning diff can take a while), both before the write lock; then, holding it,
the lease update guarded by its state and the database clock, the task's answer count, the
annotation and its audit event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.audit import insert_event
from app.database import begin_write, utc_now, write_connection
from app.exceptions import Conflict, Invalid, NotFound
from app.extensions import db
from app.labeling.contributions import contribute
from app.models import Annotation, Assignment, Item, Project, Task, User
from app.rule_messages import rule_message
from tasks import (
    InvalidAnswer,
    ProjectConfig,
    gold_item_pass_score,
    gold_item_passed,
    option_value,
    score_against_gold,
    task_type,
)

LEASE_EXPIRED = _l(
    "Your lease on this task expired. Your draft is kept; claim the task again to submit it."
)


# Built once (building a statement costs more than running it); see app/labeling/services.py.
_READ_LEASE = (
    select(
        Assignment.id,
        Assignment.status,
        Assignment.lease_expires_at,
        Assignment.project_id,
        Task.item_id,
        Task.is_gold,
        Task.gold_answer,
        Project.task_type,
        Project.labels,
        Project.overlap,
        Project.options,
        Item.text,
        Item.kind,
        Item.width,
        Item.height,
        select(Annotation.id)
        .where(Annotation.client_uuid == bindparam("key"))
        .limit(1)
        .scalar_subquery()
        .label("replay"),
    )
    .join(Task, Task.id == Assignment.task_id)
    .join(Project, Project.id == Assignment.project_id)
    .outerjoin(Item, Item.id == Task.item_id)
    .where(
        Assignment.task_id == bindparam("task_id"),
        Assignment.annotator_id == bindparam("annotator_id"),
    )
)
_REPLAY = select(
    Annotation.id,
    Annotation.annotator_id,
    Annotation.task_id,
    Annotation.gold_score,
    Annotation.result,
).where(Annotation.client_uuid == bindparam("key"))
_TAKE_LEASE = (
    update(Assignment)
    .where(
        Assignment.id == bindparam("assignment_id"),
        Assignment.status == "leased",
        Assignment.lease_expires_at > utc_now(),
    )
    .values(status="submitted", submitted_at=utc_now())
)
_LEASE_STATUS = select(Assignment.status).where(Assignment.id == bindparam("assignment_id"))
_COUNT_ANSWER = (
    update(Task)
    .where(Task.id == bindparam("task_id"))
    .values(answers=Task.answers + 1, last_answer_at=utc_now())
)
_INSERT_ANNOTATION = insert(Annotation)


@dataclass(frozen=True)
class Submitted:
    """A stored answer, and the gold feedback the expert may see."""

    annotation_id: int
    gold: dict[str, Any] | None = None


def _parse_uuid(client_uuid: object) -> str:
    try:
        return str(uuid.UUID(str(client_uuid)))
    except ValueError:
        raise Invalid(_l("client_uuid must be a UUID."), code="bad_client_uuid") from None


def _read_lease(task_id: int, annotator_id: int, key: str) -> Row[Any] | None:
    return (
        db.session.connection()
        .execute(_READ_LEASE, {"task_id": task_id, "annotator_id": annotator_id, "key": key})
        .first()
    )


def _feedback(lease: Row[Any], score: float | None) -> dict[str, Any] | None:
    config = _config(lease)
    if score is None or not option_value(config, "gold_feedback"):
        return None
    return {
        "score": round(score, 4),
        "passed": gold_item_passed(score, gold_item_pass_score(config)),
        "expected": lease.gold_answer,
    }


def _config(lease: Row[Any]) -> ProjectConfig:
    return ProjectConfig(tuple(lease.labels), lease.overlap, dict(lease.options))


def _replayed(
    key: str, expert: User, task_id: int, lease: Row[Any], answer: dict[str, Any]
) -> Submitted | None:
    """The answer already stored under this UUID by this expert for this task, if any.

    Raises Conflict when the UUID belongs to another task, or to a different answer (the
    stored one is in the error's details, so the client can show what landed)."""
    existing = db.session.connection().execute(_REPLAY, {"key": key}).first()
    if existing is None:
        return None
    if (existing.annotator_id, existing.task_id) != (expert.id, task_id):
        raise Conflict(_l("This client_uuid was already used for another answer."))
    if existing.result != answer:
        raise Conflict(
            _l(
                "This client_uuid was already used for a different answer to this "
                "task; the stored answer is kept."
            ),
            code="client_uuid_reused",
            details=[{"id": existing.id, "result": existing.result}],
        )
    return Submitted(existing.id, _feedback(lease, existing.gold_score))


def _validated(lease: Row[Any], result: object) -> tuple[dict[str, Any], float | None]:
    config = _config(lease)
    size = (
        (lease.width, lease.height)
        if lease.kind == "image" and lease.width and lease.height
        else None
    )
    try:
        answer = task_type(lease.task_type).validate_result(
            result, config, item_text=lease.text, image_size=size
        )
    except InvalidAnswer as exc:
        raise Invalid(rule_message(exc), code=exc.code) from None
    score = (
        score_against_gold(lease.task_type, answer, lease.gold_answer, config)
        if lease.is_gold and lease.gold_answer is not None
        else None
    )
    return answer, score


def submit_annotation(expert: User, task_id: int, result: object, client_uuid: object) -> Submitted:
    """Store an expert's answer to a task leased to them; idempotent by ``client_uuid``.

    Raises NotFound (no lease of this expert on the task), Invalid (answer does not fit the
    project) or Conflict (lease expired or reclaimed, the task already answered, or the UUID
    already stored with a different answer).
    """
    key = _parse_uuid(client_uuid)
    lease = _read_lease(task_id, expert.id, key)
    if lease is None:
        raise NotFound(_l("This task is not leased to you."))
    answer, score = _validated(lease, result)
    if lease.replay is not None:
        replay = _replayed(key, expert, task_id, lease, answer)
        assert replay is not None
        return replay
    begin_write()
    try:
        annotation_id = _store_answer(expert, task_id, lease, answer, key, score)
    except IntegrityError:  # the same client_uuid stored by a concurrent retry
        db.session.rollback()
        begin_write()
        if (replay := _replayed(key, expert, task_id, lease, answer)) is None:
            raise
        db.session.commit()
        return replay
    db.session.commit()
    return Submitted(annotation_id, _feedback(lease, score))


def _take_lease(
    expert: User, task_id: int, lease: Row[Any], key: str, answer: dict[str, Any]
) -> None:
    conn = write_connection()
    taken = (
        conn.execute(_TAKE_LEASE, {"assignment_id": lease.id}) if lease.status == "leased" else None
    )
    if taken is not None and taken.rowcount == 1:
        return
    # The lease changed since it was read: a concurrent retry with the same UUID may have
    # just committed (that answer is this one), or another answer, or the lease ran out.
    if _replayed(key, expert, task_id, lease, answer) is not None:
        raise IntegrityError("submit", None, Exception("client_uuid replayed"))
    if conn.execute(_LEASE_STATUS, {"assignment_id": lease.id}).scalar() == "submitted":
        raise Conflict(_l("You already answered this task."), code="already_submitted")
    raise Conflict(LEASE_EXPIRED, code="lease_expired")


def _contributed_item(expert: User, task_id: int, lease: Row[Any], answer: dict[str, Any]) -> int:
    """A collection slot's answer becomes an item of the project's corpus, pending review
    (ORM, rare path)."""
    project = db.session.get(Project, lease.project_id)
    task = db.session.get(Task, task_id)
    assert project is not None and task is not None
    contribute(project, task, answer, lease.id, expert.id)
    db.session.flush()
    assert task.item_id is not None
    return task.item_id


def _store_answer(
    expert: User,
    task_id: int,
    lease: Row[Any],
    answer: dict[str, Any],
    key: str,
    score: float | None,
) -> int:
    _take_lease(expert, task_id, lease, key, answer)
    item_id = lease.item_id
    if item_id is None:
        item_id = _contributed_item(expert, task_id, lease, answer)
    conn = write_connection()
    conn.execute(_COUNT_ANSWER, {"task_id": task_id})
    inserted = conn.execute(
        _INSERT_ANNOTATION,
        {
            "assignment_id": lease.id,
            "task_id": task_id,
            "project_id": lease.project_id,
            "item_id": item_id,
            "annotator_id": expert.id,
            "client_uuid": key,
            "result": answer,
            "gold_score": score,
        },
    )
    annotation_id = int(inserted.inserted_primary_key[0])
    insert_event(
        "annotation_submitted",
        expert,
        object_type="annotation",
        object_id=annotation_id,
        task_id=task_id,
    )
    return annotation_id
