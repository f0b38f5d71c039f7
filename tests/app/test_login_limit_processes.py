"""The failed-login limit holds across app processes as deployed (issue 14): three real
gunicorn workers on one SQLite database, the limits counted in the database or in a real
redis-server. Twenty wrong passwords for one account sent at once, spread over the workers by
the kernel, check no more passwords than the limit allows: the reservation of each login is
taken under SQLite's own write lock (or one Redis script), never a lock of one process."""

from __future__ import annotations

import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.app.builders import World
from tests.app.gunicorn_server import gunicorn_env, gunicorn_server
from tests.app.redis_server import free_port
from tests.conftest import S3, _dispose, make_app

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
SECRET_KEY = "login-processes-test-secret-" + "s" * 32
BUCKET = "wanbiao-test"
WORKERS, FLOOD = 3, 20


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/login", timeout=10) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(params=["database", "redis"])
def workers(request: pytest.FixtureRequest, tmp_path: Path, s3_server: S3) -> Iterator[Any]:
    """(the test's app on the shared SQLite file, the base URL of the gunicorn workers)."""
    url = "database"
    if request.param == "redis":
        url = request.getfixturevalue("redis_server").url
    app = make_app(tmp_path, s3_server, SECRET_KEY=SECRET_KEY, S3_BUCKET=BUCKET)
    env = gunicorn_env(
        tmp_path,
        s3_server,
        SECRET_KEY,
        BUCKET,
        WANBIAO_RATELIMIT_URL=url,
        WANBIAO_WTF_CSRF_ENABLED="false",  # the limits are under test, not the forms
    )
    port = free_port()
    command = ["gunicorn", "-w", str(WORKERS), "--threads", "8", "-b", f"127.0.0.1:{port}"]
    # The log names the worker (process id) that answered each request.
    command += ["--access-logfile", "-", "--access-logformat", "%(p)s %(r)s %(s)s"]
    command = [sys.executable, "-m", *command, "--graceful-timeout", "3", "wsgi:app"]
    base = f"http://127.0.0.1:{port}"
    try:
        with gunicorn_server(command, env, tmp_path / "gunicorn.log", lambda: _answers(base), 0.2):
            yield app, base
    finally:
        _dispose(app)


def _login(url: str, email: str) -> tuple[int, str | None, str]:
    """(status, Retry-After, page) of a wrong password for ``email``."""
    body = urllib.parse.urlencode({"email": email, "password": "not-the-password"}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body), timeout=120) as answer:
            return answer.status, answer.headers.get("Retry-After"), answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Retry-After"), exc.read().decode()


def _failed_logins(app: Any) -> int:
    from app.extensions import db
    from app.models import AuditEvent

    with app.app_context():
        count = select(func.count()).where(AuditEvent.action == "login_failed")
        return db.session.scalar(count) or 0


def test_wrong_passwords_sent_at_once_to_several_workers_check_only_the_free_failures(
    workers: Any,
) -> None:
    from app.accounts.login_limits import FREE_FAILURES

    app, base = workers
    email = World(app).user("expert")
    answers: list[tuple[int, str | None, str]] = []
    start, guard = threading.Barrier(FLOOD), threading.Lock()

    def send() -> None:
        start.wait()
        answer = _login(f"{base}/login?lang=en", email)
        with guard:
            answers.append(answer)

    threads = [threading.Thread(target=send) for _ in range(FLOOD)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Counter(a[0] for a in answers) == {422: FREE_FAILURES, 429: FLOOD - FREE_FAILURES}
    assert _failed_logins(app) == FREE_FAILURES
    for status, retry_after, page in answers:
        if status == 429:
            assert 1 <= int(retry_after or 0) <= 5
            assert "Too many failed logins. Please wait" in page
