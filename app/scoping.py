"""Who may see what. Every object lookup goes through here; another tenant's id is a 404."""

from __future__ import annotations

from typing import TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, false, select

from app.exceptions import NotFound
from app.extensions import db
from app.models import Corpus, Project, Role, User

Owned = TypeVar("Owned", Corpus, Project)


def reads_everything(user: User) -> bool:
    """Auditors and admins read every organization's corpora and projects."""
    return user.role in (Role.AUDITOR, Role.ADMIN)


def owned_query(model: type[Owned], user: User) -> Select[tuple[Owned]]:
    """Statement over the corpora or projects the user may read, newest first."""
    stmt = select(model).order_by(model.id.desc())
    if reads_everything(user):
        return stmt
    if user.role in (Role.VENDOR, Role.PUBLISHER) and user.organization_id is not None:
        return stmt.where(model.organization_id == user.organization_id)
    return stmt.where(false())


def list_owned(model: type[Owned], user: User, limit: int = 200) -> list[Owned]:
    """The newest corpora or projects the user may read."""
    return list(db.session.scalars(owned_query(model, user).limit(limit)))


def get_owned(model: type[Owned], object_id: int, user: User) -> Owned:
    """One corpus or project the user may read; NotFound otherwise (never 403)."""
    obj = db.session.scalar(owned_query(model, user).where(model.id == object_id))
    if obj is None:
        raise NotFound(_l("Not found."))
    return obj


def get_managed(model: type[Owned], object_id: int, user: User) -> Owned:
    """One corpus or project the user's own organization owns (vendors write, others read)."""
    obj = get_owned(model, object_id, user)
    if user.role != Role.ADMIN and obj.organization_id != user.organization_id:
        raise NotFound(_l("Not found."))
    return obj
