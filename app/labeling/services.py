"""Claiming task slots: leases, gold items, daily caps, pauses, heartbeats and skips.

A claim runs in one write transaction (``BEGIN IMMEDIATE`` on SQLite; ``FOR UPDATE SKIP
LOCKED`` on PostgreSQL, waiting on the skipped rows only before it answers "nothing left"), so
two experts never hold the same slot, no item gets more than k answers, and no expert is sent
away while a slot is still open for them. ``UNIQUE(task_id, annotator_id)`` keeps an expert
from seeing an item twice. Gold items are served at the project's ratio, to every expert once,
and never take a slot.

This is the hottest path of the platform (every expert, every few seconds), so it is written
in Core statements on the transaction's connection, folded together where SQL allows: a plain
claim is one read of the project with the clock and the expert's live lease, one indexed pick
(per slot level, k ≤ 5), an upsert of the lease and the slot count — no ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, Row, bindparam, exists, func, select, text, update

from app.audit import record_event
from app.database import as_utc, begin_write, database_now, utc_now, write_connection
from app.exceptions import Conflict, Invalid, NotFound
from app.extensions import db
from app.labeling.claim_rules import (
    check_access,
    check_claim_rate,
    check_may_claim,
    count_claim,
    uses_gold,
)
from app.labeling.leases import GIVE_SLOTS_BACK, end_leases
from app.models import Assignment, Item, Project, Task, User
from app.projects.gold import gold_record
from tasks import (
    ProjectConfig,
    in_qualification,
    lease_expiry,
    option_value,
    should_serve_gold,
)


@dataclass(frozen=True)
class Claim:
    """A leased task slot and what the workbench shows."""

    task_id: int
    item_id: int | None  # None for a collection slot: ``text`` is then the project's prompt
    text: str
    lease_expires_at: datetime
    image_size: tuple[int, int] | None = None
    # Another tool's answer to pre-fill (never on a check item: it would give the answer).
    preannotation: dict[str, Any] | None = None


@dataclass(frozen=True)
class _Head:
    """What a claim reads first, in one statement: the project, the clock, the live lease."""

    project_id: int
    organization_id: int
    config: ProjectConfig
    domains: list[str]
    lease_seconds: int
    now: datetime
    live_task_id: int | None
    has_expired: bool


# The statements of the claim are built once: constructing a SELECT in Python costs ten
# times more than running it on SQLite. SQLite renders no FOR UPDATE; PostgreSQL does.
_TASK_VIEW = (
    Task.id,
    Task.item_id,
    Task.is_gold,
    Item.text,
    Item.kind,
    Item.width,
    Item.height,
    Item.preannotation,
)
_NOT_TAKEN = ~exists().where(
    Assignment.task_id == Task.id,
    Assignment.annotator_id == bindparam("annotator_id"),
    Assignment.status != "expired",
)
_HEAD = select(
    Project.organization_id,
    Project.labels,
    Project.overlap,
    Project.options,
    Project.domains,
    Project.lease_seconds,
    utc_now().label("now"),
    select(Assignment.task_id)
    .where(
        Assignment.project_id == Project.id,
        Assignment.annotator_id == bindparam("annotator_id"),
        Assignment.status == "leased",
        Assignment.lease_expires_at > utc_now(),
    )
    .limit(1)
    .scalar_subquery()
    .label("live"),
    exists()
    .where(
        Assignment.project_id == Project.id,
        Assignment.status == "leased",
        Assignment.lease_expires_at <= utc_now(),
    )
    .label("expired"),
).where(Project.id == bindparam("project_id"))
# The project's tasks (no check items) the expert has not taken: the picks below add the
# slot count and the lock.
_OPEN_TASKS = (
    select(*_TASK_VIEW)
    .outerjoin(Item, Item.id == Task.item_id)
    .where(Task.project_id == bindparam("project_id"), Task.is_gold.is_(False), _NOT_TAKEN)
)
_NEXT_TASK = (
    _OPEN_TASKS.where(Task.slots_taken == bindparam("slots"))
    .order_by(Task.id)
    .limit(1)
    .with_for_update(of=Task, skip_locked=True)
)
# SKIP LOCKED passes over a task another claim holds at this instant, though it may keep a
# slot for this expert once that claim commits (k > 1). Before "nothing left", PostgreSQL
# waits for those rows: it re-reads a locked row after the holder commits and moves on to the
# next one when the slots are gone.
_OPEN_TASK_AFTER_WAIT = (
    _OPEN_TASKS.where(Task.slots_taken < bindparam("overlap"))
    .order_by(Task.id)
    .limit(1)
    .with_for_update(of=Task)
)
_UNSEEN_GOLD = (
    select(*_TASK_VIEW)
    .outerjoin(Item, Item.id == Task.item_id)
    .where(Task.project_id == bindparam("project_id"), Task.is_gold.is_(True), _NOT_TAKEN)
    .order_by(Task.id)
    .limit(1)
)
_LIVE_TASK = (
    select(*_TASK_VIEW, Assignment.lease_expires_at)
    .join(Assignment, Assignment.task_id == Task.id)
    .outerjoin(Item, Item.id == Task.item_id)
    .where(Task.id == bindparam("task_id"), Assignment.annotator_id == bindparam("annotator_id"))
)
_STALE = (
    select(Assignment.id, Assignment.task_id)
    .where(
        Assignment.project_id == bindparam("project_id"),
        Assignment.status == "leased",
        Assignment.lease_expires_at <= bindparam("now"),
    )
    .with_for_update(skip_locked=True)
)
_TAKE_SLOT = (
    update(Task).where(Task.id == bindparam("task_id")).values(slots_taken=Task.slots_taken + 1)
)


# The dialects' ON CONFLICT constructs are not cacheable (each run compiled them anew, the
# costliest step of a claim); the statement reads the same on SQLite and PostgreSQL.
_UPSERT_LEASE = text(
    "INSERT INTO assignment (task_id, project_id, annotator_id, status, leased_at, "
    "lease_expires_at) VALUES (:task_id, :project_id, :annotator_id, 'leased', :leased_at, "
    ":lease_expires_at) ON CONFLICT (task_id, annotator_id) DO UPDATE SET "
    "status = excluded.status, leased_at = excluded.leased_at, "
    "lease_expires_at = excluded.lease_expires_at",
).bindparams(
    bindparam("leased_at", type_=DateTime(timezone=True)),
    bindparam("lease_expires_at", type_=DateTime(timezone=True)),
)


def _read_head(project_id: int, annotator_id: int) -> _Head | None:
    row = (
        write_connection()
        .execute(_HEAD, {"project_id": project_id, "annotator_id": annotator_id})
        .first()
    )
    if row is None:
        return None
    config = ProjectConfig(tuple(row.labels), row.overlap, dict(row.options))
    return _Head(
        project_id,
        row.organization_id,
        config,
        list(row.domains),
        row.lease_seconds,
        as_utc(row.now),
        row.live,
        bool(row.expired),
    )


def _release_expired(project_id: int, now: datetime) -> None:
    """Expired leases give their slots back (the expert's own included)."""
    rows = write_connection().execute(_STALE, {"project_id": project_id, "now": now}).all()
    end_leases([(r.id, r.task_id) for r in rows])


def _next_task(head: _Head, annotator_id: int) -> Row[Any] | None:
    # Items closest to k answers first, so complete items accumulate early: one indexed
    # lookup per slot count (k ≤ 5) instead of sorting every open task.
    conn = write_connection()
    for slots in range(head.config.overlap - 1, -1, -1):
        row = conn.execute(
            _NEXT_TASK,
            {"project_id": head.project_id, "slots": slots, "annotator_id": annotator_id},
        ).first()
        if row is not None:
            return row
    if conn.dialect.name != "postgresql":  # SQLite: claims run one at a time, nothing skipped
        return None
    return conn.execute(
        _OPEN_TASK_AFTER_WAIT,
        {
            "project_id": head.project_id,
            "overlap": head.config.overlap,
            "annotator_id": annotator_id,
        },
    ).first()


def _unseen_gold(project_id: int, annotator_id: int) -> Row[Any] | None:
    return (
        write_connection()
        .execute(_UNSEEN_GOLD, {"project_id": project_id, "annotator_id": annotator_id})
        .first()
    )


def _qualifying(head: _Head, annotator_id: int) -> bool:
    """True while the expert still takes the project's qualification test."""
    size = option_value(head.config, "qualification_size")
    if not size:
        return False
    gold_items = (
        db.session.scalar(
            select(func.count()).where(Task.project_id == head.project_id, Task.is_gold.is_(True))
        )
        or 0
    )
    return in_qualification(
        gold_record(head.project_id, annotator_id, head.config)[1], min(size, gold_items)
    )


def _next_gold_task(head: _Head, annotator_id: int) -> Row[Any] | None:
    """A gold item the expert has not seen, when the project's ratio calls for one."""
    ratio = option_value(head.config, "gold_ratio")
    if not ratio:
        return None
    served = db.session.execute(
        select(func.count(), func.count().filter(Task.is_gold.is_(True)))
        .select_from(Assignment)
        .join(Task, Task.id == Assignment.task_id)
        .where(
            Assignment.project_id == head.project_id,
            Assignment.annotator_id == annotator_id,
            Assignment.status != "expired",
        )
    ).one()
    if not should_serve_gold(served[0], served[1], ratio):
        return None
    return _unseen_gold(head.project_id, annotator_id)


def _lease(task: Row[Any], head: _Head, annotator_id: int) -> datetime:
    """Insert the expert's lease, or revive their own expired one; take the slot."""
    expires = lease_expiry(head.now, head.lease_seconds)
    conn = write_connection()
    conn.execute(
        _UPSERT_LEASE,
        {
            "task_id": task.id,
            "project_id": head.project_id,
            "annotator_id": annotator_id,
            "leased_at": head.now,
            "lease_expires_at": expires,
        },
    )
    if not task.is_gold:
        conn.execute(_TAKE_SLOT, {"task_id": task.id})
    return expires


def _claim_of(task: Row[Any], head: _Head, expires: datetime) -> Claim:
    if task.item_id is None:
        prompt = option_value(head.config, "prompt")
        return Claim(task.id, None, prompt, expires)
    size = (
        (task.width, task.height) if task.kind == "image" and task.width and task.height else None
    )
    pre = task.preannotation  # a check item too: its absence would give the check away
    return Claim(task.id, task.item_id, task.text, expires, size, pre)


def _pick(expert: User, head: _Head) -> Row[Any] | None:
    """The task to lease next: a qualification check item, a gold item at the project's
    ratio, or the open task nearest to k answers."""
    if _qualifying(head, expert.id):  # the qualification test: check items only
        return _unseen_gold(head.project_id, expert.id)
    task = _next_task(head, expert.id)
    if task is not None and uses_gold(head.config):
        return _next_gold_task(head, expert.id) or task
    return task


def _live_claim(head: _Head, annotator_id: int) -> Claim:
    row = (
        write_connection()
        .execute(_LIVE_TASK, {"task_id": head.live_task_id, "annotator_id": annotator_id})
        .one()
    )
    return _claim_of(row, head, as_utc(row.lease_expires_at))


def claim_next_task(expert: User, project_id: int) -> Claim | None:
    """Lease the expert's next task slot in a project, or None when nothing is left for them.

    An expert holding a live lease gets that task again (a reloaded page keeps its draft).
    Raises NotFound (project not open to the expert: not verified for its domains, not
    invited), Forbidden (an applicant not verified yet; paused by gold accuracy or by the
    skip ratio; the daily cap, answers and skips together, reached) or RateLimited (claims
    far faster than a person reads).
    """
    begin_write()
    head = _read_head(project_id, expert.id)
    if head is None:
        raise NotFound(_l("Not found."))
    check_access(expert, head)
    if head.live_task_id is not None:
        claim = _live_claim(head, expert.id)
    else:
        check_claim_rate(expert, head.now)
        check_may_claim(expert, head)
        if head.has_expired:
            _release_expired(project_id, head.now)
        task = _pick(expert, head)
        if task is None:
            db.session.commit()
            return None
        claim = _claim_of(task, head, _lease(task, head, expert.id))
        count_claim(expert, head.now)
    db.session.commit()
    return claim


def live_assignment(expert: User, task_id: int, now: datetime) -> Assignment:
    """The expert's live lease on a task; NotFound or Conflict (``lease_expired``)."""
    assignment = db.session.scalar(
        select(Assignment).where(
            Assignment.task_id == task_id, Assignment.annotator_id == expert.id
        )
    )
    if assignment is None:
        raise NotFound(_l("This task is not leased to you."))
    if assignment.status != "leased" or as_utc(assignment.lease_expires_at) <= now:
        raise Conflict(
            _l(
                "Your lease on this task expired. Your draft is kept; claim the "
                "task again to submit it."
            ),
            code="lease_expired",
        )
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
    db.session.flush()
    write_connection().execute(GIVE_SLOTS_BACK, {"count": 1, "task_ids": [task_id]})
    record_event(
        "task_skipped", expert, object_type="task", object_id=task_id, reason=reason[:520]
    )  # "other: " + a 500-character note
    db.session.commit()
