"""Login wiring (sessions and bearer tokens) and security headers on every response."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import user_logged_in, user_logged_out
from werkzeug.middleware.proxy_fix import ProxyFix

from app.accounts.services import user_for_session
from app.accounts.tokens import user_for_token
from app.extensions import login_manager
from app.models import User

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
HSTS = "max-age=31536000; includeSubDomains"


@login_manager.user_loader
def _load_session_user(session_id: str) -> User | None:
    return user_for_session(session_id)


@login_manager.request_loader
def _load_bearer_user(req: Request) -> User | None:
    token = bearer_token(req)
    return user_for_token(token) if token else None


def bearer_token(req: Request) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, if any."""
    scheme, _, token = req.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _set_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.path.startswith("/api/") or request.endpoint not in (None, "static"):
        response.headers.setdefault("Cache-Control", "no-store")
    if current_app.config["HTTPS"]:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def _forget_csrf_secret(sender: Any, **extra: Any) -> None:
    # A new secret at login and logout: a form token taken before either is then stale.
    field_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field_name, None)
    g.pop(field_name, None)


def init_app(app: Flask) -> None:
    """Strong session protection, login page, and the response headers."""
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    app.after_request(_set_headers)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    user_logged_in.connect(_forget_csrf_secret, app)
    user_logged_out.connect(_forget_csrf_secret, app)
