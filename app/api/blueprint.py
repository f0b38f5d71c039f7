"""The API blueprint: bearer tokens for tools, session + CSRF header for the browser."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, current_app, g, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts.tokens import user_for_token
from app.error_pages import error_response, http_message
from app.exceptions import Invalid
from app.extensions import csrf
from app.security import bearer_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

View = TypeVar("View", bound=Callable[..., Any])


def unauthorized() -> ResponseReturnValue:
    """The API's 401, naming the scheme it accepts (RFC 6750)."""
    return error_response(
        401,
        "unauthorized",
        http_message(401),
        headers=[("WWW-Authenticate", 'Bearer realm="wanbiao"')],
    )


@bp.before_request
def _authenticate() -> ResponseReturnValue | None:
    """A bearer token, when sent, decides who calls: a valid one stands for its user, needs
    no CSRF token (it is not an ambient credential) and wins over a session cookie; an invalid
    one is a 401 even beside a valid cookie. Without a token, a logged-in browser's writes need
    the CSRF header, and anonymous writes go on to the view's 401."""
    token = bearer_token(request)
    if token is not None:
        user = user_for_token(token)
        if user is None:
            return unauthorized()
        g._login_user = user  # Flask-Login's user for this request only; no session is written
        g.api_token = token
        return None
    if (
        request.method not in ("GET", "HEAD", "OPTIONS")
        and current_user.is_authenticated
        and current_app.config["WTF_CSRF_ENABLED"]
    ):
        csrf.protect()
    return None


def api_login_required(view: View) -> View:
    """401 JSON unless a session or a bearer token identifies an active user."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return unauthorized()
        return view(*args, **kwargs)

    return cast(View, wrapper)


def json_object() -> dict[str, Any]:
    """The request's JSON body, which must be an object (else 422 ``bad_json``)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid(_("The request body must be a JSON object."), code="bad_json")
    return body


def field(body: dict[str, Any], name: str, kind: type, default: Any = ...) -> Any:
    """``body[name]`` if it has type ``kind`` (booleans are not integers), else 422."""
    value = body.get(name, default)
    if value is ... or not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise Invalid(
            _("Field “%(name)s” is missing or has the wrong type.", name=name), code="bad_field"
        )
    return value
