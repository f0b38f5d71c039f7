"""Reviewing collected contributions: the vendor of a collection project, or a reviewer it
appointed, accepts each contribution (its item joins the corpus: new projects, the corpus page
and the project's final answers and exports see it) or rejects it with a reason the expert
reads, and whose slot opens again for the experts. A decision is final, made once, never on
one's own contribution, and audited.

The queue a decider pages through holds the project's pending contributions in the order
they arrived, without the decider's own ones (another decider takes those).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, update

from app.audit import record_event
from app.database import as_utc, begin_write, database_now
from app.exceptions import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.labeling.contributions import reopen_slot
from app.models import Contribution, Corpus, Item, Project, Role, User
from app.models.contributions import CONTRIBUTION_STATUSES, MAX_REASON_CHARS
from app.review.services import is_reviewer, reviewable_project

DECISIONS = {"accept": "accepted", "reject": "rejected"}
PREVIEW_CHARS = 20_000
PAGE_SIZE = 50


@dataclass(frozen=True)
class QueuePlace:
    """Where a contribution sits in the decider's queue: 1-based ``position`` among the
    ``waiting`` ones (None when it does not wait, or is the decider's own), and the pending
    contributions before and after it."""

    position: int | None
    waiting: int
    previous: int | None
    following: int | None


def contribution_project(user: User, project_id: int) -> Project:
    """A collection project the user may review (its vendor, a reviewer) or read (auditors,
    admins); NotFound otherwise, other organizations' projects and other task types included."""
    project = reviewable_project(user, project_id)
    if project.task_type != "collect":
        raise NotFound(_l("Not found."))
    return project


def may_decide(user: User, project: Project) -> bool:
    """True for the project's vendor (same organization) and its appointed reviewers."""
    if user.role == Role.VENDOR:
        return user.organization_id == project.organization_id
    return user.role == Role.EXPERT and is_reviewer(user, project.id)


def status_counts(project: Project) -> dict[str, int]:
    """How many of the project's contributions are pending, accepted and rejected."""
    rows = db.session.execute(
        select(Contribution.status, func.count())
        .where(Contribution.project_id == project.id)
        .group_by(Contribution.status)
    ).all()
    found = {status: int(count) for status, count in rows}
    return {status: found.get(status, 0) for status in CONTRIBUTION_STATUSES}


def _columns() -> tuple[Any, ...]:
    return (
        Contribution.id,
        Contribution.item_id,
        Contribution.annotator_id,
        Contribution.status,
        Contribution.reason,
        Contribution.created_at,
        Contribution.decided_at,
        User.name,
        Item.kind,
        func.substr(Item.text, 1, PREVIEW_CHARS).label("text"),
        func.length(Item.text).label("length"),
    )


def _view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "item_id": row.item_id,
        "expert_id": row.annotator_id,
        "expert": row.name,
        "kind": row.kind,
        "text": row.text,
        "truncated": row.length > PREVIEW_CHARS,
        "status": row.status,
        "reason": row.reason,
        "created_at": as_utc(row.created_at).isoformat(),
        "decided_at": as_utc(row.decided_at).isoformat() if row.decided_at else None,
    }


def _query(project: Project) -> Any:
    return (
        select(*_columns())
        .join(User, User.id == Contribution.annotator_id)
        .join(Item, Item.id == Contribution.item_id)
        .where(Contribution.project_id == project.id)
    )


def contribution_detail(project: Project, contribution_id: int) -> dict[str, Any]:
    """One contribution of the project (text up to 20,000 characters, or the picture's item);
    NotFound for an unknown id or another project's."""
    row = db.session.execute(_query(project).where(Contribution.id == contribution_id)).first()
    if row is None:
        raise NotFound(_l("No such contribution in this project."))
    return _view(row)


def list_contributions(
    project: Project, status: str | None = None, after: int = 0, limit: int = PAGE_SIZE
) -> list[dict[str, Any]]:
    """The project's contributions in arrival order, with an id above ``after`` (keyset
    pages), of one status or all; Invalid for an unknown status or a limit outside 1–200."""
    if status is not None and status not in CONTRIBUTION_STATUSES:
        raise Invalid(_l("Show pending, accepted or rejected contributions."), code="bad_status")
    if not 1 <= limit <= 200:
        raise Invalid(_l("Ask for 1 to 200 contributions at a time."), code="bad_limit")
    stmt = _query(project).where(Contribution.id > after)
    if status is not None:
        stmt = stmt.where(Contribution.status == status)
    rows = db.session.execute(stmt.order_by(Contribution.id).limit(limit)).all()
    return [_view(row) for row in rows]


def _waiting(project: Project, user: User) -> Select[tuple[int]]:
    return select(Contribution.id).where(
        Contribution.project_id == project.id,
        Contribution.status == "pending",
        Contribution.annotator_id != user.id,
    )


def next_waiting(project: Project, user: User) -> int | None:
    """The first contribution waiting for the user's decision, or None."""
    return db.session.scalar(_waiting(project, user).order_by(Contribution.id).limit(1))


def queue_place(project: Project, user: User, contribution_id: int) -> QueuePlace:
    """The contribution's place among those waiting for the user's decision (see
    :class:`QueuePlace`); each figure is one indexed query."""
    waiting = _waiting(project, user)
    count = db.session.scalar(select(func.count()).select_from(waiting.subquery())) or 0
    previous = db.session.scalar(
        waiting.where(Contribution.id < contribution_id).order_by(Contribution.id.desc()).limit(1)
    )
    following = db.session.scalar(
        waiting.where(Contribution.id > contribution_id).order_by(Contribution.id).limit(1)
    )
    is_waiting = db.session.scalar(waiting.where(Contribution.id == contribution_id))
    position = None
    if is_waiting is not None:
        position = (
            db.session.scalar(
                select(func.count()).select_from(
                    waiting.where(Contribution.id <= contribution_id).subquery()
                )
            )
            or 0
        )
    return QueuePlace(position, int(count), previous, following)


def _checked_decision(decision: object, reason: object) -> tuple[str, str | None]:
    """(new status, reason) from the request, or Invalid before anything is read."""
    if not isinstance(decision, str) or decision not in DECISIONS:
        raise Invalid(_l("Decide “accept” or “reject”."), code="bad_decision")
    if decision == "accept":
        return "accepted", None
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise Invalid(
            _l("Say why the contribution is rejected: the expert reads the reason."),
            code="no_reason",
        )
    if len(text) > MAX_REASON_CHARS:
        raise Invalid(
            _l("The reason is at most %(n)d characters long.", n=MAX_REASON_CHARS),
            code="reason_too_long",
        )
    return "rejected", text


def _decidable(user: User, project_id: int, contribution_id: int) -> tuple[Project, Contribution]:
    project = contribution_project(user, project_id)
    if not may_decide(user, project):
        raise Forbidden(
            _l("Only the project's vendor or one of its reviewers decides on contributions."),
            code="not_a_decider",
        )
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or contribution.project_id != project.id:
        raise NotFound(_l("No such contribution in this project."))
    if contribution.annotator_id == user.id:
        raise Conflict(
            _l("This is your own contribution, so someone else must decide on it."),
            code="own_contribution",
        )
    return project, contribution


ALREADY = {
    "accepted": _l("This contribution was already accepted; a decision is made once."),
    "rejected": _l("This contribution was already rejected; a decision is made once."),
}


def _apply(
    project: Project, contribution: Contribution, status: str, reason: str | None, user: User
) -> datetime:
    """Record the decision when the contribution is still pending (a concurrent decider
    loses: Conflict), let an accepted item into its corpus, and give a rejected one's slot
    back to the experts."""
    now = database_now()
    done = db.session.execute(
        update(Contribution)
        .where(Contribution.id == contribution.id, Contribution.status == "pending")
        .values(status=status, reason=reason, decided_by_id=user.id, decided_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(contribution)
        message = ALREADY.get(contribution.status, ALREADY["accepted"])
        raise Conflict(message, code="already_decided")
    item = db.session.get(Item, contribution.item_id)
    assert item is not None
    item.dropped = None if status == "accepted" else "rejected"
    if status == "rejected":
        reopen_slot(project, contribution.task_id)
    else:
        db.session.execute(
            update(Corpus)
            .where(Corpus.id == item.corpus_id)
            .values(item_count=Corpus.item_count + 1)
            .execution_options(synchronize_session=False)
        )
    return now


def decide(
    user: User, project_id: int, contribution_id: int, decision: object, reason: object = None
) -> dict[str, Any]:
    """Accept (``"accept"``) or reject (``"reject"`` with a reason of 1–500 characters) a
    pending contribution of a collection project; returns the contribution as listed.

    Raises Invalid (unknown decision, no or too long a reason), NotFound (a project the user
    may not see, not a collection project, an unknown contribution or another project's),
    Forbidden (an auditor: reads only) or Conflict (one's own contribution, or decided
    already). Every decision is an audit event; a refusal changes nothing.
    """
    status, text = _checked_decision(decision, reason)
    begin_write()
    project, contribution = _decidable(user, project_id, contribution_id)
    _apply(project, contribution, status, text, user)
    record_event(
        "contribution_accepted" if status == "accepted" else "contribution_rejected",
        user,
        object_type="contribution",
        object_id=contribution.id,
        project=project.id,
        item=contribution.item_id,
        expert=contribution.annotator_id,
        **({"reason": text} if text else {}),
    )
    db.session.commit()
    return contribution_detail(project, contribution.id)


def contribution_of_item(project: Project, item_id: int) -> int:
    """The id of the project's contribution that made the item (the task list and the report's
    per-item table name items); NotFound for an item no contribution of the project made."""
    found = db.session.scalar(
        select(Contribution.id).where(
            Contribution.project_id == project.id, Contribution.item_id == item_id
        )
    )
    if found is None:
        raise NotFound(_l("No such contribution in this project."))
    return int(found)


def review_page(
    user: User, project_id: int, chosen: int | None, item_id: int | None = None
) -> dict[str, Any]:
    """What the review page shows: the project, the counts per status, the chosen
    contribution (by its id, else by the item it made, else the first waiting for the user;
    None when none waits), its place in the user's queue, whether the user may decide on it,
    and whether it is their own. Raises NotFound as :func:`contribution_project`, or for a
    chosen contribution or item not of the project."""
    project = contribution_project(user, project_id)
    if chosen is None and item_id is not None:
        chosen = contribution_of_item(project, item_id)
    chosen = chosen if chosen is not None else next_waiting(project, user)
    detail = contribution_detail(project, chosen) if chosen is not None else None
    place = queue_place(project, user, chosen) if chosen is not None else None
    own = detail is not None and detail["expert_id"] == user.id
    return {
        "project": project,
        "counts": status_counts(project),
        "contribution": detail,
        "place": place,
        "own": own,
        "may_decide": may_decide(user, project) and not own,
        "waiting": place.waiting if place else 0,
    }
