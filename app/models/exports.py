"""Exports of a project's answers and final labels, written by a background job."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class Export(Base):
    """One export request: ``pending`` → ``running`` → ``ready`` or ``failed``."""

    __tablename__ = "export"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # The file's format by name (app.exports.formats); JSON Lines unless the user chose.
    format: Mapped[str] = mapped_column(String(16), default="jsonl", server_default="jsonl")
    status: Mapped[str] = mapped_column(String(12), default="pending")
    items_done: Mapped[int] = mapped_column(default=0)
    items_total: Mapped[int] = mapped_column(default=0)
    object_key: Mapped[str | None] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
