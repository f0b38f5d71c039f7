"""``make run`` and ``make demo``: start every process Wanbiao needs on embedded defaults.

``python -m app.supervisor run`` generates secrets into ``var/`` once, starts the embedded S3
server (unless ``WANBIAO_S3_ENDPOINT`` points elsewhere), applies the migrations, then runs one
Huey consumer and the web server on 127.0.0.1:$PORT (5000). Ctrl-C stops everything it started.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask_migrate import upgrade

from app import create_app
from app.cli import DEMO_CORPUS
from app.config import PROJECT_ROOT, var_dir
from app.demo import load_demo
from app.storage import object_store
from app.storage.seaweed import WeedServer, port_is_free, start_weed

S3_BASE_PORT = int(os.environ.get("WANBIAO_S3_BASE_PORT", "23000"))


def ensure_secret(name: str, nbytes: int) -> None:
    """Generate ``var/<name>`` once (mode 600); later runs reuse it."""
    path = var_dir() / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes), encoding="utf-8")
        path.chmod(0o600)


def prepare_var() -> None:
    """Create ``var/`` and its generated secrets."""
    var_dir().mkdir(parents=True, exist_ok=True)
    ensure_secret("secret_key", 48)
    ensure_secret("s3_access_key", 12)
    ensure_secret("s3_secret_key", 30)


@contextmanager
def embedded_s3() -> Iterator[WeedServer | None]:
    """Run ``weed mini`` for the duration, unless an S3 endpoint is configured or running."""
    if os.environ.get("WANBIAO_S3_ENDPOINT"):
        yield None
        return
    os.environ["WANBIAO_S3_ENDPOINT"] = f"127.0.0.1:{S3_BASE_PORT + 6}"
    if not port_is_free(S3_BASE_PORT + 6):  # `make run` is already serving it
        yield None
        return
    access = (var_dir() / "s3_access_key").read_text().strip()
    secret = (var_dir() / "s3_secret_key").read_text().strip()
    server = start_weed(var_dir() / "objects", access, secret, base_port=S3_BASE_PORT)
    try:
        yield server
    finally:
        server.stop()


def migrate_and_bootstrap() -> None:
    """Apply the migrations and create the bucket."""
    app = create_app()
    with app.app_context():
        upgrade(directory=str(PROJECT_ROOT / "migrations"))
        store = object_store()
        for _attempt in range(50):
            if store.healthy():
                break
            try:
                store.ensure_bucket()
            except RuntimeError:
                time.sleep(0.2)


def _spawn(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, cwd=PROJECT_ROOT)  # noqa: S603 - fixed argument list


def _stop_on_signal(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def web_command(port: str) -> list[str]:
    """gunicorn with two single-threaded (sync) worker processes per core by default.

    Measured with benchmarks/claim_submit.py at 200 experts on two cores and a million
    tasks: threads of one process take turns on its GIL, and that queue was the claim's tail
    (p99 80–190 ms with 2 workers × 8 threads; 14 ms on SQLite and 34 ms on PostgreSQL with
    4 sync workers; 4 single-thread gthread workers were in between). A sync worker serves
    one request at a time and has no keep-alive, so at scale it belongs behind a buffering
    proxy (nginx), as gunicorn advises; the timeout lets a 256 MB upload take ten minutes.
    ``WANBIAO_WEB_WORKERS`` and ``WANBIAO_WEB_THREADS`` override it (more than one thread
    makes gunicorn use its threaded worker).
    """
    workers = os.environ.get("WANBIAO_WEB_WORKERS", str(2 * (os.cpu_count() or 1)))
    threads = os.environ.get("WANBIAO_WEB_THREADS", "1")
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        workers,
        "--threads",
        threads,
        "--timeout",
        "600",
        "wsgi:app",
    ]


def serve() -> int:
    """Run the consumer and the web server until Ctrl-C or until one of them exits."""
    port = os.environ.get("PORT", "5000")
    children = [
        _spawn([sys.executable, "-m", "huey.bin.huey_consumer", "app.jobs.huey", "-w", "1"]),
        _spawn(web_command(port)),
    ]
    print(f"Wanbiao is running at http://127.0.0.1:{port}  (Ctrl-C stops it)", flush=True)
    # Explicit handlers: a shell starts background jobs with SIGINT ignored.
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGINT, _stop_on_signal)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return 0


def run() -> int:
    """``make run``."""
    prepare_var()
    with embedded_s3():
        migrate_and_bootstrap()
        return serve()


def demo() -> int:
    """``make demo``: load the demo data (starting the object store if it is not running)."""
    prepare_var()
    with embedded_s3():
        migrate_and_bootstrap()
        with create_app().app_context():
            for line in load_demo(Path(DEMO_CORPUS), lambda: secrets.token_urlsafe(12)):
                print(line)
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "run"
    sys.exit({"run": run, "demo": demo}[command]())
