"""Project pages: list, create, progress and agreement."""

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
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.corpora import services as corpora
from app.csv_export import csv_lines
from app.exceptions import ServiceError
from app.exports.formats import formats_for
from app.jobs import enqueue_quality_refresh
from app.models import Project, Role
from app.permissions import roles_required
from app.projects import gold, invitations, task_list
from app.projects import services as projects
from app.projects.forms import GoldForm, InvitationForm, ProjectForm
from app.quality.stored import project_quality, projects_with_quality
from app.review.services import project_reviewers
from app.scoping import get_managed, get_owned

bp = Blueprint("projects", __name__, url_prefix="/projects")
READERS = (Role.VENDOR, Role.AUDITOR, Role.ADMIN)


@bp.get("/")
@roles_required(*READERS)
def index() -> ResponseReturnValue:
    """Projects the user may read, with progress and α."""
    rows = projects_with_quality(current_user, 200)
    return render_template("projects/index.html", rows=rows)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.VENDOR)
def new() -> ResponseReturnValue:
    """Create a classification project over a ready corpus."""
    form = ProjectForm()
    form.corpus_id.choices = [(c.id, c.name) for c in corpora.ready_corpora(current_user)]
    corpus_id = request.args.get("corpus", type=int)
    if not form.is_submitted() and corpus_id:
        form.corpus_id.data = corpus_id
    if form.validate_on_submit():
        spec = projects.ProjectSpec(
            name=form.name.data or "",
            corpus_id=form.corpus_id.data or 0,
            task_type=form.task_type.data or "classify",
            labels=tuple((form.labels.data or "").splitlines()),
            overlap=form.overlap.data or 0,
            instructions=form.instructions.data or "",
            options=form.options(),
        )
        try:
            project = projects.create_project(current_user, spec)
        except ServiceError as exc:
            flash(str(exc.message), "error")
            return render_template("projects/new.html", form=form), exc.status
        tasks = projects.project_progress(project).items_total
        flash(
            ngettext(
                "Project created with %(num)d task.", "Project created with %(num)d tasks.", tasks
            ),
            "info",
        )
        return redirect(url_for("projects.show", project_id=project.id))
    return render_template("projects/new.html", form=form), 422 if form.errors else 200


@bp.get("/<int:project_id>")
@roles_required(*READERS)
def show(project_id: int) -> ResponseReturnValue:
    """Progress, Krippendorff's α and the task list of one project."""
    project = get_owned(Project, project_id, current_user)
    query = task_list.parse_task_query(request.args)
    quality = project_quality(project, enqueue_quality_refresh)
    return render_template(
        "projects/show.html",
        project=project,
        quality=quality,
        corpus=projects.corpus_of(project),
        tasks=task_list.task_page(project, query),
        query=query,
        gold_form=GoldForm(),
        reviewers=project_reviewers(project),
        invitation_only=invitations.invitation_only(project),
        invited=invitations.invited_experts(project),
        invitation_form=InvitationForm(),
        gold_items=gold.gold_items(project, 500) if current_user.role == Role.VENDOR else [],
        choose_gold=current_user.role == Role.VENDOR
        and project.task_type == "classify"
        and not project.options.get("multi"),
        export_formats=formats_for(project.task_type),
    )


@bp.get("/<int:project_id>/tasks.csv")
@roles_required(*READERS)
def tasks_csv(project_id: int) -> ResponseReturnValue:
    """The task list, filtered as on the page (every page), as streamed CSV."""
    project = get_owned(Project, project_id, current_user)
    query = task_list.parse_task_query(request.args)
    return Response(
        stream_with_context(csv_lines(task_list.task_csv_rows(project, query))),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=project-{project.id}-tasks.csv"},
    )


@bp.post("/<int:project_id>/gold")
@roles_required(Role.VENDOR)
def upload_gold(project_id: int) -> ResponseReturnValue:
    """Mark check items from a JSONL file of ``{"item_id", "answer"}`` lines, or a CSV with
    ``item_id`` and ``label`` (or ``answer``) columns."""
    project = get_managed(Project, project_id, current_user)
    form = GoldForm()
    if not form.validate_on_submit() or form.file.data is None:
        flash(_("Choose a .jsonl or .csv file of check items."), "error")
        return redirect(url_for("projects.show", project_id=project.id))
    upload = form.file.data
    parse = (
        gold.parse_gold_csv
        if (upload.filename or "").lower().endswith(".csv")
        else gold.parse_gold_jsonl
    )
    try:
        count = gold.set_gold_answers(current_user, project, parse(upload.stream))
    except ServiceError as exc:
        flash(str(exc.message), "error")
    else:
        flash(ngettext("%(num)d check item set.", "%(num)d check items set.", count), "info")
    return redirect(url_for("projects.show", project_id=project.id))


@bp.post("/<int:project_id>/gold/<int:item_id>")
@roles_required(Role.VENDOR)
def choose_gold(project_id: int, item_id: int) -> ResponseReturnValue:
    """Make one item of the task list a check item with the label chosen beside it
    (classification)."""
    project = get_managed(Project, project_id, current_user)
    if GoldForm().is_submitted():
        answer = {"label": request.form.get("label", "")}
        try:
            gold.set_gold_answers(current_user, project, [(item_id, answer)])
            flash(_("Item %(id)d is now a check item.", id=item_id), "info")
        except ServiceError as exc:
            flash(str(exc.message), "error")
    return redirect(url_for("projects.show", project_id=project.id) + "#tasks")


@bp.post("/<int:project_id>/gold/<int:item_id>/remove")
@roles_required(Role.VENDOR)
def remove_gold(project_id: int, item_id: int) -> ResponseReturnValue:
    """Make a check item an ordinary task again."""
    project = get_managed(Project, project_id, current_user)
    if GoldForm().is_submitted():
        try:
            gold.remove_gold(current_user, project, item_id)
            flash(_("Item %(id)d is no longer a check item.", id=item_id), "info")
        except ServiceError as exc:
            flash(str(exc.message), "error")
    return redirect(url_for("projects.show", project_id=project.id) + "#gold")


@bp.post("/<int:project_id>/invitations")
@roles_required(Role.VENDOR)
def invite(project_id: int) -> ResponseReturnValue:
    """Invite a named expert (by email) to an invitation-only project."""
    form = InvitationForm()
    if not form.validate_on_submit():
        flash(_("Enter the email address of an expert."), "error")
        return redirect(url_for("projects.show", project_id=project_id) + "#invitations")
    try:
        expert = invitations.invite_expert(current_user, project_id, form.email.data or "")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("%(name)s is invited to this project.", name=expert.name), "info")
    return redirect(url_for("projects.show", project_id=project_id) + "#invitations")


@bp.post("/<int:project_id>/invitations/<int:user_id>/withdraw")
@roles_required(Role.VENDOR)
def withdraw_invitation(project_id: int, user_id: int) -> ResponseReturnValue:
    """Withdraw an expert's invitation."""
    if InvitationForm().is_submitted():
        try:
            invitations.withdraw_invitation(current_user, project_id, user_id)
            flash(_("The invitation is withdrawn."), "info")
        except ServiceError as exc:
            flash(str(exc.message), "error")
    return redirect(url_for("projects.show", project_id=project_id) + "#invitations")
