"""Projects, their tasks, the experts' leases on them and the answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow


class Project(Base):
    """An annotation project of one vendor over one of its corpora."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    corpus_id: Mapped[int] = mapped_column(ForeignKey("corpus.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    task_type: Mapped[str] = mapped_column(String(16))
    labels: Mapped[list[str]] = mapped_column(default=list)
    overlap: Mapped[int]
    domains: Mapped[list[str]] = mapped_column(default=list)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    lease_seconds: Mapped[int]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Task(Base):
    """One item of a project; ``slots_taken`` counts live leases plus submitted answers."""

    __tablename__ = "task"
    __table_args__ = (
        UniqueConstraint("project_id", "item_id"),
        # The claim looks up slots_taken = s ORDER BY id for s = k−1 … 0: no sort needed.
        Index("ix_task_next", "project_id", "is_gold", "slots_taken", "id"),
        Index("ix_task_project_answered", "project_id", "last_answer_at"),
        Index("ix_task_project_id", "project_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    # NULL for a collection slot until its contribution becomes an item.
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"))
    slots_taken: Mapped[int] = mapped_column(default=0)
    answers: Mapped[int] = mapped_column(default=0)
    last_answer_at: Mapped[datetime | None]
    # Gold (check) items: every expert may answer them; they never count toward overlap.
    is_gold: Mapped[bool] = mapped_column(default=False, server_default=false())
    gold_answer: Mapped[dict[str, Any] | None]


class Assignment(Base):
    """An expert's lease on a task slot: ``leased`` → ``submitted`` or ``expired``."""

    __tablename__ = "assignment"
    __table_args__ = (
        UniqueConstraint("task_id", "annotator_id"),
        Index("ix_assignment_annotator", "project_id", "annotator_id", "status"),
        Index("ix_assignment_expiry", "project_id", "status", "lease_expires_at"),
        # The claim-rate throttle counts an expert's recent leases over every project.
        Index("ix_assignment_annotator_leased", "annotator_id", "leased_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(12), default="leased")
    leased_at: Mapped[datetime]
    lease_expires_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]

    task: Mapped[Task] = relationship()


class Annotation(Base):
    """A submitted answer; ``client_uuid`` makes a retried submit land once."""

    __tablename__ = "annotation"
    __table_args__ = (
        Index("ix_annotation_project", "project_id", "item_id"),
        # Per-expert counts on the claim path (answers today, check items) read this index.
        Index("ix_annotation_expert_time", "project_id", "annotator_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), unique=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    result: Mapped[dict[str, Any]]
    gold_score: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProjectInvitation(Base):
    """A named expert a vendor invited to an invitation-only project."""

    __tablename__ = "project_invitation"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExpertPool(Base):
    """A named group of experts a vendor's organization keeps, to invite all of them at once."""

    __tablename__ = "expert_pool"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExpertPoolMember(Base):
    """An expert in a pool; membership (not a copy of it) decides access to invited projects."""

    __tablename__ = "expert_pool_member"
    __table_args__ = (UniqueConstraint("pool_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("expert_pool.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProjectPoolInvitation(Base):
    """A pool invited to an invitation-only project: its members, present and future, may work."""

    __tablename__ = "project_pool_invitation"
    __table_args__ = (UniqueConstraint("project_id", "pool_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    pool_id: Mapped[int] = mapped_column(
        ForeignKey("expert_pool.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
