"""Stored quality reports (computed by a background job) and reviewers' adjudications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class QualityReport(Base):
    """One computation of a project's quality figures; the newest is the current report."""

    __tablename__ = "quality_report"
    __table_args__ = (Index("ix_quality_report_project_time", "project_id", "computed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    answers: Mapped[int]
    last_annotation_id: Mapped[int]
    seconds: Mapped[float]
    alpha: Mapped[float | None]
    payload: Mapped[dict[str, Any]]


class ProjectReviewer(Base):
    """An expert who adjudicates a project's disputed items."""

    __tablename__ = "project_reviewer"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)


class Adjudication(Base):
    """A reviewer's final answer for an item the experts disagreed on."""

    __tablename__ = "adjudication"
    __table_args__ = (UniqueConstraint("project_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    result: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
