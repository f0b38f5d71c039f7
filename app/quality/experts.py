"""An expert's reliability in a project, for the expert themself and for the people who
read the project's report: check-item accuracy with its Wilson interval and, for
classification, the expert's Dawid–Skene confusion diagonal (per label, the probability
that the expert answers the true label). Only the asked-for expert's figures leave here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from app.database import as_utc
from app.exceptions import NotFound
from app.extensions import db
from app.models import Annotation, Project, Role, User
from app.quality.stored import current_report
from app.scoping import get_owned

# What an expert's own page may show of their report line (nothing about anyone else).
OWN_FIELDS = (
    "answers",
    "agreement_with_consensus",
    "ds_accuracy",
    "ds_diagonal",
    "mean_exact_f1",
    "mean_overlap_f1",
    "mean_box_f1",
    "mean_iou",
    "mean_similarity",
    "gold_correct",
    "gold_total",
    "gold_low",
    "gold_high",
)


@dataclass(frozen=True)
class ExpertReliability:
    """One expert's figures in one project's newest report (``figures`` empty until the
    report covers the expert); ``labels`` pairs with ``figures["ds_diagonal"]``."""

    project: Project
    user_id: int
    name: str
    kind: str | None
    labels: list[str]
    figures: dict[str, Any]
    computed_at: Any

    def as_json(self) -> dict[str, Any]:
        """The API's view of it."""
        diagonal = self.figures.get("ds_diagonal")
        return {
            "project_id": self.project.id,
            "user_id": self.user_id,
            "name": self.name,
            "kind": self.kind,
            **{k: v for k, v in self.figures.items() if k != "ds_diagonal"},
            "label_reliability": [
                {"label": label, "reliability": value}
                for label, value in zip(self.labels, diagonal or [], strict=False)
            ],
            "computed_at": as_utc(self.computed_at).isoformat() if self.computed_at else None,
        }


def _answered(project_id: int, user_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Annotation.project_id == project_id, Annotation.annotator_id == user_id
                )
            )
        )
    )


def _readable_project(viewer: User, project_id: int, user_id: int) -> Project:
    if viewer.role == Role.EXPERT:
        project = db.session.get(Project, project_id)
        if viewer.id != user_id or project is None or not _answered(project_id, user_id):
            raise NotFound(_l("Not found."))
        return project
    return get_owned(Project, project_id, viewer)


def expert_reliability(
    viewer: User, project_id: int, user_id: int, enqueue: Callable[[int], None] | None = None
) -> ExpertReliability:
    """The figures of expert ``user_id`` in a project. An expert may ask only for their own
    figures in a project they answered; vendors (their organization's projects), auditors
    and admins for any expert of the report. Raises NotFound otherwise, or when the expert
    is unknown to the project."""
    project = _readable_project(viewer, project_id, user_id)
    report = current_report(project, enqueue)
    payload = report.payload if report else {}
    row = next((e for e in payload.get("experts", []) if e["user_id"] == user_id), None)
    if row is None and (viewer.role != Role.EXPERT or not _answered(project.id, user_id)):
        raise NotFound(_l("Not found."))
    name = db.session.scalar(select(User.name).where(User.id == user_id)) or ""
    figures = {key: row[key] for key in OWN_FIELDS if row and key in row}
    return ExpertReliability(
        project,
        user_id,
        name,
        payload.get("kind"),
        list(payload.get("labels", [])),
        figures,
        report.computed_at if report else None,
    )


def own_projects(expert: User, limit: int = 50) -> list[Project]:
    """The projects the expert has answered in, newest first."""
    answered = select(Annotation.project_id).where(Annotation.annotator_id == expert.id)
    return list(
        db.session.scalars(
            select(Project).where(Project.id.in_(answered)).order_by(Project.id.desc()).limit(limit)
        )
    )
