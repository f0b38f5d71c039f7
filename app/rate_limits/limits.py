"""What the rate limits are made of: counters and their keys, plain limits and growing delays,
a store's answers, and the :class:`LimitStore` protocol both stores follow."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from flask_babel import lazy_gettext as _l

from app.exceptions import Unavailable

KEY_PREFIX = "wanbiao:limit"


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
class Backoff:
    """After ``n`` events of ``counter`` and ``key`` in the last ``window``, the next one may
    come ``delays[n]`` seconds after the newest of them; the last delay holds for more events.
    (``most`` events a window is ``(0,) * most + (window,)``: every counted event is newer.)"""

    counter: Counter
    key: Key
    window: timedelta
    delays: tuple[int, ...]

    @property
    def most_counted(self) -> int:
        """Events beyond this many change nothing."""
        return len(self.delays) - 1

    def wait(self, events: Sequence[datetime], at: datetime) -> float:
        """Seconds from ``at`` until the next event may come, given the events of the window
        (newest first); 0 when it may come now. An event newer than ``at`` (another process
        read the clock later but counted first) counts as happening at ``at``."""
        if not events:
            return 0.0
        delay = self.delays[min(len(events), self.most_counted)]
        return max(0.0, delay - max(0.0, (at - events[0]).total_seconds()))


@dataclass(frozen=True)
class Refusal:
    """The limit an event was refused by, and the events that reached it (newest first)."""

    limit: Limit
    events: list[datetime]


@dataclass(frozen=True)
class Held:
    """The Backoff an attempt was held by, and the events it counted (newest first)."""

    backoff: Backoff
    events: list[datetime]


@dataclass(frozen=True)
class Reservation:
    """An attempt counted as an event of every counter and key of ``names`` until it ends."""

    token: str
    names: tuple[str, ...]


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

    def reserve(self, backoffs: Sequence[Backoff], at: datetime) -> Reservation | Held:
        """Count an attempt at ``at`` as an event of every one of ``backoffs`` unless one of
        them makes it wait (counting the attempts still in progress), in one atomic step.
        Returns the Reservation, else the first Backoff that holds the attempt and the events
        it counted (newest first, :class:`Held`); then nothing was counted.

        Call it in a write transaction of its own (:func:`app.database.begin_write`) and commit
        it (or roll back a refusal) before the slow work. Raises LimitsUnavailable."""
        ...

    def cancel(self, reservation: Reservation) -> None:
        """The attempt succeeded: it counts for nothing. Call it in the write transaction
        that records the success. Raises LimitsUnavailable."""
        ...

    def confirm(self, reservation: Reservation) -> None:
        """The attempt failed: it counts as an event from now on. Call it in the write
        transaction that writes the event's row (the audit event), if any. Raises
        LimitsUnavailable."""
        ...


def unavailable() -> LimitsUnavailable:
    """The refusal of a request whose limits cannot be counted."""
    return LimitsUnavailable(
        _l(
            "The service that enforces rate limits cannot be reached, so this request is "
            "refused. Please try again in a few minutes."
        )
    )


def counter_name(counter: Counter, key: Key) -> str:
    """The name of a counter and key: Redis's sorted set, the database's reservation rows."""
    # JSON keeps ("a:b", "c") and ("a", "b:c") apart; an IPv6 address holds colons.
    return f"{KEY_PREFIX}:{counter.value}:{json.dumps(list(key), ensure_ascii=False)}"


def counter_names(backoffs: Sequence[Backoff]) -> list[str]:
    """The names of the Backoffs' counters and keys, in their order."""
    return [counter_name(backoff.counter, backoff.key) for backoff in backoffs]
