"""Transaction helpers shared by the write services."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from app.database import IMMEDIATE
from app.extensions import db


def begin_write() -> None:
    """Start a write transaction, ending any read snapshot the request already holds.

    On SQLite this is ``BEGIN IMMEDIATE``: the write lock is taken first, so a transaction never
    fails half-way with SQLITE_BUSY when another writer committed after it started reading.
    """
    session = db.session()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_write() would discard pending changes; call it first")
    if session.in_transaction():
        session.rollback()
    db.session.connection(execution_options=IMMEDIATE)


def as_utc(value: datetime) -> datetime:
    """Attach UTC to a naive timestamp read back from SQLite."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def database_now() -> datetime:
    """The database server's clock (UTC), so app hosts with skewed clocks agree on leases."""
    if db.session.get_bind().dialect.name == "sqlite":
        raw = db.session.scalar(text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')"))
        return datetime.strptime(str(raw), "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC)
    value = db.session.scalar(text("SELECT now()"))
    assert isinstance(value, datetime)
    return as_utc(value)
