"""The quality report page of a project and its CSV export."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app import charts
from app.csv_export import csv_lines
from app.exceptions import Invalid
from app.exports import services as exports
from app.exports.formats import DEFAULT, FORMATS
from app.jobs import enqueue_export, enqueue_quality_refresh
from app.models import Project, Role
from app.permissions import roles_required
from app.projects.services import project_facts
from app.quality.collection import acceptance
from app.quality.experts import expert_reliability, own_projects
from app.quality.item_table import SORTS, parse_item_query
from app.quality.report_csv import report_rows
from app.quality.stored import (
    alpha_history,
    item_table,
    latest_report,
    project_quality,
)
from app.scoping import get_owned

bp = Blueprint("reports", __name__, url_prefix="/projects")
READERS = (Role.VENDOR, Role.AUDITOR, Role.ADMIN)


# The figure each kind of report charts per label and per expert.
LABEL_FIGURE = {"classify": "alpha", "multi": "alpha", "ner": "exact_f1", "bbox": "box_f1"}
EXPERT_FIGURE = {
    "classify": "ds_accuracy",
    "ner": "mean_exact_f1",
    "bbox": "mean_box_f1",
    "clean": "mean_similarity",
    "multi": "mean_jaccard",
}


@bp.get("/<int:project_id>/quality")
@roles_required(*READERS)
def quality(project_id: int) -> ResponseReturnValue:
    """Agreement overall, per label and per expert, with charts."""
    project = get_owned(Project, project_id, current_user)
    summary = project_quality(project, enqueue_quality_refresh)
    report = latest_report(project.id)
    payload = report.payload if report else {}
    history = alpha_history(project.id)
    kind = payload.get("kind", "classify")
    label_bars = charts.signed_bars(
        [
            (row["label"], row.get(LABEL_FIGURE.get(kind, "")))
            for row in payload.get("per_label", [])
        ]
    )
    expert_bars = charts.bars(
        [(row["name"], row.get(EXPERT_FIGURE.get(kind, ""))) for row in payload.get("experts", [])]
    )
    return render_template(
        "reports/quality.html",
        project=project,
        facts=project_facts(project),
        summary=summary,
        report=report,
        payload=payload,
        label_bars=label_bars,
        expert_bars=expert_bars,
        history=history,
        history_line=charts.polyline([a for _, a in history]),
        heat=charts.heat(payload.get("confusion", [])),
        chart_width=charts.WIDTH,
        label_width=charts.LABEL_WIDTH,
        acceptance=acceptance(project) if project.task_type == "collect" else None,
    )


@bp.get("/<int:project_id>/quality/items")
@roles_required(*READERS)
def quality_items(project_id: int) -> ResponseReturnValue:
    """The per-item table of the newest report: paginated, sorted from an allow-list."""
    project = get_owned(Project, project_id, current_user)
    query = parse_item_query(request.args.to_dict())
    table = item_table(project, query, enqueue_quality_refresh)
    return render_template(
        "reports/items.html",
        project=project,
        table=table,
        sorts=SORTS,
        report=latest_report(project.id),
    )


@bp.get("/<int:project_id>/quality/experts/<int:user_id>")
@roles_required(Role.EXPERT, *READERS)
def expert_quality(project_id: int, user_id: int) -> ResponseReturnValue:
    """One expert's reliability: their own page, or a reader's view of any expert."""
    mine = expert_reliability(current_user, project_id, user_id, enqueue_quality_refresh)
    diagonal = mine.figures.get("ds_diagonal") or []
    collected = None
    if mine.project.task_type == "collect":  # contributions are judged by their acceptance
        experts = acceptance(mine.project)["experts"]
        collected = next((e for e in experts if e["user_id"] == user_id), None)
    return render_template(
        "reports/expert.html",
        mine=mine,
        collected=collected,
        chart_width=charts.WIDTH,
        label_width=charts.LABEL_WIDTH,
        diagonal_bars=charts.bars(list(zip(mine.labels, diagonal, strict=False))),
    )


@bp.get("/mine/quality")
@roles_required(Role.EXPERT)
def my_quality() -> ResponseReturnValue:
    """The projects an expert answered in, each linking to their own figures."""
    return render_template("reports/mine.html", projects=own_projects(current_user))


@bp.post("/<int:project_id>/exports")
@roles_required(*READERS)
def create_export(project_id: int) -> ResponseReturnValue:
    """Queue an export in the chosen format and show its progress."""
    fmt = request.form.get("format") or DEFAULT
    try:
        export = exports.request_export(current_user, project_id, enqueue_export, fmt)
    except Invalid as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("projects.show", project_id=project_id))
    return redirect(url_for("reports.show_export", export_id=export.id))


@bp.get("/exports/<int:export_id>")
@roles_required(*READERS)
def show_export(export_id: int) -> ResponseReturnValue:
    """Progress of an export and, once ready, its download link."""
    export = exports.get_export(current_user, export_id)
    return render_template(
        "reports/export.html",
        export=exports.export_json(export, download_link),
        export_format=FORMATS[export.format],
    )


def download_link(export_id: int) -> str:
    """The app's download address of an export (streamed through the API route)."""
    return url_for("api.download_export", export_id=export_id)


@bp.get("/<int:project_id>/quality.csv")
@roles_required(*READERS)
def quality_csv(project_id: int) -> ResponseReturnValue:
    """The report as CSV: overall, per label, per expert, per item (streamed)."""
    project = get_owned(Project, project_id, current_user)
    rows = report_rows(project)
    filename = f"quality-project-{project.id}.csv"
    return Response(
        stream_with_context(csv_lines(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
