"""API bearer tokens: issued with a lifetime, found by their SHA-256, revoked by their user,
by an admin, and all at once when the password changes or the account is deactivated."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update

from app.audit import record_event
from app.database import begin_write, utc_now
from app.exceptions import NotFound
from app.extensions import db
from app.models import ApiToken, User
from app.models.base import utcnow


def token_digest(token: str) -> str:
    """The SHA-256 (hex) under which a token is stored; the token itself never is."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_api_token(user: User, actor: User | None = None) -> str:
    """Add a token for ``user`` living ``API_TOKEN_DAYS`` days to the current transaction
    and return it (shown once). The caller has begun the write and commits."""
    token = "wb_" + secrets.token_urlsafe(32)
    lifetime = timedelta(days=current_app.config["API_TOKEN_DAYS"])
    db.session.add(
        ApiToken(user_id=user.id, token_sha256=token_digest(token), expires_at=utcnow() + lifetime)
    )
    record_event("token_issued", actor or user, object_type="user", object_id=user.id)
    return token


def issue_api_token(email: str) -> str:
    """Create a bearer token for the user with this email. Raises NotFound."""
    begin_write()
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(_l("No user with this email."))
    token = new_api_token(user)
    db.session.commit()
    return token


def issue_own_token(user: User) -> str:
    """A new token for the signed-in user (the account page)."""
    begin_write()
    token = new_api_token(user)
    db.session.commit()
    return token


# Every API request runs this; the statement is built once.
_USER_BY_TOKEN = (
    select(User)
    .join(ApiToken, ApiToken.user_id == User.id)
    .where(
        ApiToken.token_sha256 == bindparam("digest"),
        ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > utc_now(),
    )
)


def user_for_token(token: str) -> User | None:
    """The active user owning a live (unexpired, unrevoked) bearer token, or None."""
    user = db.session.scalar(_USER_BY_TOKEN, {"digest": token_digest(token)})
    return user if user is not None and user.active else None


def live_tokens(user: User) -> list[ApiToken]:
    """The user's tokens that still work, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > utc_now(),
            )
            .order_by(ApiToken.id.desc())
        )
    )


def revoke_all_tokens(user: User) -> int:
    """Revoke every live token of ``user`` in the current transaction; returns how many.
    The caller has begun the write and commits."""
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def revoke_token(user: User, token_id: int, actor: User | None = None) -> None:
    """Revoke one of ``user``'s tokens. Raises NotFound for another user's or a dead token."""
    begin_write()
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        raise NotFound(_l("No such token."))
    token.revoked_at = utcnow()
    record_event(
        "token_revoked", actor or user, object_type="user", object_id=user.id, token_id=token.id
    )
    db.session.commit()


def revoke_presented_token(user: User, token: str) -> None:
    """Revoke the token the current request was authenticated with."""
    found = db.session.scalar(
        select(ApiToken.id).where(
            ApiToken.token_sha256 == token_digest(token), ApiToken.user_id == user.id
        )
    )
    if found is None:
        raise NotFound(_l("No such token."))
    revoke_token(user, found)


def revoke_tokens_of(user_id: int, actor: User | None) -> int:
    """An admin revokes every token of a user; returns how many. Raises NotFound."""
    begin_write()
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    count = revoke_all_tokens(user)
    record_event("tokens_revoked", actor, object_type="user", object_id=user.id, count=count)
    db.session.commit()
    return count
