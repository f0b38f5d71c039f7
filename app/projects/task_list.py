"""The managers' task list: filtered, sorted from an allow-list, paginated without a count.

Pages are fetched with ``LIMIT per_page + 1`` to learn whether another page exists, so the
first page stays fast at a million tasks (no ``COUNT(*)`` over the project).

A collection project's slot is listed with its contribution's review: ``pending`` while the
contribution waits for a decision, ``complete`` once accepted, and ``rejected`` once rejected
(the slot is then closed and a new open one stands in for it, :mod:`app.labeling.contributions`),
never as an item dropped from the corpus.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import UnaryExpression, exists, or_, select

from app.database import as_utc
from app.exceptions import Invalid
from app.extensions import db
from app.models import Annotation, Contribution, Item, Project, Task

PER_PAGE = 50
MAX_PAGE = 100_000
SORTS: dict[str, UnaryExpression[Any]] = {
    "id": Task.id.asc(),
    "-id": Task.id.desc(),
    "last_answer_at": Task.last_answer_at.asc(),
    "-last_answer_at": Task.last_answer_at.desc(),
}
STATUSES = ("open", "complete", "dropped", "gold", "pending", "rejected")
PREVIEW_CHARS = 80


@dataclass(frozen=True)
class TaskQuery:
    """What the caller asked for; every field is checked against an allow-list."""

    status: str | None = None
    annotator: int | None = None
    label: str | None = None
    sort: str = "id"
    page: int = 1


def parse_task_query(args: dict[str, str]) -> TaskQuery:
    """Validate query parameters; raises Invalid (400) for anything not on the allow-list."""
    # ``lang`` picks the interface language on any page (app.i18n), so it is no filter.
    unknown = set(args) - {"status", "annotator", "label", "sort", "page", "lang"}
    status, sort = args.get("status") or None, args.get("sort", "id")
    annotator, page = args.get("annotator", ""), args.get("page", "1")
    if (
        unknown
        or (status and status not in STATUSES)
        or sort not in SORTS
        or not (annotator == "" or annotator.isdigit())
        or not page.isdigit()
        or not 1 <= int(page) <= MAX_PAGE
    ):
        raise _bad_parameters()
    return TaskQuery(
        status, int(annotator) if annotator else None, args.get("label") or None, sort, int(page)
    )


def _bad_parameters() -> Invalid:
    error = Invalid(_l("Unknown filter or sort parameter."), code="bad_parameter")
    error.status = 400
    return error


def list_tasks(project: Project, query: TaskQuery) -> dict[str, Any]:
    """One page of a project's tasks with their answer counts and a text preview (JSON:
    ``last_answer_at`` as ISO 8601 with its UTC offset)."""
    page = task_page(project, query)
    for task in page["tasks"]:
        last = task["last_answer_at"]
        task["last_answer_at"] = last.isoformat() if last else None
    return page


def _filtered(project: Project, query: TaskQuery) -> Any:
    stmt = (
        select(
            Task.id,
            Task.item_id,
            Task.answers,
            Task.slots_taken,
            Task.last_answer_at,
            Item.text,
            Task.is_gold,
            Contribution.status.label("review"),
        )
        .outerjoin(Item, Item.id == Task.item_id)
        # One contribution at most per slot (a collection project's k is 1); none elsewhere.
        .outerjoin(Contribution, Contribution.task_id == Task.id)
        .where(Task.project_id == project.id)
    )
    stmt = _status_filter(stmt, project, query.status)
    answered = select(Annotation.id).where(Annotation.task_id == Task.id)
    if query.annotator is not None:
        answered = answered.where(Annotation.annotator_id == query.annotator)
    if query.label is not None:
        answered = answered.where(Annotation.result["label"].as_string() == query.label)
    if query.annotator is not None or query.label is not None:
        stmt = stmt.where(exists(answered))
    return stmt


def task_page(project: Project, query: TaskQuery) -> dict[str, Any]:
    """As :func:`list_tasks`, with ``last_answer_at`` an aware datetime (UTC) for pages, which
    show it in the configured time zone (Beijing time)."""
    rows = db.session.execute(
        _filtered(project, query)
        .order_by(SORTS[query.sort], Task.id)
        .limit(PER_PAGE + 1)
        .offset((query.page - 1) * PER_PAGE)
    ).all()
    return {
        "page": query.page,
        "per_page": PER_PAGE,
        "has_next": len(rows) > PER_PAGE,
        "tasks": [_task_json(row, project.overlap) for row in rows[:PER_PAGE]],
    }


def _status_filter(stmt: Any, project: Project, status: str | None) -> Any:
    """Open: fewer than k answers and not closed; complete: k answers (a collected
    contribution: accepted); dropped: closed with fewer (its item was dropped from the corpus:
    slots_taken above k); gold: check items; pending and rejected: a collected contribution
    waiting for its review, or rejected (its slot closed and opened anew)."""
    k = project.overlap
    review = Contribution.status
    if status == "open":
        return stmt.where(Task.answers < k, Task.slots_taken <= k, Task.is_gold.is_(False))
    if status == "complete":
        return stmt.where(
            Task.answers >= k,
            Task.is_gold.is_(False),
            or_(review.is_(None), review == "accepted"),
        )
    if status == "dropped":
        return stmt.where(
            Task.answers < k,
            Task.slots_taken > k,
            Task.is_gold.is_(False),
            or_(review.is_(None), review != "rejected"),
        )
    if status == "gold":
        return stmt.where(Task.is_gold.is_(True))
    if status in ("pending", "rejected"):
        return stmt.where(review == status)
    return stmt


def task_status(
    answers: int, slots: int, overlap: int, is_gold: bool, review: str | None = None
) -> str:
    """``gold``, ``pending`` or ``rejected`` (a collected contribution's review),
    ``complete``, ``dropped`` (closed: its item was dropped) or ``open``."""
    if is_gold:
        return "gold"
    if review in ("pending", "rejected"):
        return review
    if answers >= overlap:
        return "complete"
    return "dropped" if slots > overlap else "open"


def _task_json(row: Any, overlap: int) -> dict[str, Any]:
    task_id, item_id, answers, slots, last_answer_at, text, is_gold, review = row
    last: datetime | None = as_utc(last_answer_at) if last_answer_at else None
    status = task_status(answers, slots, overlap, is_gold, review)
    closed = overlap + 1 if slots > overlap else 0
    return {
        "id": task_id,
        "item_id": item_id,
        "answers": answers,
        "leased": 0 if is_gold else max(slots - closed - answers, 0),
        "status": status,
        "is_gold": bool(is_gold),
        "last_answer_at": last,
        "text_preview": (text or "")[:PREVIEW_CHARS],
    }


CSV_BATCH = 2000


def task_csv_rows(project: Project, query: TaskQuery) -> Iterator[list[Any]]:
    """Every task matching the query's filters (not its page), in task order, as CSV rows
    under a header: read in keyset batches of ``CSV_BATCH``, so memory stays flat at a
    million tasks. Times are ISO 8601 UTC; the text is the item's whole text."""
    yield [
        "task_id",
        "item_id",
        "status",
        "answers",
        "k",
        "leased",
        "is_check_item",
        "last_answer_at",
        "text",
    ]
    last = 0
    while True:
        rows = db.session.execute(
            _filtered(project, query).where(Task.id > last).order_by(Task.id).limit(CSV_BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            task = _task_json(row, project.overlap)
            answered = task["last_answer_at"]
            yield [
                task["id"],
                task["item_id"],
                task["status"],
                task["answers"],
                project.overlap,
                task["leased"],
                task["is_gold"],
                answered.isoformat() if answered else "",
                row.text or "",
            ]
        last = rows[-1].id
