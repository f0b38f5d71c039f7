"""The wait a throttled claim is told: never longer than the one-minute window, even when
another request counted a claim with a clock that read later than this one's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.app.builders import World


def test_the_wait_is_at_most_the_window(app: Any, world: World) -> None:
    from sqlalchemy import select

    from app.database import database_now
    from app.extensions import db
    from app.labeling.claim_rules import _throttled
    from app.models import User

    email = world.user("expert")
    with app.test_request_context():
        expert = db.session.scalar(select(User).where(User.email == email))
        now = database_now()
        later = now + timedelta(milliseconds=800)  # counted by a request that read later
        assert retry_after(_throttled(expert, 3, [later], now)) == "60"
        assert retry_after(_throttled(expert, 3, [now - timedelta(seconds=30)], now)) == "30"
        assert retry_after(_throttled(expert, 3, [now - timedelta(seconds=59.9)], now)) == "1"


def retry_after(error: Any) -> str:
    return str(dict(error.headers)["Retry-After"])
