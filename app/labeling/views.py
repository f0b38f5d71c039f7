"""The labeling page; the claim/submit loop runs in static/js/workbench-core.js (plus one
script per task type) over the API."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.labeling.contributions import collects_pictures, own_contributions
from app.labeling.progress import expert_progress, next_project
from app.labeling.skip_reasons import SKIP_REASONS
from app.models import Role
from app.permissions import roles_required
from app.projects.services import get_open_project

bp = Blueprint("annotate", __name__, url_prefix="/annotate")


@bp.get("/<int:project_id>")
@roles_required(Role.EXPERT)
def workbench(project_id: int) -> ResponseReturnValue:
    """The workbench of one project."""
    project = get_open_project(current_user, project_id)
    return render_template(
        "annotate/workbench.html",
        project=project,
        pictures=collects_pictures(project),
        skip_reasons=SKIP_REASONS,
        progress=expert_progress(current_user, project),
        next_project=next_project(current_user, project),
    )


@bp.get("/contributions")
@roles_required(Role.EXPERT)
def my_contributions() -> ResponseReturnValue:
    """The expert's own contributions: accepted, rejected (with the reason) or waiting."""
    listing = own_contributions(
        current_user, request.args.get("status") or None, request.args.get("page", 1, type=int)
    )
    return render_template("annotate/contributions.html", listing=listing)
