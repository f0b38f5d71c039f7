"""``make run`` and ``make demo``: start every process Wanbiao needs on embedded defaults.

``python -m app.supervisor run`` generates secrets into ``var/`` once, starts the embedded S3
server (unless ``WANBIAO_S3_ENDPOINT`` points elsewhere), applies the migrations, then runs one
Huey consumer and the web server on 127.0.0.1:$PORT (5000). A child that dies (the consumer,
the S3 server, the web server) is started again with exponential backoff while the others stay
up; only Ctrl-C or SIGTERM stops everything it started.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
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
# A child that exits is started again after 1, 2, 4 … 60 s; the delay starts over at 1 s once
# a child ran for a minute.
BACKOFF_FIRST_S, BACKOFF_MAX_S, STABLE_AFTER_S = 1.0, 60.0, 60.0


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


def embedded_s3_endpoint() -> str | None:
    """Point the app at the embedded S3 server, unless an endpoint is configured or another
    ``make run`` already serves it; the endpoint this process must start, or None."""
    if os.environ.get("WANBIAO_S3_ENDPOINT"):
        return None
    os.environ["WANBIAO_S3_ENDPOINT"] = f"127.0.0.1:{S3_BASE_PORT + 6}"
    if not port_is_free(S3_BASE_PORT + 6):  # `make run` is already serving it
        return None
    return os.environ["WANBIAO_S3_ENDPOINT"]


def start_embedded_s3() -> WeedServer:
    """Start ``weed mini`` on ``var/objects`` and wait until its S3 port answers."""
    access = (var_dir() / "s3_access_key").read_text().strip()
    secret = (var_dir() / "s3_secret_key").read_text().strip()
    return start_weed(var_dir() / "objects", access, secret, base_port=S3_BASE_PORT)


@contextmanager
def embedded_s3() -> Iterator[WeedServer | None]:
    """Run ``weed mini`` for the duration, unless an S3 endpoint is configured or running."""
    if embedded_s3_endpoint() is None:
        yield None
        return
    server = start_embedded_s3()
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


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _spawn(args: list[str], own_group: bool = False) -> subprocess.Popen[bytes]:
    """Start a child that ignores SIGINT until its own code says otherwise.

    A Python started with SIGINT ignored keeps it ignored, so a Ctrl-C that reaches the child
    while the interpreter still imports ``site`` (before any code of ours runs) cannot print
    a ``KeyboardInterrupt`` traceback; ``QUIET_START`` installs the quiet handler first thing.
    ``own_group``: in a process group of its own, out of reach of the terminal's Ctrl-C (the
    supervisor stops it).
    """
    return subprocess.Popen(  # noqa: S603 - fixed argument list
        args, cwd=PROJECT_ROOT, preexec_fn=_ignore_sigint, process_group=0 if own_group else None
    )


def _ignores_sigint(pid: int) -> bool:
    """Whether the process still ignores SIGINT (Linux ``/proc``; elsewhere: no)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    for line in status.splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return False


# Set by Ctrl-C or SIGTERM; the watch loop stops everything when it sees it.
_STOPPING = threading.Event()


def _stop_on_signal(_signum: int, _frame: object) -> None:
    """Ask the watch loop to stop. (Raising ``KeyboardInterrupt`` here, as before, could
    interrupt ``subprocess.Popen`` between its fork and its return: that child was never
    tracked, and one still ignoring SIGINT ran on after the supervisor had exited.)"""
    _STOPPING.set()


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
    return python_module(
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
    )


class Child:
    """One supervised process: started again with exponential backoff when it exits."""

    def __init__(
        self,
        name: str,
        start: Callable[[], subprocess.Popen[bytes]],
        stop_signal: int = signal.SIGINT,
    ) -> None:
        self.name, self.start, self.stop_signal = name, start, stop_signal
        self.process: subprocess.Popen[bytes] | None = None
        self.failures = 0  # exits in a row, each after less than STABLE_AFTER_S of running
        self.started_at = self.restart_at = 0.0

    def launch(self, now: float) -> None:
        """Start the process; a start that fails is retried like an exit."""
        try:
            self.process = self.start()
        except (OSError, RuntimeError) as exc:
            print(f"{self.name} did not start: {exc}", flush=True)
            self.process = None
            self._schedule(now)
            return
        self.started_at, self.restart_at = now, 0.0

    def _schedule(self, now: float) -> None:
        if self.started_at and now - self.started_at >= STABLE_AFTER_S:
            self.failures = 0
        delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2**self.failures)
        self.failures += 1
        self.restart_at = now + delay
        print(f"{self.name} is restarted in {delay:.0f} s", flush=True)

    def check(self, now: float) -> None:
        """Notice an exit and schedule the restart; restart when its time has come."""
        if self.process is not None and self.process.poll() is not None:
            print(f"{self.name} exited with code {self.process.returncode}", flush=True)
            self.process = None
            self._schedule(now)
        if self.process is None and now >= self.restart_at:
            self.launch(now)

    def stop(self) -> None:
        """Ask the process to stop (SIGINT, as Ctrl-C would, unless told otherwise).

        A child that still ignores SIGINT has not run a line of ours yet (the interpreter is
        still starting), so it is killed rather than waited for.
        """
        if self.process is not None and self.process.poll() is None:
            if self.stop_signal == signal.SIGINT and _ignores_sigint(self.process.pid):
                self.process.kill()
            else:
                self.process.send_signal(self.stop_signal)

    def wait(self) -> None:
        """Wait for the process to end; kill it after 15 s."""
        if self.process is None:
            return
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# A Python child started as ``python -c QUIET_START module args…`` (by ``_spawn``, with SIGINT
# ignored while the interpreter starts): until the module installs its own SIGINT handler
# (gunicorn's arbiter, Huey's consumer), SIGINT ends the process at once, as nothing runs
# yet, so a Ctrl-C while it still imports prints no traceback.
# (``python -m`` with a module of ours could not: the package is imported before any of the
# module's code runs.)
QUIET_START = (
    "import os, runpy, signal, sys; signal.signal(signal.SIGINT, lambda *_: os._exit(0)); "
    "sys.argv = sys.argv[1:]; runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)"
)


def python_module(module: str, *args: str) -> list[str]:
    """The command line that runs ``python -m module args…``, quiet on an early Ctrl-C."""
    return [sys.executable, "-c", QUIET_START, module, *args]


def consumer_command() -> list[str]:
    """One Huey consumer with one worker thread."""
    return python_module("huey.bin.huey_consumer", "app.jobs.huey", "-w", "1")


def children(port: str, s3: WeedServer | None) -> list[Child]:
    """The processes ``make run`` keeps up: the S3 server it started, the consumer, the web."""
    supervised = []
    if s3 is not None:
        first: list[subprocess.Popen[bytes] | None] = [s3.process]

        def start_s3() -> subprocess.Popen[bytes]:
            running = first.pop() if first else None
            return running if running is not None else start_embedded_s3().process

        supervised.append(Child("S3 server", start_s3, signal.SIGTERM))
    supervised.append(Child("job consumer", lambda: _spawn(consumer_command())))
    # The web server in a group of its own, stopped with SIGTERM (gunicorn's graceful stop): a
    # Ctrl-C reaching its workers directly while one still boots made gunicorn's quit handler
    # raise SystemExit where Python could only print it as a traceback.
    supervised.append(
        Child("web server", lambda: _spawn(web_command(port), own_group=True), signal.SIGTERM)
    )
    return supervised


def serve(s3: WeedServer | None = None) -> int:
    """Run the children until Ctrl-C or SIGTERM, starting again any that exits."""
    port = os.environ.get("PORT", "5000")
    supervised = children(port, s3)
    # Explicit handlers: a shell starts background jobs with SIGINT ignored. Installed before
    # the first child starts: a Ctrl-C right after it (the consumer still importing) stops
    # everything quietly instead of killing this process with the children left running.
    # They only set ``_STOPPING``: a child being started when the signal comes is started
    # and tracked, then stopped with the others.
    _STOPPING.clear()
    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGINT, _stop_on_signal)
    try:
        for child in supervised:
            if not _STOPPING.is_set():
                child.launch(time.monotonic())
        if not _STOPPING.is_set():
            print(f"Wanbiao is running at http://127.0.0.1:{port}  (Ctrl-C stops it)", flush=True)
        while not _STOPPING.is_set():
            time.sleep(0.5)
            for child in supervised:
                if not _STOPPING.is_set():
                    child.check(time.monotonic())
    finally:  # stop what was started, whatever ended the loop
        for child in reversed(supervised):  # the web first, the S3 server last
            child.stop()
        for child in reversed(supervised):
            child.wait()
    return 0


def run() -> int:
    """``make run``."""
    prepare_var()
    s3 = start_embedded_s3() if embedded_s3_endpoint() is not None else None
    try:
        migrate_and_bootstrap()
        return serve(s3)
    finally:
        if s3 is not None and s3.process.poll() is None:
            s3.stop()


def demo() -> int:
    """``make demo``: load the demo data (starting the object store if it is not running)."""
    prepare_var()
    with embedded_s3():
        migrate_and_bootstrap()
        with create_app().app_context():
            for line in load_demo(Path(DEMO_CORPUS), lambda: secrets.token_urlsafe(12)):
                print(line)
    port = os.environ.get("PORT", "5000")
    print(f"Next: run `make run` (if it is not running) and open http://127.0.0.1:{port}/")
    print("Log in as vendor@demo.wanbiao to see the project, as expert1@demo.wanbiao to label.")
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "run"
    sys.exit({"run": run, "demo": demo}[command]())
