"""Login, logout, registration, password change and reset, API tokens, the language switch."""

from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import password_reset, tokens, verification
from app.accounts import services as accounts
from app.accounts.forms import (
    ButtonForm,
    EvidenceForm,
    LoginForm,
    PasswordForm,
    RegisterForm,
    ResetPasswordForm,
)
from app.exceptions import Invalid, ServiceError
from app.i18n import LANG_COOKIE
from app.models import Role
from app.permissions import roles_required, safe_next
from app.storage import object_store

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Log in with email and password."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data or "", form.password.data or "")
        except ServiceError as exc:
            flash(str(exc.message), "error")
            return render_template("auth/login.html", form=form), exc.status, exc.headers
        login_user(user)
        return redirect(safe_next(request.args.get("next")) or url_for("home.index"))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    """Log out and invalidate every copy of the session cookie."""
    accounts.end_sessions(current_user)
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    """Self-registration for domain experts."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_expert(
                form.email.data or "",
                form.password.data or "",
                form.name.data or "",
                form.mobile.data or "",
                list(form.domains.data or []),
            )
        except ServiceError as exc:
            flash(str(exc.message), "error")
            return render_template("auth/register.html", form=form), exc.status, exc.headers
        login_user(user)
        flash(
            _(
                "Welcome, %(name)s. Upload a certificate or a letter from your employer for "
                "each domain you declared; you can label data once the bureau approved one.",
                name=user.name,
            ),
            "info",
        )
        return redirect(url_for("auth.verification_page"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/account/verification", methods=["GET", "POST"])
@roles_required(Role.EXPERT)
def verification_page() -> ResponseReturnValue:
    """An expert's declared domains, the decisions on them, and the evidence upload."""
    states = verification.domain_states(current_user)
    form = EvidenceForm()
    form.domain.choices = [(s.domain, s.domain) for s in states]
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            if upload is None or not upload.filename:
                raise Invalid(_("Choose a file to upload."), code="no_file")
            verification.upload_evidence(
                current_user,
                form.domain.data or "",
                form.kind.data or "",
                upload.filename,
                upload.stream,
                object_store(),
            )
        except ServiceError as exc:
            flash(str(exc.message), "error")
            status = exc.status
        else:
            flash(_("Your evidence is uploaded; the bureau will review it."), "info")
            return redirect(url_for("auth.verification_page"))
    elif form.errors:
        status = 422
    return render_template("auth/verification.html", form=form, states=states), status


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password() -> ResponseReturnValue:
    """Change one's password; other sessions end."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.old.data or "", form.new.data or "")
        except ServiceError as exc:
            flash(str(exc.message), "error")
            return render_template("auth/password.html", form=form), exc.status
        login_user(current_user._get_current_object())  # re-issue with the new nonce
        flash(_("Your password was changed."), "info")
        return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def api_tokens() -> ResponseReturnValue:
    """One's live API tokens; POST creates one, shown once."""
    form, new_token = ButtonForm(), None
    if form.validate_on_submit():
        new_token = tokens.issue_own_token(current_user)
    return render_template(
        "auth/tokens.html", form=form, new_token=new_token, tokens=tokens.live_tokens(current_user)
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of one's tokens."""
    if ButtonForm().validate_on_submit():
        try:
            tokens.revoke_token(current_user, token_id)
            flash(_("The token was revoked; it no longer works."), "info")
        except ServiceError as exc:
            flash(str(exc.message), "error")
    return redirect(url_for("auth.api_tokens"))


@bp.route("/reset/<secret>", methods=["GET", "POST"])
def reset_password(secret: str) -> ResponseReturnValue:
    """Set a new password through a one-time link an administrator issued."""
    try:
        user = password_reset.reset_link_user(secret)
    except ServiceError as exc:
        return render_template("error.html", status=exc.status, message=exc.message), exc.status
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.redeem_reset_link(secret, form.new.data or "")
        except ServiceError as exc:
            flash(str(exc.message), "error")
            return render_template("auth/reset.html", form=form, user=user), exc.status
        logout_user()
        flash(_("Your new password is set. Please log in."), "info")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/reset.html", form=form, user=user), status


@bp.get("/lang/<code>")
def set_language(code: str) -> ResponseReturnValue:
    """Remember the chosen language in a cookie and go back."""
    target = safe_next(request.args.get("next")) or url_for("home.index")
    response = make_response(redirect(target))
    if code in ("zh_CN", "en"):
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response
