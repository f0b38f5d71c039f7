"""The home page: one view per role."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Corpus, Project, Role
from app.services import accounts, organizations, projects
from app.services.quality_report import project_quality
from app.services.scoping import owned_query

bp = Blueprint("home", __name__)
PAGE_SIZE = 50


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Land on the page of one's role."""
    role = current_user.role
    if role == Role.EXPERT:
        open_projects = projects.open_projects(current_user)
        return render_template("home/expert.html", projects=open_projects,
                               numbers=projects.expert_numbers(current_user))
    if role == Role.ADMIN:
        return render_template(
            "home/admin.html",
            users=db.session.scalars(accounts.users_query().limit(PAGE_SIZE)).all(),
            organizations=db.session.scalars(organizations.organizations_query()).all())
    rows = _project_rows()
    if role == Role.VENDOR:
        corpora = db.session.scalars(owned_query(Corpus, current_user).limit(PAGE_SIZE)).all()
        return render_template("home/vendor.html", corpora=corpora, rows=rows)
    org_names = {o.id: o.name for o in db.session.scalars(organizations.organizations_query())}
    return render_template("home/auditor.html", rows=rows, org_names=org_names)


def _project_rows() -> list[tuple[Project, dict[str, object]]]:
    stmt = owned_query(Project, current_user).limit(PAGE_SIZE)
    return [(p, project_quality(p)) for p in db.session.scalars(stmt)]


@bp.get("/home")
def home_alias() -> ResponseReturnValue:
    """Old bookmark."""
    return redirect(url_for("home.index"))
