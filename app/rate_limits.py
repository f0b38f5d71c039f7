"""Where the rate limits count: in the database (the default) or in Redis (``RATELIMIT_URL``).

Every limit of the platform (failed logins per address and per account, self-registrations
per address and from everyone, new claims per expert) asks one question of a
:class:`LimitStore`: *when did the newest events of this counter and key happen since a
time?* It then decides, words its refusal and computes ``Retry-After`` itself, so both stores
give the same answers with the same messages.

Asking (``recent``) and then counting (``add``) are two steps: requests arriving together all
pass the question before any of them is counted (issue 14: 8 registrations got through a limit
of 5). Where a limit must hold exactly, ``take`` asks and counts in one atomic step, in the
write transaction that records the event, just before it commits; a refused caller rolls back.

- :class:`DatabaseLimits` reads the rows the platform writes anyway (``login_failed`` and
  ``expert_registered`` audit events, assignments): ``add`` has nothing to do. Every app
  process on one database shares them. ``take`` counts the caller's own uncommitted row with
  the committed ones while it holds the counter's lock until the transaction ends: on SQLite
  the write lock ``begin_write`` took, on PostgreSQL a transaction-level advisory lock.
- :class:`RedisLimits` keeps one sorted set per counter and key (score: the event's time),
  trimmed to the window and expiring with it, so app processes on many hosts share the
  counts without reading the audit table on each login or claim. ``take`` is one Lua script.

When Redis cannot be reached, a question raises :class:`LimitsUnavailable` (a 503): a limit
is never skipped because its counts are out of reach (the login fails closed).
"""

from __future__ import annotations

import hashlib
import json
import math
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, cast

import redis
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import Select, func, select

from app.config import REDIS_SCHEMES
from app.database import as_utc
from app.exceptions import Unavailable
from app.extensions import db
from app.models import Assignment, AuditEvent

EXTENSION = "wanbiao_limits"
KEY_PREFIX = "wanbiao:limit"
# A limit store that does not answer within this many seconds counts as down.
REDIS_TIMEOUT_S = 2.0


class Counter(StrEnum):
    """What is counted, and the key that names whose events they are."""

    FAILED_LOGIN = "failed-login"  # key: (client address,)
    FAILED_LOGIN_ACCOUNT = "failed-login-account"  # key: (client address, email)
    REGISTRATION_ADDRESS = "registration-address"  # key: (client address,)
    REGISTRATION = "registration"  # key: () — everyone's
    CLAIM = "claim"  # key: (expert's user id,)


Key = tuple[str | None, ...]


@dataclass(frozen=True)
class Limit:
    """At most ``most`` events of ``counter`` and ``key`` in the last ``window``."""

    counter: Counter
    key: Key
    window: timedelta
    most: int


@dataclass(frozen=True)
class Refusal:
    """The limit an event was refused by, and the events that reached it (newest first)."""

    limit: Limit
    events: list[datetime]


class LimitsUnavailable(Unavailable):
    """The limit store cannot be reached: the request is refused, never let through."""

    code = "limits_unavailable"


class LimitStore(Protocol):
    """The events behind the rate limits."""

    def recent(self, counter: Counter, key: Key, since: datetime, most: int) -> list[datetime]:
        """When the newest events of ``counter`` and ``key`` at or after ``since`` happened,
        newest first, at most ``most`` of them. Raises LimitsUnavailable."""
        ...

    def add(self, counter: Counter, key: Key, at: datetime, keep: timedelta) -> None:
        """Count an event at ``at``, kept at least ``keep`` (the longest window it is asked
        about). Raises LimitsUnavailable."""
        ...

    def take(self, limits: Sequence[Limit], at: datetime) -> Refusal | None:
        """Count the caller's event at ``at`` under every one of ``limits`` unless one of them
        is reached (``most`` other events of its counter and key in its window before ``at``),
        in one atomic step: concurrent callers never count more than ``most``. Returns None
        when the event was counted, else the first limit reached and its events (newest first,
        at most ``most``, as ``recent`` gives them); then nothing was counted.

        Call it in the write transaction (:func:`app.database.begin_write`) that wrote the
        event's row, as its last step before the commit; a refused caller rolls back. Raises
        LimitsUnavailable."""
        ...


def _unavailable() -> LimitsUnavailable:
    return LimitsUnavailable(
        _l(
            "The service that enforces rate limits cannot be reached, so this request is "
            "refused. Please try again in a few minutes."
        )
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
    digest = hashlib.blake2b(_redis_key(counter, key).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _without_own(found: list[datetime], at: datetime) -> list[datetime]:
    """The events of ``found`` but the caller's own (at ``at``; else the newest of them)."""
    others = list(found)
    if at in others:
        others.remove(at)
    elif others:
        others.pop(0)
    return others


class DatabaseLimits:
    """Counts read from the audit trail and the assignments (one indexed query each)."""

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
        on_postgresql = db.session.get_bind().dialect.name == "postgresql"
        for limit in limits:
            if on_postgresql:
                lock = func.pg_advisory_xact_lock(_lock_id(limit.counter, limit.key))
                db.session.execute(select(lock))
            since = at - limit.window
            found = self.recent(limit.counter, limit.key, since, limit.most + 1)
            others = _without_own(found, as_utc(at))[: limit.most]
            if len(others) >= limit.most:
                return Refusal(limit, others)
        return None


def _redis_key(counter: Counter, key: Key) -> str:
    # JSON keeps ("a:b", "c") and ("a", "b:c") apart; an IPv6 address holds colons.
    return f"{KEY_PREFIX}:{counter.value}:{json.dumps(list(key), ensure_ascii=False)}"


def _score(at: datetime) -> float:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def _member(score: float) -> str:
    return f"{score:.6f}:{secrets.token_hex(4)}"


class RedisLimits:
    """Counts in Redis sorted sets, shared by every app process that uses the same server."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_S,
            socket_timeout=REDIS_TIMEOUT_S,
            retry=Retry(NoBackoff(), 1),
        )
        self._take = self.client.register_script(_TAKE)

    def recent(self, counter: Counter, key: Key, since: datetime, most: int) -> list[datetime]:
        try:
            found = cast(
                list[tuple[bytes, float]],
                self.client.zrevrangebyscore(
                    _redis_key(counter, key), "+inf", _score(since), 0, most, withscores=True
                ),
            )
        except redis.RedisError as exc:
            raise _unavailable() from exc
        return [datetime.fromtimestamp(score, UTC) for _member, score in found]

    def add(self, counter: Counter, key: Key, at: datetime, keep: timedelta) -> None:
        name, score = _redis_key(counter, key), _score(at)
        try:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.zadd(name, {_member(score): score})
                pipe.zremrangebyscore(name, "-inf", f"({score - keep.total_seconds()}")
                pipe.expire(name, math.ceil(keep.total_seconds()) + 1)
                pipe.execute()
        except redis.RedisError as exc:
            raise _unavailable() from exc

    def take(self, limits: Sequence[Limit], at: datetime) -> Refusal | None:
        """Redis runs a script alone: no question and count of another caller interleave."""
        score = _score(at)
        arguments: list[Any] = [score, _member(score)]
        for limit in limits:
            seconds = limit.window.total_seconds()
            arguments += [score - seconds, limit.most, math.ceil(seconds) + 1]
        names = [_redis_key(limit.counter, limit.key) for limit in limits]
        try:
            reached, found = cast(tuple[int, list[bytes]], self._take(keys=names, args=arguments))
        except redis.RedisError as exc:
            raise _unavailable() from exc
        if not reached:
            return None
        events = [datetime.fromtimestamp(float(s), UTC) for s in found[1::2]]
        return Refusal(limits[reached - 1], events)


# ARGV: the event's score and member, then per key: the window's start (also what is trimmed),
# the limit, the seconds to keep the set. The first key whose limit is reached is returned
# with its newest members and their scores, and nothing is added; else the event is added to
# every key: {0, {}}.
_TAKE = """
local score, member = ARGV[1], ARGV[2]
for i = 1, #KEYS do
  local since, most = ARGV[3 * i], tonumber(ARGV[3 * i + 1])
  local found = redis.call('ZREVRANGEBYSCORE', KEYS[i], '+inf', since, 'WITHSCORES',
                           'LIMIT', 0, most)
  if #found / 2 >= most then
    return {i, found}
  end
end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], score, member)
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[3 * i])
  redis.call('EXPIRE', KEYS[i], tonumber(ARGV[3 * i + 2]))
end
return {0, {}}
"""


def limit_store() -> LimitStore:
    """The store of the current app (see :func:`init_app`)."""
    store: LimitStore = current_app.extensions[EXTENSION]
    return store


def init_app(app: Flask) -> None:
    """Keep the limits in Redis when ``RATELIMIT_URL`` names a Redis server, else in the
    database."""
    url = str(app.config.get("RATELIMIT_URL") or "")
    if url.startswith(REDIS_SCHEMES):
        store: LimitStore = RedisLimits(url)
    elif url in ("", "database"):
        store = DatabaseLimits()
    else:
        raise RuntimeError(
            "WANBIAO_RATELIMIT_URL must be redis://…, rediss://…, unix://… or 'database'."
        )
    app.extensions[EXTENSION] = store
