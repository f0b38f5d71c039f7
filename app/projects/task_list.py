"""The managers' task list: filtered, sorted from an allow-list, paginated without a count.

Pages are fetched with ``LIMIT per_page + 1`` to learn whether another page exists, so the
first page stays fast at a million tasks (no ``COUNT(*)`` over the project).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import UnaryExpression, exists, select

from app.database import as_utc
from app.exceptions import Invalid
from app.extensions import db
from app.models import Annotation, Item, Project, Task

PER_PAGE = 50
MAX_PAGE = 100_000
SORTS: dict[str, UnaryExpression[Any]] = {
    "id": Task.id.asc(),
    "-id": Task.id.desc(),
    "last_answer_at": Task.last_answer_at.asc(),
    "-last_answer_at": Task.last_answer_at.desc(),
}
STATUSES = ("open", "complete")
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


def task_page(project: Project, query: TaskQuery) -> dict[str, Any]:
    """As :func:`list_tasks`, with ``last_answer_at`` an aware datetime (UTC) for pages, which
    show it in the configured time zone (Beijing time)."""
    stmt = (
        select(
            Task.id, Task.item_id, Task.answers, Task.slots_taken, Task.last_answer_at, Item.text
        )
        .outerjoin(Item, Item.id == Task.item_id)
        .where(Task.project_id == project.id)
    )
    if query.status == "open":
        stmt = stmt.where(Task.answers < project.overlap)
    elif query.status == "complete":
        stmt = stmt.where(Task.answers >= project.overlap)
    answered = select(Annotation.id).where(Annotation.task_id == Task.id)
    if query.annotator is not None:
        answered = answered.where(Annotation.annotator_id == query.annotator)
    if query.label is not None:
        answered = answered.where(Annotation.result["label"].as_string() == query.label)
    if query.annotator is not None or query.label is not None:
        stmt = stmt.where(exists(answered))
    rows = db.session.execute(
        stmt.order_by(SORTS[query.sort], Task.id)
        .limit(PER_PAGE + 1)
        .offset((query.page - 1) * PER_PAGE)
    ).all()
    return {
        "page": query.page,
        "per_page": PER_PAGE,
        "has_next": len(rows) > PER_PAGE,
        "tasks": [_task_json(row, project.overlap) for row in rows[:PER_PAGE]],
    }


def _task_json(row: Any, overlap: int) -> dict[str, Any]:
    task_id, item_id, answers, slots, last_answer_at, text = row
    last: datetime | None = as_utc(last_answer_at) if last_answer_at else None
    return {
        "id": task_id,
        "item_id": item_id,
        "answers": answers,
        "leased": slots - answers,
        "status": "complete" if answers >= overlap else "open",
        "last_answer_at": last,
        "text_preview": (text or "")[:PREVIEW_CHARS],
    }
