"""A corpus file sent in parts (S3 multipart upload through the app), resumable until done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class ResumableUpload(Base):
    """One file being uploaded in parts of ``part_size`` bytes (the last one shorter).

    The object store holds the parts (its multipart upload ``s3_upload_id``) and is the only
    record of which arrived; this row says whose upload it is, what it is for and how it is
    cut. Once complete, the corpus whose ``object_key`` is this row's is the upload's result,
    so a repeated completion answers with the same corpus.
    """

    __tablename__ = "resumable_upload"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    part_size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    object_key: Mapped[str] = mapped_column(String(255), unique=True)
    s3_upload_id: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
