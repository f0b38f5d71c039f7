"""How soon a failed login may be tried again, counted from the audit trail.

Failures are limited per client address over every account (a password sprayer), and per
account *and* address with a growing delay (a guesser at one account): 5 s after the third
failure, then 10 s, 20 s … up to 15 minutes. The account itself is never locked, so failures
someone else causes from another address never keep its owner out. Behind a proxy the
address is the client's only when ``TRUSTED_PROXIES`` is set (``app.security``).
"""

from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from app.audit import client_ip
from app.database import as_utc
from app.extensions import db
from app.models import AuditEvent
from app.models.base import utcnow

FREE_FAILURES = 3
BASE_DELAY_S = 5
MAX_DELAY_S = 900
WINDOW = timedelta(minutes=15)


def login_wait(email: str) -> int:
    """Seconds before this address may try ``email`` again; 0 when it may now."""
    now, ip = utcnow(), client_ip()
    failed = (AuditEvent.action == "login_failed", AuditEvent.ip == ip)
    by_address = db.session.scalar(
        select(func.count()).where(*failed, AuditEvent.created_at >= now - timedelta(minutes=1))
    )
    if (by_address or 0) >= current_app.config["LOGIN_FAILURES_PER_MINUTE"]:
        return 60
    count, last = db.session.execute(
        select(func.count(), func.max(AuditEvent.created_at)).where(
            *failed, AuditEvent.actor_email == email, AuditEvent.created_at >= now - WINDOW
        )
    ).one()
    if int(count) < FREE_FAILURES or last is None:
        return 0
    delay = min(BASE_DELAY_S * 2 ** (int(count) - FREE_FAILURES), MAX_DELAY_S)
    return max(0, math.ceil(int(delay) - (now - as_utc(last)).total_seconds()))
