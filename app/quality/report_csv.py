"""The quality report as CSV: overall figures, per label, per expert (whatever the report's
kind holds), then every item's line streamed from the stored per-item table."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.extensions import db
from app.models import Project
from app.models.quality import QualityItem
from app.quality.collection import acceptance
from app.quality.stored import latest_report

ITEM_BATCH = 5000


def _headers() -> dict[str, str]:
    return {
        "label": _("Label"),
        "alpha": "α",
        "share": _("Share"),
        "exact_f1": _("Span F1 (exact)"),
        "spans": _("Spans"),
        "box_f1": _("Box F1"),
        "mean_iou": _("Mean IoU"),
        "boxes": _("Boxes"),
        "name": _("Expert"),
        "answers": _("Answers"),
        "agreement_with_consensus": _("Agreement with consensus"),
        "ds_accuracy": _("Estimated accuracy"),
        "mean_exact_f1": _("Mean span F1 with the others"),
        "mean_overlap_f1": _("Mean overlap F1 with the others"),
        "mean_box_f1": _("Mean box F1 with the others"),
        "mean_similarity": _("Mean similarity with the others"),
        "gold_correct": _("Check items right"),
        "gold_total": _("Check items"),
        "gold_low": _("Check items: Wilson interval, low"),
        "gold_high": _("Check items: Wilson interval, high"),
        "accepted": _("Accepted"),
        "rejected": _("Rejected"),
        "pending": _("Waiting for a decision"),
        "acceptance_rate": _("Acceptance rate"),
    }


def _table(rows: list[dict[str, Any]], labels: list[str]) -> Iterator[list[Any]]:
    headers = _headers()
    keys = [key for key in rows[0] if key in headers] if rows else []
    diagonal = labels if rows and "ds_diagonal" in rows[0] else []
    yield [headers[key] for key in keys] + [
        _("Reliability: %(label)s", label=label) for label in diagonal
    ]
    for row in rows:
        yield [row[key] for key in keys] + list((row.get("ds_diagonal") or [])[: len(diagonal)])


def _item_lines(project_id: int) -> Iterator[list[Any]]:
    yield [
        _("Item"),
        _("Answers"),
        _("Agreement"),
        _("Consensus"),
        _("Posterior"),
        _("Check item"),
        _("Decided by a reviewer"),
    ]
    table = QualityItem.__table__
    last = -1
    while True:  # keyset pages: memory stays flat at 200,000 items
        rows = db.session.execute(
            select(
                table.c.item_id,
                table.c.answers,
                table.c.agreement,
                table.c.consensus,
                table.c.posterior,
                table.c.is_gold,
                table.c.adjudicated,
            )
            .where(table.c.project_id == project_id, table.c.item_id > last)
            .order_by(table.c.item_id)
            .limit(ITEM_BATCH)
        ).all()
        if not rows:
            return
        for row in rows:
            yield [*row[:5], _("yes") if row[5] else "", _("yes") if row[6] else ""]
        last = rows[-1][0]


def _acceptance_rows(project: Project) -> Iterator[list[Any]]:
    figures = acceptance(project)
    yield from ([key, value] for key, value in figures["overall"].items())
    yield []
    yield from _table(figures["experts"], [])


def report_rows(project: Project) -> Iterator[list[Any]]:
    """Every row of the project's report CSV, in order (the caller streams them)."""
    report = latest_report(project.id)
    payload = report.payload if report else {}
    labels = list(payload.get("labels", []))
    yield [_("Project"), project.name]
    yield [_("Computed at"), report.computed_at.isoformat() if report else ""]
    yield from ([key, value] for key, value in payload.get("overall", {}).items())
    if project.task_type == "collect":  # the review decisions, counted now
        yield from _acceptance_rows(project)
    for section in ("per_label", "experts"):
        yield []
        yield from _table(payload.get(section, []), labels)
    yield []
    yield from _item_lines(project.id)
