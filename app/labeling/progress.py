"""An expert's place in a project: answers given and tasks still open to them, and the
project to go on with when none is left."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.models import Annotation, Project, Task, User
from app.projects.services import open_projects


@dataclass(frozen=True)
class ExpertProgress:
    """``done`` answers of the expert in the project, out of ``total``: those plus the
    tasks still open to them when the page was drawn."""

    done: int
    total: int


def expert_progress(expert: User, project: Project) -> ExpertProgress:
    """How far the expert is in the project (check items included, as the expert sees
    them: every task they answer counts). A closed task (its item dropped, or a rejected
    contribution whose slot was given back: ``slots_taken`` above k) is open to no one."""
    done = (
        db.session.scalar(
            select(func.count()).where(
                Annotation.project_id == project.id, Annotation.annotator_id == expert.id
            )
        )
        or 0
    )
    answered = select(Annotation.task_id).where(
        Annotation.project_id == project.id, Annotation.annotator_id == expert.id
    )
    open_to_me = (
        db.session.scalar(
            select(func.count()).where(
                Task.project_id == project.id,
                Task.answers < project.overlap,
                Task.slots_taken <= project.overlap,
                Task.id.not_in(answered),
            )
        )
        or 0
    )
    return ExpertProgress(done, done + open_to_me)


def next_project(expert: User, project: Project) -> Project | None:
    """Another project open to the expert, newest first, to go on with."""
    return next((p for p in open_projects(expert) if p.id != project.id), None)
