"""The limits counted in Redis: one sorted set per counter and key, shared by app processes on
many hosts; every step that must be atomic is one Lua script."""

from __future__ import annotations

import json
import math
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

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
    unavailable,
)

# A limit store that does not answer within this many seconds counts as down.
REDIS_TIMEOUT_S = 2.0


def _score(at: datetime) -> float:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def _member(score: float) -> str:
    return f"{score:.6f}:{secrets.token_hex(4)}"


def _run(script: Any, names: list[str], arguments: list[Any]) -> tuple[int, list[datetime]]:
    """Run a script that answers ``{index, members and scores}``: (the 1-based index of the
    key it stopped at, else 0; the times of the members, newest first)."""
    try:
        index, found = cast(tuple[int, list[bytes]], script(keys=names, args=arguments))
    except redis.RedisError as exc:
        raise unavailable() from exc
    return index, [datetime.fromtimestamp(float(s), UTC) for s in found[1::2]]


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
        self._reserve = self.client.register_script(_RESERVE)

    def recent(self, counter: Counter, key: Key, since: datetime, most: int) -> list[datetime]:
        try:
            found = cast(
                list[tuple[bytes, float]],
                self.client.zrevrangebyscore(
                    counter_name(counter, key), "+inf", _score(since), 0, most, withscores=True
                ),
            )
        except redis.RedisError as exc:
            raise unavailable() from exc
        return [datetime.fromtimestamp(score, UTC) for _member, score in found]

    def add(self, counter: Counter, key: Key, at: datetime, keep: timedelta) -> None:
        name, score = counter_name(counter, key), _score(at)
        try:
            with self.client.pipeline(transaction=True) as pipe:
                pipe.zadd(name, {_member(score): score})
                pipe.zremrangebyscore(name, "-inf", f"({score - keep.total_seconds()}")
                pipe.expire(name, math.ceil(keep.total_seconds()) + 1)
                pipe.execute()
        except redis.RedisError as exc:
            raise unavailable() from exc

    def take(self, limits: Sequence[Limit], at: datetime) -> Refusal | None:
        """Redis runs a script alone: no question and count of another caller interleave."""
        score = _score(at)
        arguments: list[Any] = [score, _member(score)]
        for limit in limits:
            seconds = limit.window.total_seconds()
            arguments += [score - seconds, limit.most, math.ceil(seconds) + 1]
        names = [counter_name(limit.counter, limit.key) for limit in limits]
        reached, events = _run(self._take, names, arguments)
        return Refusal(limits[reached - 1], events) if reached else None

    def reserve(self, backoffs: Sequence[Backoff], at: datetime) -> Reservation | Held:
        """One script, as ``take``: the attempt is a member of each counter's set."""
        score = _score(at)
        reservation = Reservation(_member(score), tuple(counter_names(backoffs)))
        arguments: list[Any] = [repr(score), reservation.token]
        for backoff in backoffs:
            seconds = backoff.window.total_seconds()
            arguments += [repr(score - seconds), math.ceil(seconds) + 1, json.dumps(backoff.delays)]
        held, events = _run(self._reserve, list(reservation.names), arguments)
        return Held(backoffs[held - 1], events) if held else reservation

    def cancel(self, reservation: Reservation) -> None:
        """The member leaves every set."""
        try:
            with self.client.pipeline(transaction=True) as pipe:
                for name in reservation.names:
                    pipe.zrem(name, reservation.token)
                pipe.execute()
        except redis.RedisError as exc:
            raise unavailable() from exc

    def confirm(self, reservation: Reservation) -> None:
        """Nothing to do: the member stays, counted as the event (at the attempt's start)."""


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


# ARGV: the attempt's score and member, then per key: the window's start (also what is
# trimmed), the seconds to keep the set, and the Backoff's delays (JSON). The first key whose
# delay after its newest member has not passed is returned with its members and their scores
# (newest first, as many as count), and nothing is added; else the attempt is added to every
# key: {0, {}}.
_RESERVE = """
local at, member = tonumber(ARGV[1]), ARGV[2]
for i = 1, #KEYS do
  local delays = cjson.decode(ARGV[3 * i + 2])
  local found = redis.call('ZREVRANGEBYSCORE', KEYS[i], '+inf', ARGV[3 * i], 'WITHSCORES',
                           'LIMIT', 0, #delays - 1)
  local counted = #found / 2
  if counted > 0 and math.max(0, at - tonumber(found[2])) < delays[counted + 1] then
    return {i, found}
  end
end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[1], member)
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', '(' .. ARGV[3 * i])
  redis.call('EXPIRE', KEYS[i], tonumber(ARGV[3 * i + 1]))
end
return {0, {}}
"""
