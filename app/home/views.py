"""The home page: one view per role."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from app.accounts import organizations
from app.accounts import services as accounts
from app.models import Corpus, Role
from app.projects import services as projects
from app.projects.gold import gold_record, item_rule, pass_rule
from app.quality.stored import projects_with_quality
from app.scoping import list_owned

bp = Blueprint("home", __name__)
PAGE_SIZE = 50


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    """Land on the page of one's role."""
    role = current_user.role
    if role == Role.EXPERT:
        open_projects = projects.open_projects(current_user)
        configs = {p.id: projects.project_config(p) for p in open_projects}
        return render_template(
            "home/expert.html",
            projects=open_projects,
            numbers=projects.expert_numbers(current_user),
            gold={p.id: gold_record(p.id, current_user.id, configs[p.id]) for p in open_projects},
            pass_rules={p.id: pass_rule(configs[p.id]) for p in open_projects},
            item_rules={p.id: item_rule(p.task_type, configs[p.id]) for p in open_projects},
        )
    if role == Role.CITY_OFFICIAL:
        return redirect(url_for("ledger.index"))
    if role == Role.ADMIN:
        return render_template(
            "home/admin.html",
            users=accounts.list_users(limit=PAGE_SIZE),
            organizations=organizations.list_organizations(),
        )
    rows = projects_with_quality(current_user, PAGE_SIZE)
    corpus_names = projects.corpus_names([p for p, _ in rows])
    if role == Role.VENDOR:
        return render_template(
            "home/vendor.html",
            rows=rows,
            corpus_names=corpus_names,
            corpora=list_owned(Corpus, current_user, PAGE_SIZE),
        )
    org_names = {o.id: o.name for o in organizations.list_organizations()}
    return render_template(
        "home/auditor.html", rows=rows, org_names=org_names, corpus_names=corpus_names
    )
