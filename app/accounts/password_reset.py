"""One-time password-reset links an admin issues (there is no e-mail delivery: the admin
hands the link over). A link works once, for ``PASSWORD_RESET_HOURS``; using it sets the new
password and ends every session and bearer token of the user."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.accounts.services import check_new_password, hash_password, set_password
from app.accounts.tokens import token_digest
from app.audit import record_event
from app.database import begin_write, utc_now
from app.exceptions import Invalid, NotFound
from app.extensions import db
from app.models import PasswordReset, User
from app.models.base import utcnow

LINK_INVALID = _l(
    "This password-reset link is not valid: it was used already, it expired, "
    "or a newer one was issued. Ask an administrator for a new link."
)


def issue_reset_link(user_id: int, actor: User | None) -> tuple[User, str]:
    """A new reset secret for the user (the URL's last part, shown once); earlier unused links
    of the user stop working. Raises NotFound, or Invalid for a deactivated account."""
    begin_write()
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("No such user."))
    if not user.active:
        raise Invalid(_l("Reactivate the account before issuing a reset link."))
    _retire_links(user)
    secret = secrets.token_urlsafe(32)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_sha256=token_digest(secret),
            issued_by_id=actor.id if actor else None,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    record_event("password_reset_issued", actor, object_type="user", object_id=user.id)
    db.session.commit()
    return user, secret


def _retire_links(user: User) -> None:
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )


_LIVE_LINK = (
    select(PasswordReset)
    .join(User, User.id == PasswordReset.user_id)
    .where(
        PasswordReset.used_at.is_(None), PasswordReset.expires_at > utc_now(), User.active.is_(True)
    )
)


def reset_link_user(secret: str) -> User:
    """The user a live reset link belongs to. Raises NotFound for a used, expired, replaced
    or unknown link."""
    link = db.session.scalar(_LIVE_LINK.where(PasswordReset.token_sha256 == token_digest(secret)))
    if link is None:
        raise NotFound(LINK_INVALID, code="reset_link_invalid")
    return link.user


def _take(link: PasswordReset) -> bool:
    # The guarded UPDATE is what makes a link single-use under concurrent clicks.
    result = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == link.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def redeem_reset_link(secret: str, password: str) -> User:
    """Set a new password through a live link, once; every session and token of the user ends.
    Raises NotFound (link not live) or Invalid (password too short)."""
    check_new_password(password)
    new_hash = hash_password(password)  # before the write lock: scrypt takes a while
    begin_write()
    link = db.session.scalar(_LIVE_LINK.where(PasswordReset.token_sha256 == token_digest(secret)))
    if link is None or not _take(link):
        db.session.rollback()
        raise NotFound(LINK_INVALID, code="reset_link_invalid")
    user = link.user
    set_password(user, new_hash)
    _retire_links(user)
    record_event("password_reset_used", user, object_type="user", object_id=user.id)
    db.session.commit()
    return user
