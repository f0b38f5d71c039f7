"""The API blueprint: bearer tokens for tools, session + CSRF header for the browser."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, request
from flask_login import current_user

from app.errors import error_response, http_message
from app.extensions import csrf
from app.security import bearer_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

View = TypeVar("View", bound=Callable[..., Any])


@bp.before_request
def _csrf_for_browser_sessions() -> None:
    # Bearer requests carry no ambient credentials, so CSRF does not apply to them.
    if request.method not in ("GET", "HEAD", "OPTIONS") and bearer_token(request) is None:
        csrf.protect()


def api_login_required(view: View) -> View:
    """401 JSON unless a session or a bearer token identifies an active user."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return error_response(401, "unauthorized", http_message(401))
        return view(*args, **kwargs)

    return cast(View, wrapper)
