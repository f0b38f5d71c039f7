"""Rosters of experts named by e-mail: a project's invited experts, a pool's members, a
project's reviewers. Each is a table of rows ``(scope columns…, user_id)``; adding an expert
looks them up by e-mail, refuses (or ignores) a repeat, and adds the row.

Cross-cutting (the projects and review areas both use it): it reads and writes models only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.exceptions import ServiceError
from app.extensions import db
from app.models import ExpertPoolMember, ProjectInvitation, ProjectReviewer, Role, User

Roster = type[ProjectInvitation] | type[ExpertPoolMember] | type[ProjectReviewer]


def expert_with_email(email: str) -> User | None:
    """The expert with this e-mail address (trimmed, any case), or None: another role's
    account counts as none."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    return user if user is not None and user.role == Role.EXPERT else None


def add_expert_by_email(
    model: Roster,
    scope: dict[str, int],
    email: str,
    *,
    unknown: ServiceError,
    repeat: ServiceError | None,
    **columns: Any,
) -> tuple[User, bool]:
    """Add the expert with ``email`` to the roster ``model`` within ``scope`` (its columns
    naming the project or pool, e.g. ``{"project_id": 7}``), with the row's other
    ``columns``, in the current write transaction: the caller has called ``begin_write``,
    records its event and commits.

    Raises ``unknown`` when no expert has this address; a repeat raises ``repeat``, or, when
    that is None, changes nothing. Returns the expert and whether they were added."""
    expert = expert_with_email(email)
    if expert is None:
        raise unknown
    in_scope = [getattr(model, column) == value for column, value in scope.items()]
    named = select(model.id).where(*in_scope, model.user_id == expert.id)
    if db.session.scalar(named) is not None:
        if repeat is not None:
            raise repeat
        return expert, False
    db.session.add(model(**scope, user_id=expert.id, **columns))
    return expert, True
