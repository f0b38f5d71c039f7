"""Release pages: the list, one release with its actions, the review screen and the public
catalog."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.charts import bars
from app.csv_export import csv_lines
from app.exceptions import ServiceError
from app.jobs import enqueue_analysis, enqueue_publishing
from app.models import Role
from app.models.base import utcnow
from app.permissions import roles_required
from app.releases import approval, catalog, notice, publishing, review, reviewers, services
from app.releases.notice import BEIJING
from app.releases.policy import entity_types

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
    return render_template(
        "releases/catalog.html", entries=catalog.catalog(request.args.get("city") or None)
    )


@bp.get("/notice")
@roles_required(*REVIEWERS)
def notice_page() -> ResponseReturnValue:
    """The open-data notice of a month or quarter, with a chart and a printable view."""
    period = request.args.get("period") or utcnow().astimezone(BEIJING).strftime("%Y-%m")
    try:
        report = notice.open_data_notice(period)
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("releases.notice_page"))
    most = max((r["documents"] for r in report["rows"]), default=0)
    chart, height = bars(
        [(f"{r['city']} · {r['department']}", r["documents"]) for r in report["rows"]],
        high=float(most or 1),
    )
    return render_template("releases/notice.html", notice=report, chart=chart, chart_height=height)


@bp.get("/notice.csv")
@roles_required(*REVIEWERS)
def notice_csv() -> ResponseReturnValue:
    """The open-data notice as formula-safe CSV."""
    report = notice.open_data_notice(request.args.get("period", ""))
    filename = f"open-data-notice-{report['period']}.csv"
    return Response(
        csv_lines(notice.notice_csv_rows(report)),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


@bp.get("/<int:release_id>")
@login_required
def show(release_id: int) -> ResponseReturnValue:
    """One release: state, progress, review figures and the actions the user may take."""
    release = services.get_release(current_user, release_id)
    may_review = current_user.role in REVIEWERS or reviewers.is_named_reviewer(
        current_user, release.id
    )
    builds = current_user.role != Role.AUDITOR and (
        current_user.role == Role.ADMIN or release.organization_id == current_user.organization_id
    )
    return render_template(
        "releases/show.html",
        release=release,
        summary=review.review_summary(release) if may_review else None,
        may_review=may_review,
        named=reviewers.reviewers_of(current_user, release.id) if builds else None,
        info=services.release_json(release),
    )


@bp.post("/<int:release_id>/reviewers")
@login_required
def name_reviewer(release_id: int) -> ResponseReturnValue:
    """Name a person of the organization to review the release, then back to it."""
    try:
        reviewers.name_reviewer(
            current_user, release_id, request.form.get("user_id", type=int) or 0
        )
        flash(_("Reviewer named."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("releases.show", release_id=release_id))


@bp.post("/<int:release_id>/reviewers/<int:user_id>/remove")
@login_required
def remove_reviewer(release_id: int, user_id: int) -> ResponseReturnValue:
    """Take a named reviewer off the release, then back to it."""
    try:
        reviewers.remove_reviewer(current_user, release_id, user_id)
        flash(_("Reviewer removed."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return redirect(url_for("releases.show", release_id=release_id))


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
    done = {
        "analyse": _("Analysis queued."),
        "approve": _("Release approved."),
        "publish": _("Publishing queued."),
        "withdraw": _("Release withdrawn."),
    }[action]
    return _act(release_id, done, action)


@bp.get("/<int:release_id>/review")
@login_required
def review_page(release_id: int) -> ResponseReturnValue:
    """One document to review (``?document=`` or the next one waiting): the bureau's
    reviewers and those named for the release (others get 403)."""
    release = review.reviewable_release(current_user, release_id)
    document_id = request.args.get("document", type=int) or review.next_to_review(
        current_user, release_id
    )
    document = review.document_json(current_user, release_id, document_id) if document_id else None
    segments = (
        review.text_segments(
            document["text"],
            [
                (f["start"], f["end"])
                for f in document["findings"] + document["added"] + document["residual_findings"]
            ],
        )
        if document
        else []
    )
    return render_template(
        "releases/review.html",
        release=release,
        document=document,
        segments=segments,
        summary=review.review_summary(release),
        entity_types=entity_types(),
    )


@bp.post("/<int:release_id>/download")
@roles_required(Role.ENTERPRISE)
def download(release_id: int) -> ResponseReturnValue:
    """Log the download, then hand over the presigned link."""
    link = catalog.download_link(
        current_user, release_id, request.form.get("file", ""), release_file_link
    )
    return redirect(link["url"])


def release_file_link(token: str) -> str:
    """The presigned link's address: the API's file route on the host the user reached."""
    return url_for("api.release_file", token=token, _external=True)
