"""Review: reviewers adjudicate the items whose experts disagree; the final label follows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import record_event
from app.database import begin_write
from app.exceptions import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import Adjudication, Annotation, Item, Project, ProjectReviewer, Role, User
from app.projects.services import project_config
from app.quality.stored import current_report
from app.review.drilldown import drawing
from app.rosters import add_expert_by_email
from app.rule_messages import rule_message
from app.scoping import get_managed, reads_everything
from tasks import InvalidAnswer, task_type


@dataclass(frozen=True)
class ItemAnswers:
    """One item with every expert's answer and the adjudication, side by side."""

    item_id: int
    text: str
    answers: list[dict[str, Any]]
    adjudication: dict[str, Any] | None
    image_size: tuple[int, int] | None = None


def add_reviewer(manager: User, project_id: int, email: str) -> User:
    """Make an expert a reviewer of a project of the manager's organization."""
    begin_write()
    project = get_managed(Project, project_id, manager)
    expert, added = add_expert_by_email(
        ProjectReviewer,
        {"project_id": project.id},
        email,
        unknown=NotFound(_l("No expert with this email.")),
        repeat=None,  # naming a reviewer again changes nothing
    )
    if added:
        record_event(
            "reviewer_added",
            manager,
            object_type="project",
            object_id=project.id,
            reviewer=expert.id,
        )
    db.session.commit()
    return expert


def remove_reviewer(manager: User, project_id: int, user_id: int) -> None:
    """Stop an expert reviewing a project of the manager's organization; their earlier
    decisions stay. NotFound when the project is not the manager's or the expert is not
    one of its reviewers."""
    begin_write()
    project = get_managed(Project, project_id, manager)
    reviewer = db.session.scalar(
        select(ProjectReviewer).where(
            ProjectReviewer.project_id == project.id, ProjectReviewer.user_id == user_id
        )
    )
    if reviewer is None:
        raise NotFound(_l("This expert does not review the project."))
    db.session.delete(reviewer)
    record_event(
        "reviewer_removed", manager, object_type="project", object_id=project.id, reviewer=user_id
    )
    db.session.commit()


def project_reviewers(project: Project) -> list[User]:
    """The reviewers of a project, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(ProjectReviewer, ProjectReviewer.user_id == User.id)
            .where(ProjectReviewer.project_id == project.id)
            .order_by(User.name, User.id)
        )
    )


def answered_it(user: User, project_id: int, item_id: int) -> bool:
    """True when the user answered the item in the project (a reviewer must not decide a
    dispute they are a party to)."""
    return (
        db.session.scalar(
            select(Annotation.id)
            .where(
                Annotation.project_id == project_id,
                Annotation.item_id == item_id,
                Annotation.annotator_id == user.id,
            )
            .limit(1)
        )
        is not None
    )


def is_reviewer(user: User, project_id: int) -> bool:
    """True for an expert made reviewer of the project."""
    return (
        db.session.scalar(
            select(ProjectReviewer.id).where(
                ProjectReviewer.project_id == project_id, ProjectReviewer.user_id == user.id
            )
        )
        is not None
    )


def reviewable_project(user: User, project_id: int) -> Project:
    """A project the user reviews (reviewer), manages (its vendor) or audits; else NotFound."""
    project = db.session.get(Project, project_id)
    if project is None:
        raise NotFound(_l("Not found."))
    if reads_everything(user) or (
        user.role == Role.VENDOR and project.organization_id == user.organization_id
    ):
        return project
    if is_reviewer(user, project.id):
        return project
    raise NotFound(_l("Not found."))


def reviewed_projects(user: User) -> list[Project]:
    """Projects the expert is a reviewer of."""
    return list(
        db.session.scalars(
            select(Project)
            .join(ProjectReviewer, ProjectReviewer.project_id == Project.id)
            .where(ProjectReviewer.user_id == user.id)
            .order_by(Project.id.desc())
        )
    )


def waiting_items(
    project: Project, enqueue: Callable[..., None]
) -> tuple[list[dict[str, Any]], int]:
    """The newest report's disputed items that no one adjudicated since, and how many wait
    in all: the report lists at most ``REVIEW_LIST_LIMIT`` (least agreement first) but counts
    every one in ``review_total``. A stale report is queued for recomputation."""
    report = current_report(project, enqueue)
    if report is None:
        return [], 0
    done = set(
        db.session.scalars(
            select(Adjudication.item_id).where(Adjudication.project_id == project.id)
        )
    )
    listed = report.payload.get("review", [])
    waiting = [entry for entry in listed if entry["item_id"] not in done]
    total = int(report.payload.get("review_total", len(listed))) - (len(listed) - len(waiting))
    return waiting, max(total, len(waiting))


def item_answers(project: Project, item_id: int) -> ItemAnswers:
    """Every expert's answer to one item of the project; NotFound for a foreign item."""
    item = db.session.get(Item, item_id)
    if item is None or item.corpus_id != project.corpus_id:
        raise NotFound(_l("Not found."))
    rows = db.session.execute(
        select(User.name, Annotation.result, Annotation.id)
        .join(User, User.id == Annotation.annotator_id)
        .where(
            Annotation.project_id == project.id,
            Annotation.item_id == item_id,
            Annotation.gold_score.is_(None),
        )
        .order_by(Annotation.id)
    ).all()
    adjudication = db.session.scalar(
        select(Adjudication.result).where(
            Adjudication.project_id == project.id, Adjudication.item_id == item_id
        )
    )
    size = item.image_size
    answers = [
        {
            "id": answer_id,
            "expert": name,
            "result": result,
            "drawing": drawing(project.task_type, item.text, result, size),
        }
        for name, result, answer_id in rows
    ]
    return ItemAnswers(item.id, item.text, answers, adjudication, size)


def _reviewer_project(reviewer: User, project_id: int, item_id: int) -> Project:
    project = reviewable_project(reviewer, project_id)
    if not is_reviewer(reviewer, project.id):
        raise NotFound(_l("Not found."))
    if answered_it(reviewer, project.id, item_id):
        raise Conflict(
            _l("You answered this item yourself, so another reviewer must decide it."),
            code="own_answer",
        )
    return project


def queue_position(
    items: list[dict[str, Any]], item_id: int | None
) -> tuple[int | None, int | None, int | None]:
    """(1-based position of ``item_id`` among the waiting ``items``, the previous and the
    next waiting item id); position None for an item not waiting (a drill-down)."""
    ids = [entry["item_id"] for entry in items]
    if item_id not in ids:
        return None, None, ids[0] if ids else None
    at = ids.index(item_id)
    return (at + 1, ids[at - 1] if at > 0 else None, ids[at + 1] if at + 1 < len(ids) else None)


def _record(
    reviewer: User,
    project: Project,
    item_id: int,
    answer: dict[str, Any],
    enqueue: Callable[..., None],
    **detail: Any,
) -> Adjudication:
    adjudication = db.session.scalar(
        select(Adjudication).where(
            Adjudication.project_id == project.id, Adjudication.item_id == item_id
        )
    )
    if adjudication is None:
        adjudication = Adjudication(
            project_id=project.id, item_id=item_id, reviewer_id=reviewer.id, result=answer
        )
        db.session.add(adjudication)
    else:
        adjudication.result, adjudication.reviewer_id = answer, reviewer.id
    db.session.flush()
    record_event(
        "item_adjudicated",
        reviewer,
        object_type="item",
        object_id=item_id,
        project=project.id,
        **detail,
    )
    db.session.commit()
    enqueue(project.id, force=True)
    return adjudication


def adjudicate(
    reviewer: User, project_id: int, item_id: int, result: object, enqueue: Callable[..., None]
) -> Adjudication:
    """Record the final answer for an item (replacing an earlier one) and refresh the report.

    Raises NotFound (not a reviewer of the project, or a foreign item), Conflict (the
    reviewer answered the item) or Invalid (the answer does not fit the project).
    """
    begin_write()
    project = _reviewer_project(reviewer, project_id, item_id)
    item = item_answers(project, item_id)
    try:
        answer = task_type(project.task_type).validate_result(
            result, project_config(project), item_text=item.text, image_size=item.image_size
        )
    except InvalidAnswer as exc:
        raise Invalid(rule_message(exc), code=exc.code) from None
    return _record(reviewer, project, item_id, answer, enqueue)


def adopt_answer(
    reviewer: User, project_id: int, item_id: int, answer_id: object, enqueue: Callable[..., None]
) -> Adjudication:
    """Make one expert's answer to the item its final answer (entities, cleaning, boxes:
    the reviewer picks the best of the answers given) and refresh the report.

    Raises NotFound (not a reviewer, a foreign item), Conflict (the reviewer answered the
    item) or Invalid (``answer_id`` is not an answer to this item).
    """
    begin_write()
    project = _reviewer_project(reviewer, project_id, item_id)
    item = item_answers(project, item_id)
    chosen = next(
        (a for a in item.answers if a["id"] == answer_id and not isinstance(answer_id, bool)), None
    )
    if chosen is None:
        raise Invalid(_l("Choose one of the answers given to this item."), code="bad_answer")
    return _record(reviewer, project, item_id, chosen["result"], enqueue, answer_id=answer_id)
