"""Ending leases and giving their slots back: shared by the claim (expired leases), the skip,
and what ends an expert's access at once (deactivation, a withdrawn domain or invitation).

Only models and the database layer below it, so accounts and projects may call it without
importing the claim."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import bindparam, select, update

from app.database import write_connection
from app.models import Assignment, Task

EXPIRE_LEASES = (
    update(Assignment)
    .where(Assignment.id.in_(bindparam("ids", expanding=True)))
    .values(status="expired")
)
GIVE_SLOTS_BACK = (
    update(Task)
    .where(Task.id.in_(bindparam("task_ids", expanding=True)), Task.is_gold.is_(False))
    .values(slots_taken=Task.slots_taken - bindparam("count"))
)


def release_leases_of(annotator_id: int, project_id: int | None = None) -> int:
    """End every lease an expert holds (in one project, if given), giving the slots back to
    other experts, in the current write transaction (the caller commits). Used when an account
    is deactivated, a domain withdrawn or an invitation withdrawn. Returns how many ended."""
    stmt = select(Assignment.id, Assignment.task_id).where(
        Assignment.annotator_id == annotator_id, Assignment.status == "leased"
    )
    if project_id is not None:
        stmt = stmt.where(Assignment.project_id == project_id)
    rows = write_connection().execute(stmt).all()
    end_leases([(r.id, r.task_id) for r in rows])
    return len(rows)


def end_leases(leases: list[tuple[int, int]]) -> None:
    """Mark leases ``(assignment id, task id)`` expired and give their slots back (one
    UPDATE per distinct count of leases per task), on the write transaction's connection."""
    if not leases:
        return
    conn = write_connection()
    conn.execute(EXPIRE_LEASES, {"ids": [lease_id for lease_id, _ in leases]})
    per_task = Counter(task_id for _, task_id in leases)
    for count in set(per_task.values()):
        conn.execute(
            GIVE_SLOTS_BACK,
            {"count": count, "task_ids": [t for t, n in per_task.items() if n == count]},
        )
