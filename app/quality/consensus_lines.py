"""Per-item lines of the task types whose answers are not single labels (spans, boxes,
cleaned or collected texts, label sets): each item's consensus answer by the merge rules of
:mod:`app.quality.consensus`, its agreement, and whether a reviewer decided it; the check
items' lines are added (:mod:`app.quality.check_items`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import Adjudication, Project
from app.quality.check_items import gold_rows
from app.quality.consensus import consensus_answer
from app.quality.items import ItemLines, ItemRow, answer_summary, identical_pair_share


def adjudicated_items(project_id: int) -> set[int]:
    """Items of the project a reviewer decided."""
    return set(
        db.session.scalars(
            select(Adjudication.item_id).where(Adjudication.project_id == project_id)
        )
    )


def generic_rows(
    project: Project,
    answers: dict[int, list[dict[str, Any]]],
    agreement: dict[int, float | None] | None = None,
) -> list[ItemRow]:
    """Lines for answers that are not single labels: the consensus answer (merge rules of
    :mod:`app.quality.consensus`) and,
    unless given, the share of identical answer pairs as agreement."""
    decided = adjudicated_items(project.id)
    rows: list[ItemRow] = []
    for item, results in sorted(answers.items()):
        consensus = consensus_answer(project.task_type, results)
        share = agreement[item] if agreement is not None else identical_pair_share(results)
        rows.append(
            (
                item,
                len(results),
                share,
                None if consensus is None else answer_summary(project.task_type, consensus),
                None,
                False,
                item in decided,
            )
        )
    return rows


def item_lines(
    project: Project,
    answers: dict[int, list[dict[str, Any]]],
    agreement: dict[int, float | None] | None = None,
) -> ItemLines:
    """The lines of a project whose answers are not single labels, check items included."""
    return ItemLines.from_rows(generic_rows(project, answers, agreement) + gold_rows(project))
