"""Project pages: list, create, progress and agreement."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.models import Project, Role
from app.permissions import roles_required
from app.projects.forms import ProjectForm
from app.services import corpora, projects
from app.services.errors import ServiceError
from app.services.quality_report import project_quality, projects_with_quality
from app.services.scoping import get_owned

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
    if not form.is_submitted() and request.args.get("corpus", type=int):
        form.corpus_id.data = request.args.get("corpus", type=int)
    if form.validate_on_submit():
        spec = projects.ProjectSpec(
            name=form.name.data or "", corpus_id=form.corpus_id.data or 0,
            task_type=form.task_type.data or "classify",
            labels=tuple((form.labels.data or "").splitlines()),
            overlap=form.overlap.data or 0, instructions=form.instructions.data or "",
            options=form.options())
        try:
            project = projects.create_project(current_user, spec)
        except ServiceError as exc:
            flash(str(exc.message), "error")
            return render_template("projects/new.html", form=form), exc.status
        flash(_("Project created with %(n)d tasks.",
                n=projects.project_progress(project).items_total), "info")
        return redirect(url_for("projects.show", project_id=project.id))
    return render_template("projects/new.html", form=form), 422 if form.errors else 200


@bp.get("/<int:project_id>")
@roles_required(*READERS)
def show(project_id: int) -> ResponseReturnValue:
    """Progress and Krippendorff's α of one project."""
    project = get_owned(Project, project_id, current_user)
    corpus = projects.corpus_of(project)
    return render_template("projects/show.html", project=project, corpus=corpus,
                           quality=project_quality(project))
