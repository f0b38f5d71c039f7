"""Stored quality reports: the newest one, whether it misses answers, the per-item table page
and the figures pages show. Computing and storing a report is :mod:`app.quality.report`'s."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from app.database import as_utc
from app.extensions import db
from app.models import Annotation, Contribution, Project, QualityReport, User
from app.projects.services import project_progress
from app.quality.collection import decided_count
from app.quality.item_store import newest_answer_id
from app.quality.item_table import ItemQuery, list_items
from app.scoping import list_owned


def latest_report(project_id: int) -> QualityReport | None:
    """The newest stored report of a project."""
    return db.session.scalar(
        select(QualityReport)
        .where(QualityReport.project_id == project_id)
        .order_by(QualityReport.id.desc())
        .limit(1)
    )


def report_is_stale(project: Project, report: QualityReport | None) -> bool:
    """True when answers (check items' too) arrived after the report was computed, or, in a
    collection project, contributions were accepted or rejected since (only accepted ones are
    lines of its per-item table)."""
    if (report.last_annotation_id if report else -1) < newest_answer_id(project.id):
        return True
    if project.task_type != "collect" or report is None:
        return False
    return int(report.payload.get("decisions", 0)) < decided_count(project.id)


def report_is_stale_by_id(project_id: int) -> bool:
    """True when the project exists and its newest report misses answers."""
    project = db.session.get(Project, project_id)
    return project is not None and report_is_stale(project, latest_report(project_id))


def projects_needing_reports() -> list[int]:
    """Projects whose newest answer is newer than their newest report, then collection
    projects whose newest report misses decisions."""
    newest_answer = (
        select(Annotation.project_id, func.max(Annotation.id).label("last"))
        .group_by(Annotation.project_id)
        .subquery()
    )
    newest_report = (
        select(QualityReport.project_id, func.max(QualityReport.last_annotation_id).label("seen"))
        .group_by(QualityReport.project_id)
        .subquery()
    )
    rows = db.session.execute(
        select(newest_answer.c.project_id)
        .outerjoin(newest_report, newest_report.c.project_id == newest_answer.c.project_id)
        .where(newest_answer.c.last > func.coalesce(newest_report.c.seen, -1))
    ).all()
    stale = [row[0] for row in rows]
    decided = select(Contribution.project_id).where(Contribution.status != "pending").distinct()
    for project_id in db.session.scalars(decided.order_by(Contribution.project_id)):
        if project_id not in stale and report_is_stale_by_id(project_id):
            stale.append(project_id)
    return stale


def current_report(
    project: Project, enqueue: Callable[[int], None] | None = None
) -> QualityReport | None:
    """The newest report; when it is stale, ``enqueue`` asks the worker for a fresh one."""
    report = latest_report(project.id)
    if enqueue is not None and report_is_stale(project, report):
        enqueue(project.id)
        report = latest_report(project.id)  # immediate mode (tests) computed it already
    return report


def item_table(
    project: Project, query: ItemQuery, enqueue: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """A page of the newest report's per-item lines (a stale report is queued for
    recomputation, as :func:`current_report` does), with the report's time."""
    report = current_report(project, enqueue)
    return {
        **list_items(project, query),
        "computed_at": as_utc(report.computed_at).isoformat() if report else None,
        "stale": report_is_stale(project, report),
    }


def alpha_history(project_id: int, limit: int = 100) -> list[tuple[Any, float]]:
    """(time, α) of the last reports, oldest first, for the chart."""
    rows = db.session.execute(
        select(QualityReport.computed_at, QualityReport.alpha)
        .where(QualityReport.project_id == project_id, QualityReport.alpha.is_not(None))
        .order_by(QualityReport.id.desc())
        .limit(limit)
    ).all()
    return [(at, alpha) for at, alpha in reversed(rows)]


def project_quality(
    project: Project, enqueue: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Progress (live) and α (from the newest report); α is None when undefined."""
    progress = project_progress(project)
    report = current_report(project, enqueue)
    return {
        "items_total": progress.items_total,
        "items_complete": progress.items_complete,
        "annotations": progress.annotations,
        "krippendorff_alpha": report.alpha if report else None,
        "computed_at": as_utc(report.computed_at).isoformat() if report else None,
        "stale": report_is_stale(project, report),
    }


def projects_with_quality(user: User, limit: int = 50) -> list[tuple[Project, dict[str, Any]]]:
    """The projects the user may read, each with its progress and newest α."""
    return [(p, project_quality(p)) for p in list_owned(Project, user, limit)]
