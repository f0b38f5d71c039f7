"""How soon a failed login may be tried again, counted by the limit store
(:mod:`app.rate_limits`: the audit trail, or Redis when one is configured).

Failures are limited per client address over every account (a password sprayer), and per
account *and* address with a growing delay (a guesser at one account): 5 s after the third
failure, then 10 s, 20 s … up to 15 minutes. The account itself is never locked, so failures
someone else causes from another address never keep its owner out. Behind a proxy the
address is the client's only when ``TRUSTED_PROXIES`` is set (``app.security``).

When the limit store cannot be reached the login is refused with a 503 (fails closed): a
password guesser must not get unlimited tries because Redis is down.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.audit import client_ip
from app.models.base import utcnow
from app.rate_limits import Counter, LimitStore, LimitsUnavailable, limit_store

FREE_FAILURES = 3
BASE_DELAY_S = 5
MAX_DELAY_S = 900
WINDOW = timedelta(minutes=15)
ADDRESS_WINDOW = timedelta(minutes=1)
# Failures beyond this many no longer lengthen the delay (it reached MAX_DELAY_S).
MOST_COUNTED = FREE_FAILURES + math.ceil(math.log2(MAX_DELAY_S / BASE_DELAY_S)) + 1


def _closed() -> LimitsUnavailable:
    return LimitsUnavailable(
        _l(
            "Logging in is not possible right now: failed logins cannot be counted, and no "
            "login is let through unchecked. Please try again in a few minutes."
        ),
        code="login_unavailable",
    )


def _account_wait(store: LimitStore, key: tuple[str | None, str], now: datetime) -> int:
    failures = store.recent(Counter.FAILED_LOGIN_ACCOUNT, key, now - WINDOW, MOST_COUNTED)
    if len(failures) < FREE_FAILURES:
        return 0
    delay = min(BASE_DELAY_S << (len(failures) - FREE_FAILURES), MAX_DELAY_S)
    return max(0, math.ceil(delay - (now - failures[0]).total_seconds()))


def login_wait(email: str) -> int:
    """Seconds before this address may try ``email`` again; 0 when it may now. Raises
    LimitsUnavailable (503) when the failures cannot be counted."""
    now, ip, store = utcnow(), client_ip(), limit_store()
    limit: int = current_app.config["LOGIN_FAILURES_PER_MINUTE"]
    try:
        by_address = store.recent(Counter.FAILED_LOGIN, (ip,), now - ADDRESS_WINDOW, limit)
        if len(by_address) >= limit:
            return 60
        return _account_wait(store, (ip, email), now)
    except LimitsUnavailable:
        raise _closed() from None


def count_failed_login(email: str) -> None:
    """Count a failed login of ``email`` from this address (the audit event is written by
    the caller). Raises LimitsUnavailable (503)."""
    now, ip, store = utcnow(), client_ip(), limit_store()
    try:
        store.add(Counter.FAILED_LOGIN, (ip,), now, ADDRESS_WINDOW)
        store.add(Counter.FAILED_LOGIN_ACCOUNT, (ip, email), now, WINDOW)
    except LimitsUnavailable:
        raise _closed() from None
