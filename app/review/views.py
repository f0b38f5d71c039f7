"""Review pages: the reviewer's projects, then one disputed item at a time."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.exceptions import ServiceError
from app.jobs import enqueue_quality_refresh
from app.models import Role
from app.permissions import roles_required
from app.review import services as review

bp = Blueprint("review", __name__, url_prefix="/review")


@bp.get("/")
@roles_required(Role.EXPERT)
def index() -> ResponseReturnValue:
    """The projects the expert reviews."""
    return render_template("review/index.html", projects=review.reviewed_projects(current_user))


@bp.get("/<int:project_id>")
@roles_required(Role.EXPERT, Role.VENDOR, Role.AUDITOR, Role.ADMIN)
def queue(project_id: int) -> ResponseReturnValue:
    """The next disputed item with every expert's answer side by side."""
    project = review.reviewable_project(current_user, project_id)
    items, waiting = review.waiting_items(project, enqueue_quality_refresh)
    chosen = request.args.get("item", type=int)
    entry = next((e for e in items if e["item_id"] == chosen), None)
    if entry is None and chosen is not None:  # drill-down into any item of the project
        entry = {"item_id": chosen}
    entry = entry or (items[0] if items else None)
    detail = review.item_answers(project, entry["item_id"]) if entry else None
    return render_template("review/queue.html", project=project, entry=entry, detail=detail,
                           remaining=waiting,
                           may_adjudicate=review.is_reviewer(current_user, project.id))


@bp.post("/<int:project_id>/items/<int:item_id>")
@roles_required(Role.EXPERT)
def adjudicate(project_id: int, item_id: int) -> ResponseReturnValue:
    """Record the reviewer's label, or the expert answer they picked, and move on."""
    label, answer = request.form.get("label"), request.form.get("answer", "")
    if not label and not answer.isdigit():
        abort(400)
    try:
        if label:
            review.adjudicate(current_user, project_id, item_id, {"label": label},
                              enqueue_quality_refresh)
            flash(_("Saved: “%(label)s”.", label=label), "info")
        else:
            review.adopt_answer(current_user, project_id, item_id, int(answer),
                                enqueue_quality_refresh)
            flash(_("Saved: the chosen answer is now the final answer."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("review.queue", project_id=project_id))
