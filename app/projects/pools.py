"""Expert pools: named groups of experts a vendor's organization keeps and invites to its
invitation-only projects as a whole. Access follows membership as it is now: an expert added
to a pool later may work on every project the pool is invited to, and an expert removed from
it (or from a deleted pool, or when the pool's invitation is withdrawn) loses it at once, with
their leases ended, unless still invited by name or through another pool.

A pool belongs to one organization: another organization's pool id is a 404."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.audit import record_event
from app.database import begin_write
from app.exceptions import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import (
    ExpertPool,
    ExpertPoolMember,
    Project,
    ProjectPoolInvitation,
    Role,
    User,
)
from app.projects.invitations import end_access_unless_invited, no_such_expert
from app.rosters import add_expert_by_email
from app.scoping import get_managed

NAME_MAX = 100
MAX_ID = 2**63 - 1  # a larger id (from a JSON body) is a 404, not a database overflow


@dataclass(frozen=True)
class PoolSummary:
    """A pool with its member count, for lists."""

    id: int
    name: str
    members: int


def _organization_of(user: User) -> int:
    if user.role != Role.VENDOR or user.organization_id is None:
        raise Forbidden(_l("Only a vendor's staff keep expert pools."), code="not_vendor")
    return user.organization_id


def get_pool(user: User, pool_id: int) -> ExpertPool:
    """One pool of the user's organization; NotFound for any other (never 403)."""
    pool = db.session.get(ExpertPool, pool_id) if 0 < pool_id <= MAX_ID else None
    if pool is None or user.role != Role.VENDOR or pool.organization_id != user.organization_id:
        raise NotFound(_l("Not found."))
    return pool


def list_pools(user: User) -> list[PoolSummary]:
    """The pools of the vendor's organization by name, with how many experts each holds."""
    organization_id = _organization_of(user)
    rows = db.session.execute(
        select(ExpertPool.id, ExpertPool.name, func.count(ExpertPoolMember.id))
        .outerjoin(ExpertPoolMember, ExpertPoolMember.pool_id == ExpertPool.id)
        .where(ExpertPool.organization_id == organization_id)
        .group_by(ExpertPool.id, ExpertPool.name)
        .order_by(ExpertPool.name)
    ).all()
    return [PoolSummary(id=r[0], name=r[1], members=r[2]) for r in rows]


def pool_members(pool: ExpertPool) -> list[User]:
    """The experts of a pool, in the order they were added."""
    return list(
        db.session.scalars(
            select(User)
            .join(ExpertPoolMember, ExpertPoolMember.user_id == User.id)
            .where(ExpertPoolMember.pool_id == pool.id)
            .order_by(ExpertPoolMember.id)
        )
    )


def _clean_name(organization_id: int, name: str, pool_id: int | None = None) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME_MAX:
        raise Invalid(
            _l("A pool's name has 1 to %(max)d characters.", max=NAME_MAX), code="bad_name"
        )
    taken = db.session.scalar(
        select(ExpertPool.id).where(
            ExpertPool.organization_id == organization_id, ExpertPool.name == name
        )
    )
    if taken is not None and taken != pool_id:
        raise Conflict(_l("Your organization already has a pool of this name."), code="pool_exists")
    return name


def create_pool(vendor: User, name: str) -> ExpertPool:
    """Create an empty pool. Raises Forbidden (not a vendor), Invalid (empty or too long
    name), Conflict (the organization has a pool of that name)."""
    begin_write()
    organization_id = _organization_of(vendor)
    pool = ExpertPool(
        organization_id=organization_id,
        name=_clean_name(organization_id, name),
        created_by_id=vendor.id,
    )
    db.session.add(pool)
    db.session.flush()
    record_event("pool_created", vendor, object_type="expert_pool", object_id=pool.id)
    db.session.commit()
    return pool


def rename_pool(vendor: User, pool_id: int, name: str) -> ExpertPool:
    """Rename a pool; the same errors as :func:`create_pool`, NotFound for a foreign pool."""
    begin_write()
    pool = get_pool(vendor, pool_id)
    pool.name = _clean_name(pool.organization_id, name, pool.id)
    record_event("pool_renamed", vendor, object_type="expert_pool", object_id=pool.id)
    db.session.commit()
    return pool


def _invited_projects(pool_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(ProjectPoolInvitation.project_id).where(ProjectPoolInvitation.pool_id == pool_id)
        )
    )


def _member_ids(pool_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(ExpertPoolMember.user_id).where(ExpertPoolMember.pool_id == pool_id)
        )
    )


def delete_pool(vendor: User, pool_id: int) -> None:
    """Delete a pool and its project invitations; its members lose access to those projects
    (leases ended) unless invited otherwise. NotFound for a foreign pool."""
    begin_write()
    pool = get_pool(vendor, pool_id)
    pairs = [(u, p) for u in _member_ids(pool.id) for p in _invited_projects(pool.id)]
    for model in (ProjectPoolInvitation, ExpertPoolMember):
        db.session.execute(delete(model).where(model.pool_id == pool.id))
    db.session.execute(delete(ExpertPool).where(ExpertPool.id == pool.id))
    end_access_unless_invited(pairs)
    record_event("pool_deleted", vendor, object_type="expert_pool", object_id=pool_id)
    db.session.commit()


def add_member(vendor: User, pool_id: int, email: str) -> User:
    """Add the expert with ``email`` to a pool: they may work on every project the pool is
    invited to. Raises NotFound (foreign pool), Invalid (no such expert), Conflict (already
    a member)."""
    begin_write()
    pool = get_pool(vendor, pool_id)
    expert, _added = add_expert_by_email(
        ExpertPoolMember,
        {"pool_id": pool.id},
        email,
        unknown=no_such_expert(),
        repeat=Conflict(_l("This expert is already in the pool."), code="already_member"),
    )
    record_event(
        "pool_member_added", vendor, object_type="expert_pool", object_id=pool.id, expert=expert.id
    )
    db.session.commit()
    return expert


def remove_member(vendor: User, pool_id: int, user_id: int) -> None:
    """Take an expert out of a pool; their leases on the pool's projects end unless they are
    invited otherwise. NotFound for a foreign pool or an expert who is not a member."""
    begin_write()
    pool = get_pool(vendor, pool_id)
    member = db.session.scalar(
        select(ExpertPoolMember).where(
            ExpertPoolMember.pool_id == pool.id, ExpertPoolMember.user_id == user_id
        )
    )
    if member is None:
        raise NotFound(_l("This expert is not in the pool."))
    db.session.delete(member)
    end_access_unless_invited([(user_id, p) for p in _invited_projects(pool.id)])
    record_event(
        "pool_member_removed", vendor, object_type="expert_pool", object_id=pool.id, expert=user_id
    )
    db.session.commit()


def invited_pools(project: Project) -> list[ExpertPool]:
    """The pools invited to a project, in the order they were invited."""
    return list(
        db.session.scalars(
            select(ExpertPool)
            .join(ProjectPoolInvitation, ProjectPoolInvitation.pool_id == ExpertPool.id)
            .where(ProjectPoolInvitation.project_id == project.id)
            .order_by(ProjectPoolInvitation.id)
        )
    )


def invite_pool(vendor: User, project_id: int, pool_id: int) -> ExpertPool:
    """Invite a whole pool to a project of the vendor's organization. Raises NotFound
    (another organization's project or pool), Conflict (the pool is already invited)."""
    begin_write()
    project = get_managed(Project, project_id, vendor)
    pool = get_pool(vendor, pool_id)
    if pool.id in [p.id for p in invited_pools(project)]:
        raise Conflict(_l("This pool is already invited."), code="already_invited")
    db.session.add(
        ProjectPoolInvitation(project_id=project.id, pool_id=pool.id, invited_by_id=vendor.id)
    )
    record_event("pool_invited", vendor, object_type="project", object_id=project.id, pool=pool.id)
    db.session.commit()
    return pool


def withdraw_pool(vendor: User, project_id: int, pool_id: int) -> None:
    """Withdraw a pool's invitation: its members lose access (leases ended) unless invited
    otherwise. NotFound when the pool is not invited to this project of the vendor's."""
    begin_write()
    project = get_managed(Project, project_id, vendor)
    invitation = db.session.scalar(
        select(ProjectPoolInvitation).where(
            ProjectPoolInvitation.project_id == project.id,
            ProjectPoolInvitation.pool_id == pool_id,
        )
    )
    if invitation is None:
        raise NotFound(_l("This pool is not invited."))
    db.session.delete(invitation)
    end_access_unless_invited([(u, project.id) for u in _member_ids(pool_id)])
    record_event(
        "pool_invitation_withdrawn",
        vendor,
        object_type="project",
        object_id=project.id,
        pool=pool_id,
    )
    db.session.commit()
