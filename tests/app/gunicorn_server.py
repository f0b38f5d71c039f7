"""gunicorn in a process of its own, for the tests that need the web stack as deployed: its
environment (the test's SQLite file and S3 bucket, nothing of the caller's ``WANBIAO_*``), a
start that waits until it answers, and a stop that kills it if it does not end in time."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import S3

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 240  # a loaded two-core machine imports the app in a new process slowly


def gunicorn_env(
    tmp_path: Path, s3_server: S3, secret_key: str, bucket: str, **settings: str
) -> dict[str, str]:
    """The environment of a server on ``tmp_path``'s ``test.db`` (the file ``make_app`` makes)
    and ``bucket``, with ``settings`` added."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANBIAO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'test.db'}",
        WANBIAO_SECRET_KEY=secret_key,
        WANBIAO_S3_ENDPOINT=s3_server.endpoint,
        WANBIAO_S3_ACCESS_KEY=s3_server.access_key,
        WANBIAO_S3_SECRET_KEY=s3_server.secret_key,
        WANBIAO_S3_BUCKET=bucket,
        WANBIAO_VAR_DIR=str(tmp_path / "var"),
        **settings,
    )
    return env


@contextmanager
def gunicorn_server(
    command: list[str],
    env: dict[str, str],
    log_path: Path,
    answers: Callable[[], bool],
    poll_s: float = 0.3,
) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` run from the repository's root, its output appended to ``log_path``, once
    ``answers()`` is true (the log's end is the failure's message if it exits first or takes
    longer than WAIT_S); terminated afterwards, killed if it is still there 10 s later."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - the caller's fixed argument list
            command, cwd=ROOT, env=env, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + WAIT_S
        while not answers():
            log_text = log_path.read_text(errors="replace")
            assert process.poll() is None, log_text[-3000:]
            assert time.monotonic() < deadline, log_text[-3000:]
            time.sleep(poll_s)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
