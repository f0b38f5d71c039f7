"""The rate limits answer alike whether they count in the database or in Redis
(``RATELIMIT_URL``): failed logins per address and per account with growing delays,
registrations per address and overall, claims per expert, with the same statuses,
``Retry-After`` and messages. With Redis down, a login is refused with a translated 503 and
never let through unchecked; registrations and claims are refused the same way, while the
rest of the app keeps answering; once Redis is back, logins work again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.app.builders import PASSWORD, World
from tests.app.redis_server import RedisServer
from tests.conftest import S3, make_app

ATTACKER = {"REMOTE_ADDR": "198.51.100.66"}
OWNER = {"REMOTE_ADDR": "203.0.113.10"}
BACKENDS = ["database", "redis"]


@pytest.fixture(params=BACKENDS)
def limited_app(request: pytest.FixtureRequest, tmp_path: Path, s3_server: S3) -> Iterator[Any]:
    """An app whose limits count in the database, or in a real redis-server."""
    url = "database"
    if request.param == "redis":
        url = request.getfixturevalue("redis_server").url
    app = make_app(tmp_path, s3_server, RATELIMIT_URL=url)
    yield app
    _dispose(app)


def _dispose(app: Any) -> None:
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _login(app: Any, email: str, password: str, where: dict[str, str]) -> Any:
    return app.test_client().post(
        "/login?lang=en", data={"email": email, "password": password}, environ_base=where
    )


def _failed_earlier(app: Any, email: str, where: dict[str, str], seconds: int, times: int) -> None:
    """``times`` failed logins of ``email`` from ``where``, ``seconds`` ago, recorded as a
    failed login records them (an audit event, and the count in the limit store)."""
    from app.accounts.login_limits import ADDRESS_WINDOW, WINDOW
    from app.extensions import db
    from app.models import AuditEvent
    from app.models.base import utcnow
    from app.rate_limits import Counter, limit_store

    ip, at = where["REMOTE_ADDR"], utcnow() - timedelta(seconds=seconds)
    with app.test_request_context(environ_base=where):
        for _ in range(times):
            db.session.add(
                AuditEvent(action="login_failed", actor_email=email, ip=ip, created_at=at)
            )
            limit_store().add(Counter.FAILED_LOGIN, (ip,), at, ADDRESS_WINDOW)
            limit_store().add(Counter.FAILED_LOGIN_ACCOUNT, (ip, email), at, WINDOW)
        db.session.commit()


def test_a_guesser_waits_ever_longer_and_the_owner_still_logs_in(limited_app: Any) -> None:
    app, email = limited_app, World(limited_app).user("expert")
    for _ in range(3):
        assert _login(app, email, "not-the-password", ATTACKER).status_code == 422
    held = _login(app, email, PASSWORD, ATTACKER)  # even the right password must wait
    wait = int(held.headers["Retry-After"])
    assert held.status_code == 429 and 1 <= wait <= 5
    assert f"Too many failed logins. Please wait {wait} seconds and try again." in held.text
    assert _login(app, email, PASSWORD, OWNER).status_code == 302

    other = World(app).user("expert")
    _failed_earlier(app, other, ATTACKER, seconds=6, times=3)  # the 5 s wait is over
    assert _login(app, other, "not-the-password", ATTACKER).status_code == 422
    longer = _login(app, other, PASSWORD, ATTACKER)  # the fourth failure doubled the wait
    assert longer.status_code == 429 and 5 < int(longer.headers["Retry-After"]) <= 10


def test_a_password_sprayer_is_held_by_address(limited_app: Any) -> None:
    app = limited_app
    app.config["LOGIN_FAILURES_PER_MINUTE"] = 4
    accounts = [World(app).user("expert") for _ in range(5)]
    for email in accounts[:4]:
        assert _login(app, email, "not-the-password", ATTACKER).status_code == 422
    held = _login(app, accounts[4], PASSWORD, ATTACKER)
    assert held.status_code == 429 and held.headers["Retry-After"] == "60"
    assert "Too many failed logins. Please wait 60 seconds and try again." in held.text
    assert _login(app, accounts[4], PASSWORD, OWNER).status_code == 302


def _register(app: Any, number: int, where: dict[str, str]) -> Any:
    form = {
        "name": f"专家{number}",
        "email": f"applicant{number}@example.cn",
        "mobile": "13912345678",
        "domains": ["医疗"],
        "password": "a-long-password",
        "confirm": "a-long-password",
    }
    return app.test_client().post("/register?lang=en", data=form, environ_base=where)


def _accounts(app: Any) -> int:
    from app.extensions import db
    from app.models import User

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


def test_registrations_are_limited_per_address_and_overall(limited_app: Any) -> None:
    app = limited_app
    app.config["REGISTRATIONS_PER_HOUR_PER_ADDRESS"] = 2
    app.config["REGISTRATIONS_PER_MINUTE"] = 3
    here = {"REMOTE_ADDR": "198.51.100.7"}
    assert [_register(app, n, here).status_code for n in range(2)] == [302, 302]
    refused = _register(app, 2, here)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "3600"
    assert "Too many registrations from this address. Please try again in an hour." in (
        refused.text
    )
    assert _register(app, 3, {"REMOTE_ADDR": "198.51.100.8"}).status_code == 302
    flood = _register(app, 4, {"REMOTE_ADDR": "198.51.100.9"})
    assert flood.status_code == 429 and flood.headers["Retry-After"] == "60"
    assert "Too many registrations right now. Please try again in a minute." in flood.text
    assert _accounts(app) == 3


def test_claims_faster_than_a_person_reads_are_throttled(limited_app: Any) -> None:
    app = limited_app
    app.config["CLAIMS_PER_MINUTE"] = limit = 5
    world = World(app)
    project = world.project(world.vendor_api(), [f"第{i}段文字。" for i in range(8)], overlap=1)
    harvester = world.api(world.user("expert"))
    for _ in range(limit):
        claim = harvester.post(f"/api/v1/projects/{project}/claim")
        assert claim.status_code == 200, claim.json
        harvester.post(f"/api/v1/tasks/{claim.json['task_id']}/skip", {"reason": "unclear"})
    throttled = harvester.post(f"/api/v1/projects/{project}/claim?lang=en")
    wait = int(throttled.headers["Retry-After"])
    assert throttled.status_code == 429 and 1 <= wait <= 60
    assert throttled.json["error"] == {
        "code": "claim_rate",
        "message": "You are taking tasks faster than anyone can read them (more than 5 a "
        f"minute). Please wait {wait} seconds, then continue.",
    }
    another = world.api(world.user("expert"))
    assert another.post(f"/api/v1/projects/{project}/claim").status_code == 200
    assert harvester.post(f"/api/v1/projects/{project}/claim").status_code == 429


def _count(app: Any, model: Any) -> int:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_with_redis_down_logins_fail_closed_and_the_rest_answers(
    tmp_path: Path, s3_server: S3, redis_server: RedisServer
) -> None:
    from app.models import Assignment

    app = make_app(tmp_path, s3_server, RATELIMIT_URL=redis_server.url)
    world = World(app)
    vendor = world.vendor_api()
    project = world.project(vendor, ["第一段。", "第二段。"], overlap=1)
    email = world.user("expert")
    expert = world.api(email)
    assert _login(app, email, PASSWORD, OWNER).status_code == 302
    redis_server.stop()

    browser = app.test_client()
    refused = browser.post(
        "/login?lang=en", data={"email": email, "password": PASSWORD}, environ_base=OWNER
    )
    assert refused.status_code == 503
    assert "failed logins cannot be counted, and no login is let through unchecked" in (
        refused.text
    )
    assert browser.get("/account/tokens").status_code == 302  # not logged in
    chinese = app.test_client().post("/login", data={"email": email, "password": PASSWORD})
    assert chinese.status_code == 503 and "未经检查的登录一律不予放行" in chinese.text
    assert _login(app, email, "not-the-password", OWNER).status_code == 503
    users = _accounts(app)
    assert _register(app, 9, OWNER).status_code == 503 and _accounts(app) == users
    claim = expert.post(f"/api/v1/projects/{project}/claim?lang=en")
    assert claim.status_code == 503 and claim.json["error"]["code"] == "limits_unavailable"
    assert "cannot be reached" in claim.json["error"]["message"]
    assert _count(app, Assignment) == 0
    assert vendor.get(f"/api/v1/projects/{project}").status_code == 200

    redis_server.start()
    assert _login(app, email, PASSWORD, OWNER).status_code == 302
    assert expert.post(f"/api/v1/projects/{project}/claim").status_code == 200
    _dispose(app)
