"""Transaction helpers shared by the write services."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.database import IMMEDIATE, utc_now
from app.extensions import db


def begin_write() -> None:
    """Start a write transaction, ending any read snapshot the request already holds.

    On SQLite this is ``BEGIN IMMEDIATE``: the write lock is taken first, so a transaction never
    fails half-way with SQLITE_BUSY when another writer committed after it started reading.
    PostgreSQL (READ COMMITTED) gives every statement a fresh snapshot, so the transaction
    already open simply goes on: no round trip to end it.
    """
    session = db.session()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_write() would discard pending changes; call it first")
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        # Ending the read snapshot must not expire what the request already loaded (the
        # signed-in user): a rollback would reload each of them with one more SELECT.
        loaded = list(session.identity_map.values())
        session.expunge_all()
        session.rollback()
        session.add_all(loaded)
    session.connection(execution_options=IMMEDIATE)


def as_utc(value: datetime) -> datetime:
    """Attach UTC to a naive timestamp read back from SQLite."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_NOW = select(utc_now())


def database_now() -> datetime:
    """The database server's clock (UTC), so app hosts with skewed clocks agree on leases."""
    value = db.session.scalar(_NOW)
    assert isinstance(value, datetime)
    return as_utc(value)


def write_connection() -> Connection:
    """The connection of the current write transaction, for the hot paths' Core statements.

    Call after :func:`begin_write`. Core statements skip the ORM's identity map, so the
    caller must not mix them with ORM objects it later reads for the same rows.
    """
    return db.session.connection()
