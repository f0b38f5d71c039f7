"""Release pages: the list, one release with its actions, the review screen and the public
catalog."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.exceptions import ServiceError
from app.jobs import enqueue_analysis, enqueue_publishing
from app.models import Role
from app.permissions import roles_required
from app.releases import approval, catalog, publishing, review, services
from app.releases.policy import ENTITY_TYPES
from app.storage import object_store

bp = Blueprint("releases", __name__, url_prefix="/releases")
REVIEWERS = (Role.AUDITOR, Role.ADMIN)


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """The releases the user may see."""
    return render_template("releases/index.html", releases=services.list_releases(current_user))


@bp.get("/catalog")
def catalog_page() -> ResponseReturnValue:
    """The public catalog of published releases."""
    return render_template("releases/catalog.html", entries=catalog.catalog(
        request.args.get("city") or None))


@bp.get("/<int:release_id>")
@login_required
def show(release_id: int) -> ResponseReturnValue:
    """One release: state, progress, review figures and the actions the user may take."""
    release = services.get_release(current_user, release_id)
    summary = review.review_summary(release) if current_user.role in REVIEWERS else None
    return render_template("releases/show.html", release=release, summary=summary,
                           info=services.release_json(release))


def _act(release_id: int, done: str, action: str) -> ResponseReturnValue:
    try:
        if action == "analyse":
            services.start_analysis(current_user, release_id, enqueue_analysis)
        elif action == "approve":
            approval.approve_release(current_user, release_id)
        elif action == "publish":
            publishing.request_publish(current_user, release_id, enqueue_publishing)
        else:
            services.withdraw_release(current_user, release_id)
        flash(done, "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("releases.show", release_id=release_id))


@bp.post("/<int:release_id>/<any(analyse, approve, publish, withdraw):action>")
@login_required
def act(release_id: int, action: str) -> ResponseReturnValue:
    """Analyse, approve, publish or withdraw, then back to the release."""
    done = {"analyse": _("Analysis queued."), "approve": _("Release approved."),
            "publish": _("Publishing queued."), "withdraw": _("Release withdrawn.")}[action]
    return _act(release_id, done, action)


@bp.get("/<int:release_id>/review")
@roles_required(*REVIEWERS)
def review_page(release_id: int) -> ResponseReturnValue:
    """One document to review (``?document=`` or the next one waiting)."""
    release = services.get_release(current_user, release_id)
    document_id = request.args.get("document", type=int) or review.next_to_review(
        current_user, release_id)
    document = review.document_json(current_user, release_id, document_id) \
        if document_id else None
    segments = review.text_segments(document["text"], [
        (f["start"], f["end"]) for f in document["findings"] + document["added"]
        + document["residual_findings"]]) if document else []
    return render_template("releases/review.html", release=release, document=document,
                           segments=segments, summary=review.review_summary(release),
                           entity_types=ENTITY_TYPES)


@bp.post("/<int:release_id>/download")
@roles_required(Role.ENTERPRISE)
def download(release_id: int) -> ResponseReturnValue:
    """Log the download, then hand over the presigned link."""
    link = catalog.download_link(current_user, release_id, request.form.get("file", ""),
                                 object_store())
    return redirect(link["url"])
