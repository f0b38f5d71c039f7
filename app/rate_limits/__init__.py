r"""Where the rate limits count: in the database (the default) or in Redis (``RATELIMIT_URL``).

Every limit of the platform (failed logins per address and per account, self-registrations
per address and from everyone, new claims per expert) asks one question of a
:class:`LimitStore`: *when did the newest events of this counter and key happen since a
time?* It then decides, words its refusal and computes ``Retry-After`` itself, so both stores
give the same answers with the same messages.

Asking (``recent``) and then counting (``add``) are two steps: requests arriving together all
pass the question before any of them is counted (issue 14: 8 registrations got through a limit
of 5). Where a limit must hold exactly, ``take`` asks and counts in one atomic step, in the
write transaction that records the event, just before it commits; a refused caller rolls back.

An event known only after slow work (a failed login, after the password hash) cannot be taken
at its end: 17 of 20 wrong passwords sent together were checked where 3 are allowed. Such an
attempt is *reserved* first: ``reserve`` asks a :class:`Backoff` (a delay growing with the
events counted) and counts the attempt as an event in one atomic step; the attempt's end then
``cancel``\ s it (a success: it counts for nothing) or ``confirm``\ s it (a failure: it stays
counted, in the database as the audit event written in its place).

- :class:`DatabaseLimits` (``in_database.py``) reads the rows the platform writes anyway
  (``login_failed`` and ``expert_registered`` audit events, assignments): ``add`` has nothing
  to do. Every app process on one database shares them. ``take`` counts the caller's own
  uncommitted row with the committed ones while it holds the counter's lock until the
  transaction ends: on SQLite the write lock ``begin_write`` took, on PostgreSQL a
  transaction-level advisory lock. A reservation is a :class:`~app.models.LimitReservation`
  row per counter, written under the same locks in a short write transaction of its own: no
  password is hashed inside it.
- :class:`RedisLimits` (``in_redis.py``) keeps one sorted set per counter and key (score: the
  event's time), trimmed to the window and expiring with it, so app processes on many hosts
  share the counts without reading the audit table on each login or claim. ``take`` is one
  Lua script, and so is ``reserve``: the attempt is a member of each counter's set until it
  is cancelled.

When Redis cannot be reached, a question raises :class:`LimitsUnavailable` (a 503): a limit
is never skipped because its counts are out of reach (the login fails closed).
"""

from __future__ import annotations

from flask import Flask, current_app

from app.config import REDIS_SCHEMES
from app.rate_limits.in_database import DatabaseLimits
from app.rate_limits.in_redis import RedisLimits
from app.rate_limits.limits import (
    Backoff,
    Counter,
    Held,
    Key,
    Limit,
    LimitStore,
    LimitsUnavailable,
    Refusal,
    Reservation,
)

__all__ = [
    "Backoff",
    "Counter",
    "DatabaseLimits",
    "Held",
    "Key",
    "Limit",
    "LimitStore",
    "LimitsUnavailable",
    "RedisLimits",
    "Refusal",
    "Reservation",
    "init_app",
    "limit_store",
]

EXTENSION = "wanbiao_limits"


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
