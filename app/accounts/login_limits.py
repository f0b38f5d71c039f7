"""How soon a failed login may be tried again, counted by the limit store
(:mod:`app.rate_limits`: the audit trail, or Redis when one is configured).

Failures are limited per client address over every account (a password sprayer), and per
account *and* address with a growing delay (a guesser at one account): 5 s after the third
failure, then 10 s, 20 s … up to 15 minutes. The account itself is never locked, so failures
someone else causes from another address never keep its owner out. Behind a proxy the
address is the client's only when ``TRUSTED_PROXIES`` is set (``app.security``).

A login's password is checked only under a reservation (issue 14): before the hash, the
attempt is counted as a failure of its address and account in one atomic step with the
check (:func:`reserve_login`), so logins sent together never check more passwords than the
limits allow; its end (:func:`end_login`) turns it into nothing on a success and keeps it as
the failure on a failure. No lock is held while the password is hashed.

When the limit store cannot be reached the login is refused with a 503 (fails closed): a
password guesser must not get unlimited tries because Redis is down.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.audit import client_ip
from app.database import begin_write
from app.exceptions import RateLimited
from app.extensions import db
from app.models.base import utcnow
from app.rate_limits import (
    Backoff,
    Counter,
    Held,
    LimitsUnavailable,
    Reservation,
    limit_store,
)

FREE_FAILURES = 3
BASE_DELAY_S = 5
MAX_DELAY_S = 900
WINDOW = timedelta(minutes=15)
ADDRESS_WINDOW = timedelta(minutes=1)
# A sprayer that reached the address's limit waits this long.
ADDRESS_WAIT_S = 60
# Failures beyond this many no longer lengthen the delay (it reached MAX_DELAY_S).
MOST_COUNTED = FREE_FAILURES + math.ceil(math.log2(MAX_DELAY_S / BASE_DELAY_S)) + 1
# The delay after the newest of n failures of one account from one address.
ACCOUNT_DELAYS = tuple(
    0 if n < FREE_FAILURES else min(BASE_DELAY_S << (n - FREE_FAILURES), MAX_DELAY_S)
    for n in range(MOST_COUNTED + 1)
)

logger = logging.getLogger(__name__)


def _closed() -> LimitsUnavailable:
    return LimitsUnavailable(
        _l(
            "Logging in is not possible right now: failed logins cannot be counted, and no "
            "login is let through unchecked. Please try again in a few minutes."
        ),
        code="login_unavailable",
    )


def _held(seconds: int) -> RateLimited:
    return RateLimited(
        _l(
            "Too many failed logins. Please wait %(seconds)d seconds and try again.",
            seconds=seconds,
        ),
        retry_after=seconds,
    )


def _backoffs(email: str) -> list[Backoff]:
    """This address's failures over every account in the last minute (at most
    ``LOGIN_FAILURES_PER_MINUTE``), then its failures at ``email`` (growing delays)."""
    ip, most = client_ip(), current_app.config["LOGIN_FAILURES_PER_MINUTE"]
    by_address = (0,) * most + (ADDRESS_WAIT_S,)
    return [
        Backoff(Counter.FAILED_LOGIN, (ip,), ADDRESS_WINDOW, by_address),
        Backoff(Counter.FAILED_LOGIN_ACCOUNT, (ip, email), WINDOW, ACCOUNT_DELAYS),
    ]


def _seconds(backoff: Backoff, events: Sequence[datetime], now: datetime) -> int:
    """The wait a held login is told: a full minute for the address, else until the delay
    after the account's newest failure is over (at least a second)."""
    if backoff.counter is Counter.FAILED_LOGIN:
        return ADDRESS_WAIT_S
    return max(1, math.ceil(backoff.wait(events, now)))


def login_wait(email: str) -> int:
    """Seconds before this address may try ``email`` again, read without a lock from the
    failures recorded (the cheap refusal of a flood); 0 when it may try now. Raises
    LimitsUnavailable (503) when the failures cannot be counted."""
    now, store = utcnow(), limit_store()
    try:
        for backoff in _backoffs(email):
            since = now - backoff.window
            events = store.recent(backoff.counter, backoff.key, since, backoff.most_counted)
            if backoff.wait(events, now) > 0:
                return _seconds(backoff, events, now)
    except LimitsUnavailable:
        raise _closed() from None
    return 0


def reserve_login(email: str) -> Reservation:
    """Count a login of ``email`` from this address as a failure before its password is
    checked, unless the failures and the logins in progress make it wait; commits. Raises
    RateLimited (429, with the wait), LimitsUnavailable (503)."""
    wait = login_wait(email)
    if wait:
        raise _held(wait)
    now = utcnow()
    begin_write()
    try:
        outcome = limit_store().reserve(_backoffs(email), now)
    except LimitsUnavailable:
        db.session.rollback()
        raise _closed() from None
    if isinstance(outcome, Held):
        db.session.rollback()
        raise _held(_seconds(outcome.backoff, outcome.events, now))
    db.session.commit()
    return outcome


def end_login(reservation: Reservation, failed: bool) -> None:
    """End the login reserved: a failure stays counted (the caller writes its audit event in
    this transaction), a success counts for nothing. Raises LimitsUnavailable (503) only for
    a failure: a right password is not refused because its reservation outlives it."""
    store = limit_store()
    try:
        if failed:
            store.confirm(reservation)
        else:
            store.cancel(reservation)
    except LimitsUnavailable:
        if failed:
            raise _closed() from None
        logger.warning("A successful login still counts as a failure: the limits are unreachable")
