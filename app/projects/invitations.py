"""Invitation-only projects: the vendor names the experts who may work on them, one by one or
a whole pool (:mod:`app.projects.pools`); no one else gets their items, whatever their domains."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, or_, select

from app.audit import record_event
from app.database import begin_write
from app.exceptions import Conflict, Invalid, NotFound
from app.extensions import db
from app.labeling.leases import release_leases_of
from app.models import (
    ExpertPoolMember,
    Project,
    ProjectInvitation,
    ProjectPoolInvitation,
    User,
)
from app.rosters import add_expert_by_email
from app.scoping import get_managed


def invitation_only(project: Project) -> bool:
    """Whether only invited experts may work on the project."""
    return bool(project.options.get("invitation_only", False))


def is_invited(project_id: int, user_id: int) -> bool:
    """Whether the expert is invited to the project, by name or as a member of an invited
    pool (membership counts as it is now, so later members are invited too)."""
    by_name = exists().where(
        ProjectInvitation.project_id == project_id, ProjectInvitation.user_id == user_id
    )
    by_pool = exists().where(
        ProjectPoolInvitation.project_id == project_id,
        ExpertPoolMember.pool_id == ProjectPoolInvitation.pool_id,
        ExpertPoolMember.user_id == user_id,
    )
    return bool(db.session.scalar(select(or_(by_name, by_pool))))


def end_access_unless_invited(pairs: Iterable[tuple[int, int]]) -> None:
    """End the leases of each ``(expert id, project id)`` whose expert is no longer invited
    to that project (neither by name nor through another pool), in the current write
    transaction after the invitation or membership is gone (the caller commits)."""
    db.session.flush()
    for user_id, project_id in set(pairs):
        if not is_invited(project_id, user_id):
            release_leases_of(user_id, project_id)


def invited_experts(project: Project) -> list[User]:
    """The experts invited to a project, in the order they were invited."""
    return list(
        db.session.scalars(
            select(User)
            .join(ProjectInvitation, ProjectInvitation.user_id == User.id)
            .where(ProjectInvitation.project_id == project.id)
            .order_by(ProjectInvitation.id)
        )
    )


def no_such_expert() -> Invalid:
    """The refusal of an address no expert has (inviting, adding to a pool)."""
    return Invalid(_l("No expert has this email address."), code="no_such_expert")


def invite_expert(vendor: User, project_id: int, email: str) -> User:
    """Invite the expert with ``email`` to a project of the vendor's organization.

    Raises NotFound (another organization's project), Invalid (no expert with this email),
    Conflict (already invited)."""
    begin_write()
    project = get_managed(Project, project_id, vendor)
    # Named beside a pool membership is not a conflict: it keeps access when the pool goes.
    expert, _added = add_expert_by_email(
        ProjectInvitation,
        {"project_id": project.id},
        email,
        unknown=no_such_expert(),
        repeat=Conflict(_l("This expert is already invited."), code="already_invited"),
        invited_by_id=vendor.id,
    )
    record_event(
        "expert_invited", vendor, object_type="project", object_id=project.id, expert=expert.id
    )
    db.session.commit()
    return expert


def withdraw_invitation(vendor: User, project_id: int, user_id: int) -> None:
    """Withdraw an expert's invitation; NotFound when there is none."""
    begin_write()
    project = get_managed(Project, project_id, vendor)
    invitation = db.session.scalar(
        select(ProjectInvitation).where(
            ProjectInvitation.project_id == project.id, ProjectInvitation.user_id == user_id
        )
    )
    if invitation is None:
        raise NotFound(_l("This expert is not invited."))
    db.session.delete(invitation)
    end_access_unless_invited([(user_id, project.id)])
    record_event(
        "invitation_withdrawn", vendor, object_type="project", object_id=project.id, expert=user_id
    )
    db.session.commit()
