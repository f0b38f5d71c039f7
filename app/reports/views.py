"""The quality report page of a project and its CSV export."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.jobs import enqueue_export, enqueue_quality_refresh
from app.models import Project, Role
from app.permissions import roles_required
from app.services import charts, exports
from app.services.csv_export import csv_text
from app.services.quality_report import alpha_history, latest_report, project_quality
from app.services.scoping import get_owned
from app.storage import object_store

bp = Blueprint("reports", __name__, url_prefix="/projects")
READERS = (Role.VENDOR, Role.AUDITOR, Role.ADMIN)


@bp.get("/<int:project_id>/quality")
@roles_required(*READERS)
def quality(project_id: int) -> ResponseReturnValue:
    """Agreement overall, per label and per expert, with charts."""
    project = get_owned(Project, project_id, current_user)
    summary = project_quality(project, enqueue_quality_refresh)
    report = latest_report(project.id)
    payload = report.payload if report else {}
    history = alpha_history(project.id)
    label_bars = charts.bars([(row["label"], row["alpha"])
                              for row in payload.get("per_label", [])], low=-0.2)
    expert_bars = charts.bars([(row["name"], row.get("ds_accuracy"))
                               for row in payload.get("experts", [])])
    return render_template(
        "reports/quality.html", project=project, summary=summary, report=report,
        payload=payload, label_bars=label_bars, expert_bars=expert_bars,
        history=history, history_line=charts.polyline([a for _, a in history]),
        heat=charts.heat(payload.get("confusion", [])), chart_width=charts.WIDTH,
        label_width=charts.LABEL_WIDTH)


@bp.post("/<int:project_id>/exports")
@roles_required(*READERS)
def create_export(project_id: int) -> ResponseReturnValue:
    """Queue an export and show its progress."""
    export = exports.request_export(current_user, project_id, enqueue_export)
    return redirect(url_for("reports.show_export", export_id=export.id))


@bp.get("/exports/<int:export_id>")
@roles_required(*READERS)
def show_export(export_id: int) -> ResponseReturnValue:
    """Progress of an export and, once ready, its download link."""
    export = exports.get_export(current_user, export_id)
    return render_template("reports/export.html",
                           export=exports.export_json(export, object_store()))


@bp.get("/<int:project_id>/quality.csv")
@roles_required(*READERS)
def quality_csv(project_id: int) -> ResponseReturnValue:
    """The report as CSV: overall figures, per label, per expert."""
    project = get_owned(Project, project_id, current_user)
    report = latest_report(project.id)
    payload = report.payload if report else {}
    overall = payload.get("overall", {})
    rows: list[list[object]] = [[_("Project"), project.name],
                                [_("Computed at"), report.computed_at if report else ""]]
    rows += [[key, value] for key, value in overall.items()]
    rows += [[], [_("Label"), "alpha", _("Share")]]
    rows += [[r["label"], r["alpha"], r["share"]] for r in payload.get("per_label", [])]
    rows += [[], [_("Expert"), _("Answers"), _("Agreement with consensus"),
                  _("Estimated accuracy"), _("Check items right"), _("Check items")]]
    rows += [[r["name"], r["answers"], r.get("agreement_with_consensus"),
              r.get("ds_accuracy"), r.get("gold_correct"), r.get("gold_total")]
             for r in payload.get("experts", [])]
    filename = f"quality-project-{project.id}.csv"
    return Response(csv_text(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})
