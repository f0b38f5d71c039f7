"""Lease arithmetic. Times come from the database clock, never the app host's."""

from __future__ import annotations

from datetime import datetime, timedelta

MIN_LEASE_SECONDS = 60
MAX_LEASE_SECONDS = 24 * 3600


def lease_expiry(now: datetime, seconds: int) -> datetime:
    """When a lease taken at ``now`` ends; ``seconds`` is clamped to 1 minute … 24 hours."""
    return now + timedelta(seconds=min(max(seconds, MIN_LEASE_SECONDS), MAX_LEASE_SECONDS))


def lease_is_live(expires_at: datetime, now: datetime) -> bool:
    """True while ``now`` is before ``expires_at`` (both timezone-aware)."""
    return now < expires_at
