"""What background jobs are doing, so that work whose worker died is found and finished."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class JobRun(Base):
    """One long job on one object (``kind``: ingestion, export, report) while it is owed.

    ``worker`` names the process running it (``host:pid:start``), NULL between attempts;
    ``heartbeat_at`` moves with every committed batch. The row goes when the work ends
    (ready or failed); a row whose worker is gone is the sign of an interrupted job.
    ``last_error``: why the last attempt ended early (a code the failure message translates).
    """

    __tablename__ = "job_run"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    object_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    worker: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StorageSweep(Base):
    """An object-store prefix whose objects are to be deleted (a failed corpus's files): the
    sweep job deletes them and then the row, so the intent survives a crash."""

    __tablename__ = "storage_sweep"

    prefix: Mapped[str] = mapped_column(String(255), primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
