"""Review pages: the reviewer's projects, the queue of disputed items one at a time (with
previous, next and counts), the decision, the vendor's appointing of reviewers, and the
accepting or rejecting of a collection project's contributions."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.exceptions import ServiceError
from app.jobs import enqueue_quality_refresh
from app.models import Role
from app.permissions import roles_required
from app.review import contributions as collected
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
    """One disputed item with every expert's answer side by side, previous and next."""
    project = review.reviewable_project(current_user, project_id)
    items, waiting = review.waiting_items(project, enqueue_quality_refresh)
    chosen = request.args.get("item", type=int)
    entry = next((e for e in items if e["item_id"] == chosen), None)
    if entry is None and chosen is not None:  # drill-down into any item of the project
        entry = {"item_id": chosen}
    entry = entry or (items[0] if items else None)
    position, previous, following = review.queue_position(
        items, entry["item_id"] if entry else None
    )
    detail = review.item_answers(project, entry["item_id"]) if entry else None
    reviewer = review.is_reviewer(current_user, project.id)
    own = entry is not None and review.answered_it(current_user, project.id, entry["item_id"])
    return render_template(
        "review/queue.html",
        project=project,
        entry=entry,
        detail=detail,
        remaining=waiting,
        listed=len(items),
        position=position,
        previous=previous,
        following=following,
        own_answer=own,
        may_adjudicate=reviewer and not own,
    )


def _decide(project_id: int, item_id: int) -> str:
    """Record what the form carries: a label, an expert's answer or an edited result."""
    label, answer = request.form.get("label"), request.form.get("answer", "")
    edited = request.form.get("result")
    if label:
        review.adjudicate(
            current_user, project_id, item_id, {"label": label}, enqueue_quality_refresh
        )
        return str(_("Saved: “%(label)s”.", label=label))
    if edited:
        try:
            result = json.loads(edited)
        except ValueError:
            abort(400)
        review.adjudicate(current_user, project_id, item_id, result, enqueue_quality_refresh)
        return str(_("Saved: your edited answer is now the final answer."))
    if not answer.isdigit():
        abort(400)
    review.adopt_answer(current_user, project_id, item_id, int(answer), enqueue_quality_refresh)
    return str(_("Saved: the chosen answer is now the final answer."))


@bp.post("/<int:project_id>/items/<int:item_id>")
@roles_required(Role.EXPERT)
def adjudicate(project_id: int, item_id: int) -> ResponseReturnValue:
    """Record the reviewer's decision and move on to the next waiting item."""
    following = request.form.get("next", type=int)
    try:
        flash(_decide(project_id, item_id), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("review.queue", project_id=project_id, item=item_id))
    return redirect(
        url_for("review.queue", project_id=project_id, item=following)
        if following
        else url_for("review.queue", project_id=project_id)
    )


@bp.post("/<int:project_id>/reviewers")
@roles_required(Role.VENDOR)
def add_reviewer(project_id: int) -> ResponseReturnValue:
    """Appoint an expert (by email) reviewer of the vendor's project."""
    try:
        expert = review.add_reviewer(current_user, project_id, request.form.get("email", ""))
        flash(_("%(name)s now reviews this project.", name=expert.name or expert.email), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("projects.show", project_id=project_id, _anchor="reviewers"))


@bp.post("/<int:project_id>/reviewers/<int:user_id>/remove")
@roles_required(Role.VENDOR)
def remove_reviewer(project_id: int, user_id: int) -> ResponseReturnValue:
    """Stop an expert reviewing the vendor's project."""
    try:
        review.remove_reviewer(current_user, project_id, user_id)
        flash(_("The reviewer was removed."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("projects.show", project_id=project_id, _anchor="reviewers"))


@bp.get("/<int:project_id>/contributions")
@roles_required(Role.EXPERT, Role.VENDOR, Role.AUDITOR, Role.ADMIN)
def contributions(project_id: int) -> ResponseReturnValue:
    """One collected contribution at a time (chosen by id, ``c``, or by its ``item``): accept,
    reject with a reason, previous, next."""
    page = collected.review_page(
        current_user,
        project_id,
        request.args.get("c", type=int),
        request.args.get("item", type=int),
    )
    return render_template("review/contributions.html", **page)


@bp.post("/<int:project_id>/contributions/<int:contribution_id>")
@roles_required(Role.EXPERT, Role.VENDOR)
def decide_contribution(project_id: int, contribution_id: int) -> ResponseReturnValue:
    """Accept or reject (with a reason) a contribution, then show the next one waiting."""
    decision, following = request.form.get("decision", ""), request.form.get("next", type=int)
    try:
        done = collected.decide(
            current_user, project_id, contribution_id, decision, request.form.get("reason")
        )
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("review.contributions", project_id=project_id, c=contribution_id))
    flash(
        _("Accepted: it joins the corpus.")
        if done["status"] == "accepted"
        else _("Rejected; the expert sees your reason."),
        "info",
    )
    return redirect(url_for("review.contributions", project_id=project_id, c=following))
