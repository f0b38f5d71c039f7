"""Releases of de-identified public documents: the release, its documents with their
findings, the reviewers' decisions and the logged downloads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class Release(Base):
    """One release: built from a corpus under a policy, moved through the states of
    ``app.releases.states`` and, once published, immutable objects under ``releases/<id>/``."""

    __tablename__ = "release"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    corpus_id: Mapped[int | None] = mapped_column(ForeignKey("corpus.id"), index=True)
    # A release of a project's final labels: its corpus's texts, the labels remapped.
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    domain: Mapped[str] = mapped_column(String(40), default="")
    licence: Mapped[str] = mapped_column(String(80), default="")
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    policy: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # HMAC key of this release's pseudonyms: one person, one pseudonym within the release.
    pseudonym_key: Mapped[bytes] = mapped_column(LargeBinary(32))
    sample_seed: Mapped[str] = mapped_column(String(32))
    document_count: Mapped[int] = mapped_column(default=0)
    analysed_count: Mapped[int] = mapped_column(default=0)
    char_count: Mapped[int] = mapped_column(BigInteger, default=0)
    failures: Mapped[list[Any]] = mapped_column(default=list)
    residual: Mapped[dict[str, Any]] = mapped_column(default=dict)
    manifest: Mapped[dict[str, Any] | None]
    signature: Mapped[dict[str, Any] | None]
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    analysed_at: Mapped[datetime | None]
    # Set by every committed analysis batch: a stale one means the worker died.
    heartbeat_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    publish_requested_at: Mapped[datetime | None]
    publish_requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Why the last publishing attempt stopped (``storage_unavailable``, ``error``).
    publish_error: Mapped[str | None] = mapped_column(String(40))
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    withdrawn_at: Mapped[datetime | None]


class ReleaseDocument(Base):
    """One document of a release (an item of its corpus) with the analyser's findings
    (``[start, end, entity_type, score]`` each), whether it is in the review sample, and the
    recall scan's findings over its redacted text."""

    __tablename__ = "release_document"
    __table_args__ = (
        UniqueConstraint("release_id", "item_id"),
        Index("ix_release_document_release_seq", "release_id", "seq"),
        Index("ix_release_document_release_status", "release_id", "status"),
        # The review counts (sample size, reviewed) and the residual counts run on every
        # review decision and sample page: without these they read every document.
        Index("ix_release_document_sample", "release_id", "in_sample", "reviewed_at"),
        Index("ix_release_document_residual", "release_id", "residual_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    seq: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default="pending")
    chars: Mapped[int] = mapped_column(default=0)
    # Server defaults: documents are created by one INSERT … SELECT per release.
    findings: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    error: Mapped[str | None] = mapped_column(String(500))
    in_sample: Mapped[bool] = mapped_column(default=False)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None]
    residual_findings: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    residual_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Set when an approval scanned the document again with its reviewers' decisions: its
    # residual findings are then no longer the analysis job's (see ``rescan_decided``).
    rescanned_at: Mapped[datetime | None]


class ReviewDecision(Base):
    """A reviewer's word on one span of a document: ``accept`` or ``reject`` an analyser
    finding, or ``add`` a span it missed (every added span counts as a missed identifier)."""

    __tablename__ = "review_decision"
    __table_args__ = (UniqueConstraint("document_id", "start", "end", "entity_type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("release_document.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int]
    end: Mapped[int]
    entity_type: Mapped[str] = mapped_column(String(24))
    decision: Mapped[str] = mapped_column(String(8))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReleaseDownload(Base):
    """One logged download of a published release file: who, which, when, from where."""

    __tablename__ = "release_download"
    __table_args__ = (Index("ix_release_download_release_time", "release_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    path: Mapped[str] = mapped_column(String(255))
    ip: Mapped[str | None] = mapped_column(String(45))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReleaseReviewer(Base):
    """A person the release's builders named to review it, beside the bureau's auditors:
    they review its sample and may approve it (never its builder)."""

    __tablename__ = "release_reviewer"
    __table_args__ = (UniqueConstraint("release_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    named_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
