"""The stack a benchmark runs against, all on 127.0.0.1 and torn down at the end: its own
``weed mini``, a migrated database, a Huey consumer and gunicorn, with the environment ``make
run`` gives them."""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .report import log

ROOT = Path(__file__).resolve().parents[2]
S3_ACCESS, S3_SECRET = "wanbiao-bench", "wanbiao-bench-secret-" + "0123456789"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    """Everything the benchmark started; ``stop`` ends it all."""

    tmp: Path
    weed: Any = None
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def spawn(self, args: list[str], env: dict[str, str], log_name: str) -> subprocess.Popen[bytes]:
        with open(self.tmp / log_name, "ab") as out:
            proc = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=out,  # noqa: S603
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if self.weed is not None:
            self.weed.stop()


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def wait_http(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("gunicorn exited early (see its log in the temp dir)")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def start_stack(
    args: argparse.Namespace, stack: Stack, wait_s: float = 60.0
) -> tuple[Any, int, int]:
    """Weed, a migrated database, the consumer and gunicorn: (app, port, gunicorn pid).
    Gunicorn must answer within ``wait_s`` seconds."""
    from app.storage.seaweed import start_weed

    log(f"temp dir {stack.tmp}; starting weed mini")
    stack.weed = start_weed(stack.tmp / "weed", S3_ACCESS, S3_SECRET)
    # The app reads its settings from the environment, as under `make run`.
    os.environ["WANBIAO_S3_ENDPOINT"] = stack.weed.endpoint
    # The simulated experts claim at machine speed on purpose; the human-speed throttle
    # (CLAIMS_PER_MINUTE, tested in tests/app/labeling) would measure only its 429s.
    os.environ.setdefault("WANBIAO_CLAIMS_PER_MINUTE", "1000000000")
    if args.db == "postgresql":
        log("wiping the PostgreSQL schema")
        reset_postgres(os.environ["DATABASE_URL"])
    from flask_migrate import upgrade

    from app import create_app
    from app.storage import object_store

    app = create_app()
    with app.app_context():
        log("flask db upgrade")
        upgrade(directory=str(ROOT / "migrations"))
        for _attempt in range(100):
            try:
                object_store().ensure_bucket()
                break
            except RuntimeError:
                time.sleep(0.2)
    env = dict(os.environ)
    port = free_port()
    gunicorn = stack.spawn(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--timeout",
            "600",
            "--worker-class",
            "gthread" if args.threads > 1 else args.worker_class,
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        env,
        "gunicorn.log",
    )
    wait_http(port, gunicorn, wait_s)
    log(f"gunicorn on 127.0.0.1:{port}")
    return app, port, gunicorn.pid


def start_consumer(stack: Stack) -> None:
    """One Huey consumer, as ``make run`` starts it, started just before the upload.

    Started earlier it would sit idle while the accounts are made, and Huey's idle back-off
    (up to 10 s between polls) would then be measured as ingestion time.
    """
    proc = stack.spawn(
        [sys.executable, "-m", "huey.bin.huey_consumer", "app.jobs.huey", "-w", "1"],
        dict(os.environ),
        "huey.log",
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if "consumer started" in (stack.tmp / "huey.log").read_text(errors="replace").lower():
            return
        time.sleep(0.05)
    raise RuntimeError("the Huey consumer did not start (see huey.log with --keep-tmp)")
