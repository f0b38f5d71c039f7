"""Project pages: list, create, progress and agreement."""

from __future__ import annotations

import json

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
from app.exceptions import Invalid, ServiceError
from app.exports.formats import formats_for
from app.jobs import enqueue_quality_refresh
from app.models import Project, Role
from app.permissions import roles_required
from app.projects import gold, invitations, pools, task_list
from app.projects import services as projects
from app.projects.forms import GoldForm, InvitationForm, PoolForm, PoolInviteForm, ProjectForm
from app.quality.collection import acceptance
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
    corpus_names = projects.corpus_names([p for p, _ in rows])
    return render_template("projects/index.html", rows=rows, corpus_names=corpus_names)


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
        pools=pools.invited_pools(project),
        pool_form=_pool_invite_form(project),
        gold_items=gold.gold_items(project, 500) if current_user.role == Role.VENDOR else [],
        choose_gold=current_user.role == Role.VENDOR and project.task_type != "collect",
        item_rule=gold.item_rule(project.task_type, projects.project_config(project)),
        export_formats=formats_for(project.task_type),
        acceptance=acceptance(project)["overall"] if project.task_type == "collect" else None,
    )


def _pool_invite_form(project: Project) -> PoolInviteForm | None:
    """The form inviting one of the vendor's own pools (none for other readers)."""
    if current_user.role != Role.VENDOR or current_user.organization_id != project.organization_id:
        return None
    form = PoolInviteForm()
    invited = {p.id for p in pools.invited_pools(project)}
    form.pool_id.choices = [
        (p.id, p.name) for p in pools.list_pools(current_user) if p.id not in invited
    ]
    return form


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
    """Make one item of the task list a check item with the known answer given beside it."""
    project = get_managed(Project, project_id, current_user)
    if GoldForm().is_submitted():
        try:
            answer = _known_answer(project)
            gold.set_gold_answers(current_user, project, [(item_id, answer)])
            flash(_("Item %(id)d is now a check item.", id=item_id), "info")
        except ServiceError as exc:
            flash(str(exc.message), "error")
    return redirect(url_for("projects.show", project_id=project.id) + "#tasks")


def _known_answer(project: Project) -> object:
    """The answer of the task list's row form: a label, labels (multi-label), a cleaned text,
    or the answer as JSON (spans, boxes)."""
    form = request.form
    if "answer" in form:
        try:
            return json.loads(form["answer"])
        except (ValueError, RecursionError):
            raise Invalid(_("The known answer is not JSON."), code="answer_not_json") from None
    if "text" in form:
        return {"text": form["text"]}
    if project.options.get("multi"):
        return {"labels": form.getlist("labels")}
    return {"label": form.get("label", "")}


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


def _to_invitations(project_id: int) -> ResponseReturnValue:
    return redirect(url_for("projects.show", project_id=project_id) + "#invitations")


@bp.post("/<int:project_id>/pools")
@roles_required(Role.VENDOR)
def invite_pool(project_id: int) -> ResponseReturnValue:
    """Invite one of the organization's expert pools to the project."""
    form = PoolInviteForm()
    if not form.validate_on_submit() or not form.pool_id.data:
        flash(_("Choose an expert pool."), "error")
        return _to_invitations(project_id)
    try:
        pool = pools.invite_pool(current_user, project_id, form.pool_id.data)
    except ServiceError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("The pool “%(name)s” is invited to this project.", name=pool.name), "info")
    return _to_invitations(project_id)


@bp.post("/<int:project_id>/pools/<int:pool_id>/withdraw")
@roles_required(Role.VENDOR)
def withdraw_pool(project_id: int, pool_id: int) -> ResponseReturnValue:
    """Withdraw a pool's invitation."""
    if PoolInviteForm().is_submitted():
        try:
            pools.withdraw_pool(current_user, project_id, pool_id)
            flash(_("The pool's invitation is withdrawn."), "info")
        except ServiceError as exc:
            flash(str(exc.message), "error")
    return _to_invitations(project_id)


@bp.route("/pools", methods=["GET", "POST"])
@roles_required(Role.VENDOR)
def pools_page() -> ResponseReturnValue:
    """The organization's expert pools; POST creates one."""
    form = PoolForm()
    status = 200
    if form.is_submitted():
        try:
            if not form.validate():
                _refuse_pool_name()
            pool = pools.create_pool(current_user, form.name.data or "")
        except ServiceError as exc:
            flash(str(exc.message), "error")
            status = exc.status
        else:
            flash(_("The pool “%(name)s” is created.", name=pool.name), "info")
            return redirect(url_for("projects.pool_page", pool_id=pool.id))
    rows = pools.list_pools(current_user)
    return render_template("projects/pools.html", pools=rows, form=form), status


@bp.get("/pools/<int:pool_id>")
@roles_required(Role.VENDOR)
def pool_page(pool_id: int) -> ResponseReturnValue:
    """One pool: its experts, adding and removing them, renaming and deleting it."""
    pool = pools.get_pool(current_user, pool_id)
    return render_template(
        "projects/pool.html",
        pool=pool,
        members=pools.pool_members(pool),
        form=PoolForm(name=pool.name),
        member_form=InvitationForm(),
    )


def _to_pool(pool_id: int) -> ResponseReturnValue:
    return redirect(url_for("projects.pool_page", pool_id=pool_id))


@bp.post("/pools/<int:pool_id>/rename")
@roles_required(Role.VENDOR)
def rename_pool(pool_id: int) -> ResponseReturnValue:
    """Rename a pool."""
    form = PoolForm()
    try:
        if not form.validate_on_submit():
            _refuse_pool_name()
        pools.rename_pool(current_user, pool_id, form.name.data or "")
        flash(_("The pool is renamed."), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return _to_pool(pool_id)


@bp.post("/pools/<int:pool_id>/delete")
@roles_required(Role.VENDOR)
def delete_pool(pool_id: int) -> ResponseReturnValue:
    """Delete a pool; its experts lose the projects it was invited to."""
    if not PoolForm().is_submitted():
        return _to_pool(pool_id)
    try:
        pools.delete_pool(current_user, pool_id)
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return _to_pool(pool_id)
    flash(_("The pool is deleted."), "info")
    return redirect(url_for("projects.pools_page"))


@bp.post("/pools/<int:pool_id>/members")
@roles_required(Role.VENDOR)
def add_pool_member(pool_id: int) -> ResponseReturnValue:
    """Add an expert to a pool by email."""
    form = InvitationForm()
    try:
        if not form.validate_on_submit():
            raise Invalid(_("Enter the email address of an expert."))
        expert = pools.add_member(current_user, pool_id, form.email.data or "")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("%(name)s is added to the pool.", name=expert.name), "info")
    return _to_pool(pool_id)


@bp.post("/pools/<int:pool_id>/members/<int:user_id>/remove")
@roles_required(Role.VENDOR)
def remove_pool_member(pool_id: int, user_id: int) -> ResponseReturnValue:
    """Take an expert out of a pool."""
    if InvitationForm().is_submitted():
        try:
            pools.remove_member(current_user, pool_id, user_id)
            flash(_("The expert is removed from the pool."), "info")
        except ServiceError as exc:
            flash(str(exc.message), "error")
    return _to_pool(pool_id)


def _refuse_pool_name() -> None:
    """A pool form's name failed its validators: the service's own message."""
    raise Invalid(_("A pool's name has 1 to %(max)d characters.", max=pools.NAME_MAX))
