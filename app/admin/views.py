"""Admin pages: organizations, vendor staff and verified experts, account status, reset
links and tokens (admins); expert applications (the bureau, and vendors for their own
projects); the audit trail with its throttled-claims figure (admins, auditors)."""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import audit
from app.accounts import expert_review, organizations, password_reset, tokens
from app.accounts import services as accounts
from app.accounts.forms import ButtonForm
from app.admin.forms import (
    DecisionForm,
    ExpertForm,
    OrganizationEditForm,
    OrganizationForm,
    StaffForm,
)
from app.csv_export import csv_lines
from app.exceptions import ServiceError
from app.labeling.claim_rules import throttled_claims
from app.labeling.skip_reasons import skip_reason_text
from app.models import Role
from app.permissions import roles_required

bp = Blueprint("admin", __name__, url_prefix="/admin")
PAGE_SIZE = 50


@bp.context_processor
def _audit_helpers() -> dict[str, Any]:
    # The audit trail names each skip's reason in the reader's language.
    return {"skip_reason_text": skip_reason_text}


@bp.route("/organizations", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def organizations_page() -> ResponseReturnValue:
    """List organizations and create one."""
    form = OrganizationForm()
    status = 200
    if form.validate_on_submit():
        try:
            org = organizations.create_organization(
                form.name.data or "",
                form.uscc.data or "",
                form.city.data or "",
                current_user,
                form.kind.data or "vendor",
            )
            flash(_("Organization “%(name)s” created.", name=org.name), "info")
            return redirect(url_for("admin.organizations_page"))
        except ServiceError as exc:
            flash(str(exc.message), "error")
            status = exc.status
    elif form.errors:
        status = 422
    orgs = organizations.list_organizations()
    return render_template("admin/organizations.html", form=form, organizations=orgs), status


@bp.route("/organizations/<int:org_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def organization_edit(org_id: int) -> ResponseReturnValue:
    """Rename an organization or change its city."""
    try:
        org = organizations.get_organization(org_id)
    except ServiceError:
        abort(404)
    form, status = OrganizationEditForm(obj=org), 200
    if form.validate_on_submit():
        try:
            organizations.update_organization(
                org_id, form.name.data or "", form.city.data or "", current_user
            )
            flash(_("Organization “%(name)s” saved.", name=org.name), "info")
            return redirect(url_for("admin.organizations_page"))
        except ServiceError as exc:
            flash(str(exc.message), "error")
            status = exc.status
    elif form.errors:
        status = 422
    return render_template("admin/organization_edit.html", form=form, org=org), status


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users_page() -> ResponseReturnValue:
    """List users and add an organization's staff (vendors, city officials …, by the
    organization's kind); the generated password is shown once."""
    form = StaffForm()
    orgs = organizations.list_organizations()
    form.organization_id.choices = [(o.id, o.name) for o in orgs]
    status, new_password = 200, None
    if form.validate_on_submit():
        password = secrets.token_urlsafe(12)
        try:
            user = accounts.create_staff(
                form.email.data or "",
                password,
                form.name.data or "",
                form.organization_id.data,
                current_user,
            )
            new_password = (user.email, password)
            form = StaffForm(formdata=None)
            form.organization_id.choices = [(o.id, o.name) for o in orgs]
        except ServiceError as exc:
            flash(str(exc.message), "error")
            status = exc.status
    elif form.errors:
        status = 422
    return _users_page(form, status, new_password=new_password)


def _users_page(form: StaffForm, status: int = 200, **shown_once: Any) -> ResponseReturnValue:
    if not form.organization_id.choices:
        form.organization_id.choices = [(o.id, o.name) for o in organizations.list_organizations()]
    users = accounts.list_users(request.args.get("q"), PAGE_SIZE)
    expert_form = shown_once.pop("expert_form", None) or ExpertForm(formdata=None)
    return render_template(
        "admin/users.html",
        form=form,
        expert_form=expert_form,
        users=users,
        button=ButtonForm(),
        **shown_once,
    ), status


@bp.post("/users/experts")
@roles_required(Role.ADMIN)
def create_expert() -> ResponseReturnValue:
    """Create an expert verified for the domains ticked; the password is shown once."""
    form, status, shown = ExpertForm(), 200, {}
    if form.validate_on_submit():
        password = secrets.token_urlsafe(12)
        try:
            user = accounts.create_user(
                form.email.data or "",
                password,
                Role.EXPERT,
                name=form.name.data or "",
                domains=list(form.domains.data or []),
                actor=current_user,
            )
            shown["new_password"] = (user.email, password)
            form = ExpertForm(formdata=None)
        except ServiceError as exc:
            flash(str(exc.message), "error")
            status = exc.status
    else:
        status = 422
    return _users_page(StaffForm(formdata=None), status, expert_form=form, **shown)


_USER_ACTIONS = {
    "deactivate": (
        accounts.deactivate_user,
        _l("%(email)s is deactivated; their sessions and API tokens ended."),
    ),
    "reactivate": (accounts.reactivate_user, _l("%(email)s can log in again.")),
}


@bp.post("/users/<int:user_id>/<any(deactivate, reactivate):action>")
@roles_required(Role.ADMIN)
def user_status(user_id: int, action: str) -> ResponseReturnValue:
    """Deactivate or reactivate an account."""
    change, message = _USER_ACTIONS[action]
    if ButtonForm().validate_on_submit():
        try:
            user = change(user_id, current_user)
            flash(str(message) % {"email": user.email}, "info")
        except ServiceError as exc:
            flash(str(exc.message), "error")
    return redirect(url_for("admin.users_page"))


@bp.post("/users/<int:user_id>/revoke-tokens")
@roles_required(Role.ADMIN)
def revoke_user_tokens(user_id: int) -> ResponseReturnValue:
    """Revoke every API token of an account."""
    if ButtonForm().validate_on_submit():
        try:
            count = tokens.revoke_tokens_of(user_id, current_user)
            flash(_("%(n)d API tokens revoked.", n=count), "info")
        except ServiceError as exc:
            flash(str(exc.message), "error")
    return redirect(url_for("admin.users_page"))


@bp.post("/users/<int:user_id>/reset-link")
@roles_required(Role.ADMIN)
def reset_link(user_id: int) -> ResponseReturnValue:
    """Issue a one-time password-reset link, shown once on the users page."""
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("admin.users_page"))
    try:
        user, secret = password_reset.issue_reset_link(user_id, current_user)
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("admin.users_page"))
    link = url_for("auth.reset_password", secret=secret, _external=True)
    return _users_page(StaffForm(formdata=None), reset_link=(user.email, link))


@bp.get("/audit")
@roles_required(Role.ADMIN, Role.AUDITOR)
def audit_page() -> ResponseReturnValue:
    """The audit trail, newest first, 50 a page, filtered by action, actor and dates."""
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    chosen = audit.parse_audit_filter(request.args)
    pagination = audit.events_page(chosen, page, PAGE_SIZE)
    return render_template(
        "admin/audit.html",
        pagination=pagination,
        chosen=chosen,
        action=chosen.action,
        actions=audit.AUDIT_ACTIONS,
        throttled=throttled_claims(),
    )


@bp.get("/audit.csv")
@roles_required(Role.ADMIN, Role.AUDITOR)
def audit_csv() -> ResponseReturnValue:
    """The filtered audit trail as formula-safe CSV, streamed."""
    chosen = audit.parse_audit_filter(request.args)
    return Response(
        stream_with_context(csv_lines(audit.event_csv_rows(chosen))),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
    )


@bp.get("/experts")
@roles_required(Role.ADMIN, Role.AUDITOR, Role.VENDOR)
def experts_page() -> ResponseReturnValue:
    """Expert applications with their evidence, to approve or reject per domain
    (``?all=1``: decided ones too)."""
    show_all = request.args.get("all") == "1"
    applicants = expert_review.applicants_for(current_user, pending_only=not show_all)
    return render_template(
        "admin/experts.html",
        applicants=applicants,
        show_all=show_all,
        form=DecisionForm(formdata=None),
        scope=None if current_user.role != Role.VENDOR else current_user.organization_id,
    )


@bp.post("/experts/<int:user_id>/decision")
@roles_required(Role.ADMIN, Role.AUDITOR, Role.VENDOR)
def decide_expert_domain(user_id: int) -> ResponseReturnValue:
    """Approve or reject one declared domain of an applicant, with a reason."""
    form = DecisionForm()
    if form.validate_on_submit():
        approve = form.decision.data == "approve"
        try:
            row = expert_review.decide_domain(
                current_user, user_id, form.domain.data or "", approve, form.reason.data or ""
            )
        except ServiceError as exc:
            flash(str(exc.message), "error")
        else:
            message = (
                _("%(domain)s approved.", domain=row.domain)
                if approve
                else _("%(domain)s rejected.", domain=row.domain)
            )
            flash(message, "info")
    else:
        flash(_("The decision could not be read. Reload the page and try again."), "error")
    return redirect(url_for("admin.experts_page"))
