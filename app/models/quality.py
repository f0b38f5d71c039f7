"""Stored quality reports (computed by a background job) and reviewers' adjudications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint
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


class QualityItem(Base):
    """One item's line of the newest quality report, written by the report job so that the
    per-item table pages and sorts in the database (never computed inside a request).

    ``agreement``: share of agreeing expert pairs (classify), pooled span or box F1 between
    experts (ner, bbox), mean similarity of the cleaned texts (clean); for a check item, the
    share of answers that passed. ``consensus``: the Dawid–Skene label (classify) or a summary
    of the majority answer; NULL when there is none. ``posterior``: Dawid–Skene's confidence.
    ``digest``: a fingerprint of the other figures, so the job rewrites only changed lines.
    """

    __tablename__ = "quality_item"
    __table_args__ = (
        Index("ix_quality_item_agreement", "project_id", "agreement", "item_id"),
        Index("ix_quality_item_posterior", "project_id", "posterior", "item_id"),
        Index("ix_quality_item_answers", "project_id", "answers", "item_id"),
    )

    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), primary_key=True
    )
    # No foreign key to item: a per-row key check made the first write of 200,000 lines
    # 60 % slower on PostgreSQL; lines are rewritten by the job, pages join them to their
    # items, and an item can only go with its corpus, after the project (and its lines).
    item_id: Mapped[int] = mapped_column(primary_key=True)
    answers: Mapped[int]
    agreement: Mapped[float | None]
    consensus: Mapped[str | None] = mapped_column(String(200))
    posterior: Mapped[float | None]
    is_gold: Mapped[bool]
    adjudicated: Mapped[bool]
    digest: Mapped[int] = mapped_column(BigInteger)
