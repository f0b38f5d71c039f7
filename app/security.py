"""Login wiring (sessions and bearer tokens) and security headers on every response."""

from __future__ import annotations

from flask import Flask, Request, Response, request
from flask_babel import lazy_gettext as _l

from app.accounts.services import user_for_session, user_for_token
from app.extensions import login_manager
from app.models import User

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


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
    return response


def init_app(app: Flask) -> None:
    """Strong session protection, login page, and the response headers."""
    login_manager.session_protection = "strong"
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.login_message_category = "info"
    app.after_request(_set_headers)
