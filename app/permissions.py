"""Permission rules as decorators for pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user, login_required

View = TypeVar("View", bound=Callable[..., Any])


def roles_required(*roles: str) -> Callable[[View], View]:
    """Log in first; then 403 unless the user has one of ``roles``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return cast(View, login_required(wrapper))

    return decorator


def safe_next(target: str | None) -> str | None:
    """A same-site path to go back to, or None (blocks ``https://x``, ``//x``, ``/\\x``)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
