"""The rate limits hold exactly under concurrency (issue 14): many requests at once against a
real running server (werkzeug, one thread per request) never get past a limit, whether it
counts in the database (SQLite, PostgreSQL) or in a real redis-server.

Before the fix the check and the count were separate steps: a flood of registrations from one
address all passed the check before any of them was counted, and 8 got through a limit of 5.
Logins had the same hole: of 20 wrong passwords sent at once for one account, 17 (database)
and 20 (Redis) were checked where 3 are allowed before a delay, and a spray of 16 accounts
from one address checked 16 passwords against a limit of 5. Now each login is reserved under
the limits before its password is checked.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.app.builders import PASSWORD, World
from tests.conftest import S3, database_url, make_app, serve_in_thread

# (database, where the limits count)
BACKENDS = [
    ("sqlite", "database"),
    pytest.param(("postgresql", "database"), marks=pytest.mark.postgres),
    ("sqlite", "redis"),
    pytest.param(("postgresql", "redis"), marks=pytest.mark.postgres),
]
FLOOD = 16
PER_ADDRESS = 5  # the default of REGISTRATIONS_PER_HOUR_PER_ADDRESS
BY_ADDRESS = "Too many registrations from this address. Please try again in an hour."
BY_EVERYONE = "Too many registrations right now. Please try again in a minute."
WRONG = "Wrong email or password."
HELD = "Too many failed logins. Please wait"
OWNER = {"REMOTE_ADDR": "203.0.113.10"}


@pytest.fixture(params=BACKENDS, ids=lambda p: "-".join(p))
def served(request: pytest.FixtureRequest, tmp_path: Path, s3_server: S3) -> Iterator[Any]:
    """An app on the database of the parameter, its limits in the database or in Redis."""
    kind, store = request.param
    url = "database"
    if store == "redis":
        url = request.getfixturevalue("redis_server").url
    app = make_app(tmp_path, s3_server, database_url(kind, tmp_path), RATELIMIT_URL=url)
    yield app
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@dataclass(frozen=True)
class Answer:
    status: int
    retry_after: str | None
    text: str


def _post(url: str, form: dict[str, Any], headers: dict[str, str]) -> Answer:
    body = urllib.parse.urlencode(form, doseq=True).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, body, headers), timeout=120) as answer:
            return Answer(answer.status, answer.headers.get("Retry-After"), answer.read().decode())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, exc.headers.get("Retry-After"), exc.read().decode())


def _all_at_once(calls: list[Any]) -> list[Answer]:
    """Run the calls in threads released together; their answers in order."""
    answers: list[Answer | None] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(index: int) -> None:
        start.wait()
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(a is not None for a in answers)
    return [a for a in answers if a is not None]


def _registration(base: str, number: int, address: str | None = None) -> Any:
    form = {
        "name": f"并发专家{number}",
        "email": f"flood{number}@example.cn",
        "mobile": "13912345678",
        "domains": ["医疗"],
        "password": "a-long-password",
        "confirm": "a-long-password",
    }
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if address:
        headers["X-Forwarded-For"] = address
    return lambda: _post(f"{base}/register?lang=en", form, headers)


def _experts(app: Any) -> int:
    from app.extensions import db
    from app.models import User

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


def test_a_flood_from_one_address_registers_exactly_the_limit(served: Any) -> None:
    app = served
    app.config["REGISTRATIONS_PER_MINUTE"] = 1000  # only the per-address limit binds
    with serve_in_thread(app) as base:
        answers = _all_at_once([_registration(base, n) for n in range(FLOOD)])
    assert Counter(a.status for a in answers) == {302: PER_ADDRESS, 429: FLOOD - PER_ADDRESS}
    assert _experts(app) == PER_ADDRESS
    for refused in (a for a in answers if a.status == 429):
        assert refused.retry_after == "3600" and BY_ADDRESS in refused.text

    with serve_in_thread(app) as base:  # and in Chinese, the default
        chinese = _post(
            f"{base}/register",
            {"name": "又一位", "email": "again@example.cn", "mobile": "13912345678"}
            | {"domains": "医疗", "password": "a-long-password", "confirm": "a-long-password"},
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert chinese.status == 429 and "该地址注册次数过多" in chinese.text
    assert _experts(app) == PER_ADDRESS


def test_a_flood_from_many_addresses_registers_exactly_the_overall_limit(served: Any) -> None:
    app = served
    app.config["TRUSTED_PROXIES"] = 1  # each request names its own address
    app.config["REGISTRATIONS_PER_MINUTE"] = overall = 4
    with serve_in_thread(app) as base:
        calls = [_registration(base, n, f"198.51.100.{n + 1}") for n in range(FLOOD)]
        answers = _all_at_once(calls)
    assert Counter(a.status for a in answers) == {302: overall, 429: FLOOD - overall}
    assert _experts(app) == overall
    for refused in (a for a in answers if a.status == 429):
        assert refused.retry_after == "60" and BY_EVERYONE in refused.text


def test_concurrent_claims_of_one_expert_take_exactly_the_claim_limit(served: Any) -> None:
    app = served
    app.config["CLAIMS_PER_MINUTE"] = limit = 3
    world = World(app)
    vendor = world.vendor_api()
    # One project per concurrent claim: the limit counts claims over every project.
    projects = [
        world.project(vendor, [f"项目{p}第{i}段。" for i in range(2)], overlap=1) for p in range(8)
    ]
    headers = {"Authorization": f"Bearer {world.api(world.user('expert')).token}"}
    with serve_in_thread(app) as base:
        answers = _all_at_once(
            [
                (lambda p=p: _post(f"{base}/api/v1/projects/{p}/claim?lang=en", {}, headers))
                for p in projects
            ]
        )
    assert Counter(a.status for a in answers) == {200: limit, 429: len(projects) - limit}
    from app.models import Assignment

    with app.app_context():
        from app.extensions import db

        assert db.session.scalar(select(func.count()).select_from(Assignment)) == limit
    for refused in (a for a in answers if a.status == 429):
        assert '"code":"claim_rate"' in refused.text.replace(" ", "")
        assert 1 <= int(refused.retry_after or 0) <= 60


def _login_call(base: str, email: str, password: str) -> Any:
    form = {"email": email, "password": password}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return lambda: _post(f"{base}/login?lang=en", form, headers)


def _failed_logins(app: Any) -> int:
    """How many passwords were checked and found wrong: one audit event each."""
    from app.extensions import db
    from app.models import AuditEvent

    with app.app_context():
        count = select(func.count()).where(AuditEvent.action == "login_failed")
        return db.session.scalar(count) or 0


def test_concurrent_wrong_passwords_check_only_the_free_failures(served: Any) -> None:
    from app.accounts.login_limits import FREE_FAILURES

    app = served
    email = World(app).user("expert")
    with serve_in_thread(app) as base:
        answers = _all_at_once([_login_call(base, email, "not-the-password") for _ in range(20)])
    assert Counter(a.status for a in answers) == {422: FREE_FAILURES, 429: 20 - FREE_FAILURES}
    assert _failed_logins(app) == FREE_FAILURES
    for answer in answers:
        if answer.status == 422:
            assert WRONG in answer.text and answer.retry_after is None
        else:
            import re

            found = re.findall(r'class="flash[^>]*>(.*?)</div>', answer.text)
            assert HELD in answer.text and 1 <= int(answer.retry_after or 0) <= 5, found


def test_a_right_password_among_concurrent_wrong_ones(served: Any) -> None:
    """The right password either logs in or waits like the others; it is never refused as
    wrong, and no more wrong passwords are checked than the free failures."""
    from app.accounts.login_limits import FREE_FAILURES

    app = served
    email = World(app).user("expert")
    with serve_in_thread(app) as base:
        calls = [_login_call(base, email, "not-the-password") for _ in range(19)]
        calls.insert(7, _login_call(base, email, PASSWORD))
        answers = _all_at_once(calls)
    right, wrong = answers[7], answers[:7] + answers[8:]
    assert right.status in (302, 429)
    if right.status == 429:
        assert HELD in right.text and 1 <= int(right.retry_after or 0) <= 5
    checked = sum(a.status == 422 for a in wrong)
    assert FREE_FAILURES - 1 <= checked <= FREE_FAILURES
    assert _failed_logins(app) == checked
    assert Counter(a.status for a in wrong) == {422: checked, 429: 19 - checked}
    owner = app.test_client().post(
        "/login", data={"email": email, "password": PASSWORD}, environ_base=OWNER
    )
    assert owner.status_code == 302  # the account's owner elsewhere is never held


def test_a_concurrent_password_spray_checks_only_the_address_limit(served: Any) -> None:
    app = served
    app.config["LOGIN_FAILURES_PER_MINUTE"] = limit = 5
    world = World(app)
    accounts = [world.user("expert") for _ in range(FLOOD)]
    with serve_in_thread(app) as base:
        answers = _all_at_once([_login_call(base, e, "not-the-password") for e in accounts])
    assert Counter(a.status for a in answers) == {422: limit, 429: FLOOD - limit}
    assert _failed_logins(app) == limit
    for refused in (a for a in answers if a.status == 429):
        assert refused.retry_after == "60"
        assert "Too many failed logins. Please wait 60 seconds and try again." in refused.text
