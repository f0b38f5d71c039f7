"""Collected contributions and the decision on each: a text or picture an expert contributed
to a collection project waits (``pending``) until the project's vendor or one of its reviewers
accepts it (it joins the corpus) or rejects it with a reason the expert reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

CONTRIBUTION_STATUSES = ("pending", "accepted", "rejected")
#: ``Item.dropped`` of a collected item that is not in its corpus: waiting for a decision, or
#: rejected. Such an item is stored (its answer refers to it) but no project, page or export of
#: the corpus sees it, and restoring dropped items never brings it back.
HELD_FOR_REVIEW = ("pending", "rejected")
MAX_REASON_CHARS = 500


class Contribution(Base):
    """One collected item (one answer of a collection slot) and its review decision."""

    __tablename__ = "contribution"
    __table_args__ = (
        # The review queue pages a project's pending contributions in id order.
        Index("ix_contribution_queue", "project_id", "status", "id"),
        # An expert's own list, newest first.
        Index("ix_contribution_expert", "annotator_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), unique=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    status: Mapped[str] = mapped_column(String(12), default="pending", server_default="pending")
    reason: Mapped[str | None] = mapped_column(String(MAX_REASON_CHARS))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
