"""A project's agreement figures, computed by :mod:`quality` from the stored answers."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sqlalchemy import select

from app.extensions import db
from app.models import Annotation, Project, User
from app.services.projects import project_progress
from app.services.scoping import list_owned
from quality import krippendorff_alpha


def reliability_matrix(project: Project) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Raters × items matrix of label indices, ``nan`` where a rater gave no answer."""
    rows = db.session.execute(
        select(Annotation.annotator_id, Annotation.item_id, Annotation.result)
        .where(Annotation.project_id == project.id, Annotation.gold_score.is_(None))).all()
    label_index = {label: i for i, label in enumerate(project.labels)}
    raters = {r: i for i, r in enumerate(sorted({row[0] for row in rows}))}
    items = {t: i for i, t in enumerate(sorted({row[1] for row in rows}))}
    data = np.full((len(raters), len(items)), np.nan)
    for rater, item, result in rows:
        label = result.get("label")
        if label in label_index:
            data[raters[rater], items[item]] = label_index[label]
    return data


def projects_with_quality(user: User, limit: int = 50) -> list[tuple[Project, dict[str, Any]]]:
    """The projects the user may read, each with its progress and agreement."""
    return [(p, project_quality(p)) for p in list_owned(Project, user, limit)]


def project_quality(project: Project) -> dict[str, Any]:
    """Progress and Krippendorff's α (nominal); α is None when undefined (too few answers)."""
    progress = project_progress(project)
    data = reliability_matrix(project)
    alpha: float | None = None
    if data.size:
        value = float(krippendorff_alpha(data, level="nominal"))
        alpha = None if math.isnan(value) else round(value, 4)
    return {"items_total": progress.items_total, "items_complete": progress.items_complete,
            "annotations": progress.annotations, "krippendorff_alpha": alpha}
