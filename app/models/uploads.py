"""Pictures an expert uploaded for a collection slot, before (and after) they become items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class ContributionUpload(Base):
    """One uploaded picture, bound to the lease it was uploaded under.

    The submit trusts only this row: the client names ``object_key``, the row says whose upload
    it is, for which task, and what its bytes hashed to. ``item_id`` is set when the picture
    became an item; rows still without one after a day are swept with their objects.
    """

    __tablename__ = "contribution_upload"
    __table_args__ = (Index("ix_contribution_upload_unused", "item_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"))
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    object_key: Mapped[str] = mapped_column(String(255), unique=True)
    preview_key: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    width: Mapped[int]
    height: Mapped[int]
    original_filename: Mapped[str] = mapped_column(String(255))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
