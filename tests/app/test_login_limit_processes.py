"""The failed-login limit holds across app processes as deployed (issue 14): three real
gunicorn workers on one SQLite database, the limits counted in the database or in a real
redis-server. Twenty wrong passwords for one account sent at once, spread over the workers by
the kernel, check no more passwords than the limit allows: the reservation of each login is
taken under SQLite's own write lock (or one Redis script), never a lock of one process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
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
from tests.app.redis_server import free_port
from tests.conftest import S3, make_app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
WAIT_S = 240  # a loaded two-core machine imports the app in a new process slowly
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
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANBIAO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'test.db'}",
        WANBIAO_SECRET_KEY=SECRET_KEY,
        WANBIAO_S3_ENDPOINT=s3_server.endpoint,
        WANBIAO_S3_ACCESS_KEY=s3_server.access_key,
        WANBIAO_S3_SECRET_KEY=s3_server.secret_key,
        WANBIAO_S3_BUCKET=BUCKET,
        WANBIAO_VAR_DIR=str(tmp_path / "var"),
        WANBIAO_RATELIMIT_URL=url,
        WANBIAO_WTF_CSRF_ENABLED="false",  # the limits are under test, not the forms
    )
    port = free_port()
    command = ["gunicorn", "-w", str(WORKERS), "--threads", "8", "-b", f"127.0.0.1:{port}"]
    # The log names the worker (process id) that answered each request.
    command += ["--access-logfile", "-", "--access-logformat", "%(p)s %(r)s %(s)s"]
    with open(tmp_path / "gunicorn.log", "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argument list
            [sys.executable, "-m", *command, "--graceful-timeout", "3", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + WAIT_S
        while not _answers(base):
            log_text = (tmp_path / "gunicorn.log").read_text(errors="replace")
            assert process.poll() is None, log_text[-3000:]
            assert time.monotonic() < deadline, log_text[-3000:]
            time.sleep(0.2)
        yield app, base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        _dispose(app)


def _dispose(app: Any) -> None:
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


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
