"""The limits counted in the database: the rows the platform writes anyway (audit events,
assignments) and the reservations of attempts in progress."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, func, select, union_all

from app.database import as_utc
from app.extensions import db
from app.models import Assignment, AuditEvent, LimitReservation
from app.rate_limits.limits import (
    Backoff,
    Counter,
    Held,
    Key,
    Limit,
    Refusal,
    Reservation,
    counter_name,
    counter_names,
)


def _failed_logins(key: Key) -> list[Any]:
    return [AuditEvent.action == "login_failed", AuditEvent.ip == key[0]]


def _failed_logins_of_account(key: Key) -> list[Any]:
    return [*_failed_logins(key), AuditEvent.actor_email == key[1]]


def _registrations(key: Key) -> list[Any]:
    where: list[Any] = [AuditEvent.action == "expert_registered"]
    return where + [AuditEvent.ip == key[0]] if key else where


def _audit_events(where: Callable[[Key], list[Any]]) -> Callable[[Key, datetime], Select[Any]]:
    def query(key: Key, since: datetime) -> Select[Any]:
        return select(AuditEvent.created_at).where(*where(key), AuditEvent.created_at >= since)

    return query


def _claims(key: Key, since: datetime) -> Select[Any]:
    annotator = int(key[0] or 0)
    return select(Assignment.leased_at).where(
        Assignment.annotator_id == annotator, Assignment.leased_at > since
    )


# Per counter: the rows that are its events (each query is served by an index on the time).
_QUERIES: dict[Counter, Callable[[Key, datetime], Select[Any]]] = {
    Counter.FAILED_LOGIN: _audit_events(_failed_logins),
    Counter.FAILED_LOGIN_ACCOUNT: _audit_events(_failed_logins_of_account),
    Counter.REGISTRATION_ADDRESS: _audit_events(_registrations),
    Counter.REGISTRATION: _audit_events(_registrations),
    Counter.CLAIM: _claims,
}


def _lock_id(counter: Counter, key: Key) -> int:
    """A signed 64-bit number naming the counter and key, for ``pg_advisory_xact_lock``."""
    digest = hashlib.blake2b(counter_name(counter, key).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _without_own(found: list[datetime], at: datetime) -> list[datetime]:
    """The events of ``found`` but the caller's own (at ``at``; else the newest of them)."""
    others = list(found)
    if at in others:
        others.remove(at)
    elif others:
        others.pop(0)
    return others


def _lock(counter: Counter, key: Key) -> None:
    """On PostgreSQL, hold the counter's lock until the transaction ends (on SQLite, the write
    lock of ``begin_write`` already lets one writer at a time)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(_lock_id(counter, key))))


class DatabaseLimits:
    """Counts read from the audit trail and the assignments (one indexed query each), and the
    reservations of attempts in progress."""

    def recent(self, counter: Counter, key: Key, since: datetime, most: int) -> list[datetime]:
        query = _QUERIES[counter](key, since)
        column = query.selected_columns[0]
        return [as_utc(t) for t in db.session.scalars(query.order_by(column.desc()).limit(most))]

    def add(self, counter: Counter, key: Key, at: datetime, keep: timedelta) -> None:
        """Nothing to do: the audit event or the assignment is the record."""

    def take(self, limits: Sequence[Limit], at: datetime) -> Refusal | None:
        """The caller's row is written (flushed) in this transaction: count it with the
        committed ones under each counter's lock, held until the transaction ends. SQLite's
        write lock (``begin_write``) already lets one writer at a time; PostgreSQL's READ
        COMMITTED reads, after the advisory lock, every row a previous holder committed.
        Callers name their limits in one order, so two of them never wait on each other."""
        db.session.flush()
        for limit in limits:
            _lock(limit.counter, limit.key)
            since = at - limit.window
            found = self.recent(limit.counter, limit.key, since, limit.most + 1)
            others = _without_own(found, as_utc(at))[: limit.most]
            if len(others) >= limit.most:
                return Refusal(limit, others)
        return None

    def reserve(self, backoffs: Sequence[Backoff], at: datetime) -> Reservation | Held:
        """Under each counter's lock (as ``take``), the events and the reservations of its
        window are counted; the reservation rows are written, and the window's expired ones
        swept, only when no Backoff holds the attempt."""
        for backoff in backoffs:
            _lock(backoff.counter, backoff.key)
            counted = self._counted(backoff, at)
            if backoff.wait(counted, at) > 0:
                return Held(backoff, counted)
        reservation = Reservation(secrets.token_hex(16), tuple(counter_names(backoffs)))
        for backoff, name in zip(backoffs, reservation.names, strict=True):
            expired = LimitReservation.reserved_at < at - backoff.window
            db.session.execute(
                delete(LimitReservation).where(LimitReservation.name == name, expired)
            )
            db.session.add(LimitReservation(token=reservation.token, name=name, reserved_at=at))
        db.session.flush()
        return reservation

    def _counted(self, backoff: Backoff, at: datetime) -> list[datetime]:
        """The events and reservations of the Backoff's window, newest first. One statement,
        so one snapshot: a failure that ends between two reads (its reservation deleted, its
        audit event written) is counted once, never missed."""
        since = at - backoff.window
        reserved = select(LimitReservation.reserved_at).where(
            LimitReservation.name == counter_name(backoff.counter, backoff.key),
            LimitReservation.reserved_at >= since,
        )
        both = union_all(_QUERIES[backoff.counter](backoff.key, since), reserved).subquery()
        newest = select(both.c[0]).order_by(both.c[0].desc()).limit(backoff.most_counted)
        return [as_utc(t) for t in db.session.scalars(newest)]

    def cancel(self, reservation: Reservation) -> None:
        """The reservation's rows go."""
        db.session.execute(
            delete(LimitReservation).where(LimitReservation.token == reservation.token)
        )

    def confirm(self, reservation: Reservation) -> None:
        """The reservation's rows go: the caller's audit event counts in their place."""
        self.cancel(reservation)
