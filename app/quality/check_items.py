"""The check items' part of a quality report: one line per answered check item (how many
answered it, the share that passed, its known answer) and each expert's check-item record with
its Wilson interval. A check answer passes by :func:`app.projects.gold.passed_check`."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.models import Annotation, Project, Task
from app.projects.gold import passed_check
from app.projects.services import project_config
from app.quality.items import ItemRow, answer_summary, rounded
from quality import wilson_interval


def gold_rows(project: Project) -> list[ItemRow]:
    """Lines of the answered check items: answers, share that passed, the known answer."""
    known = dict(
        db.session.execute(
            select(Task.item_id, Task.gold_answer).where(
                Task.project_id == project.id, Task.is_gold.is_(True)
            )
        )
        .tuples()
        .all()
    )
    rows = db.session.execute(
        select(
            Annotation.item_id,
            func.count(),
            func.count().filter(passed_check(project_config(project))),
        )
        .where(Annotation.project_id == project.id, Annotation.gold_score.is_not(None))
        .group_by(Annotation.item_id)
    ).all()
    return [
        (
            int(item),
            int(total),
            rounded(passed / total),
            answer_summary(project.task_type, known.get(item) or {}),
            None,
            True,
            False,
        )
        for item, total, passed in rows
    ]


def gold_by_worker(project: Project) -> dict[int, tuple[int, int]]:
    """(check items passed, check items answered) per expert of the project."""
    rows = db.session.execute(
        select(
            Annotation.annotator_id,
            func.count().filter(passed_check(project_config(project))),
            func.count(),
        )
        .where(Annotation.project_id == project.id, Annotation.gold_score.is_not(None))
        .group_by(Annotation.annotator_id)
    ).all()
    return {worker: (int(correct), int(total)) for worker, correct, total in rows}


def gold_fields(gold: dict[int, tuple[int, int]], worker: int) -> dict[str, Any]:
    """An expert's check-item record with its 95 % Wilson interval (Wilson 1927)."""
    correct, total = gold.get(worker, (0, 0))
    low, high = wilson_interval(correct, total) if total else (math.nan, math.nan)
    return {
        "gold_correct": correct,
        "gold_total": total,
        "gold_low": rounded(low),
        "gold_high": rounded(high),
    }
