"""``make run``'s supervisor, as real processes: a killed job consumer or S3 server is started
again while the web server keeps answering; SIGTERM, or Ctrl-C (SIGINT to the whole process
group), stops everything without a traceback."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Real processes on a shared two-core machine: more than the suite's 300 s per test.
pytestmark = pytest.mark.timeout(900)
WAIT_S = 240  # a loaded CI machine starts gunicorn, weed and the consumer slowly


@dataclass
class Running:
    process: subprocess.Popen[bytes]
    base_url: str
    var: Path
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _children(pid: int) -> dict[int, str]:
    """pid → command line of the processes whose parent is ``pid``."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found[int(entry.name)] = cmdline
    return found


def _child(running: Running, marker: str) -> int | None:
    pids = [pid for pid, cmd in _children(running.process.pid).items() if marker in cmd]
    return pids[0] if pids else None


def _wait(what: str, check: Callable[[], object], running: Running) -> object:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        assert running.process.poll() is None, running.log.read_text()[-3000:]
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"gave up waiting for {what}; log:\n{running.log.read_text()[-3000:]}")


def _web_answers(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/login", timeout=10) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _start(tmp_path: Path) -> Running:
    """``make run`` in its own process group, as a terminal's foreground job."""
    from app.storage.seaweed import find_free_base_port

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANBIAO_", "DATABASE_URL"))}
    env.update(
        WANBIAO_VAR_DIR=str(tmp_path / "var"),
        WANBIAO_S3_BASE_PORT=str(find_free_base_port(start=24000, stop=28000)),
        WANBIAO_WEB_WORKERS="1",
        PORT=str(port),
    )
    log = tmp_path / "supervisor.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed argument list
            [sys.executable, "-m", "app.supervisor", "run"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
    return Running(process, f"http://127.0.0.1:{port}", tmp_path / "var", log)


def _stop(running: Running) -> None:
    if running.process.poll() is None:
        running.process.send_signal(signal.SIGTERM)
        try:
            running.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            running.process.kill()


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[Running]:
    running = _start(tmp_path)
    try:
        _wait("the web server", lambda: _web_answers(running.base_url), running)
        yield running
    finally:
        _stop(running)


def _s3_answers(running: Running) -> bool:
    from app.storage import ObjectStore

    base = int(
        next(
            cmd.split("-master.port=")[1].split()[0]
            for cmd in _children(running.process.pid).values()
            if "-master.port=" in cmd
        )
    )
    store = ObjectStore(
        f"127.0.0.1:{base + 6}",
        (running.var / "s3_access_key").read_text().strip(),
        (running.var / "s3_secret_key").read_text().strip(),
        "wanbiao",
    )
    return store.healthy()


@pytest.mark.parametrize("marker", ["huey_consumer", "weed"])
def test_a_killed_child_comes_back_and_the_web_stays_up(supervisor: Running, marker: str) -> None:
    killed = _wait(f"the {marker} process", lambda: _child(supervisor, marker), supervisor)
    assert isinstance(killed, int)
    web_before = _child(supervisor, "gunicorn")
    os.kill(killed, signal.SIGKILL)
    replacement = _wait(
        f"a new {marker} process",
        lambda: (_child(supervisor, marker) or killed) != killed and _child(supervisor, marker),
        supervisor,
    )
    assert replacement != killed
    assert _web_answers(supervisor.base_url)
    assert _child(supervisor, "gunicorn") == web_before  # the web server was never restarted
    if marker == "weed":
        _wait("the S3 server to answer again", lambda: _s3_answers(supervisor), supervisor)
    assert "is restarted in 1 s" in supervisor.log.read_text()


def test_sigterm_stops_every_child(supervisor: Running) -> None:
    _wait("the consumer", lambda: _child(supervisor, "huey_consumer"), supervisor)
    started = _children(supervisor.process.pid)
    assert len(started) == 3, started
    supervisor.process.send_signal(signal.SIGTERM)
    assert supervisor.process.wait(timeout=90) == 0
    for pid in started:
        assert not Path(f"/proc/{pid}").exists()


def test_ctrl_c_stops_everything_without_a_traceback(supervisor: Running) -> None:
    """Ctrl-C in a terminal sends SIGINT to the whole foreground process group: the
    supervisor and every child at once. All stop, quietly."""
    _wait("the consumer", lambda: "Huey consumer started" in supervisor.log.read_text(), supervisor)
    started = _children(supervisor.process.pid)
    os.killpg(supervisor.process.pid, signal.SIGINT)
    assert supervisor.process.wait(timeout=90) == 0
    for pid in started:
        assert not Path(f"/proc/{pid}").exists()
    log = supervisor.log.read_text()
    assert "Traceback" not in log and "KeyboardInterrupt" not in log, log[-3000:]


def test_a_child_that_keeps_dying_is_restarted_ever_more_slowly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from app.supervisor import BACKOFF_MAX_S, Child

    starts: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        starts.append(subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"]))  # noqa: S603
        return starts[-1]

    child = Child("crasher", start)
    now = 1000.0
    child.launch(now)
    delays = []
    while len(delays) < 8:
        assert child.process is not None
        child.process.wait(timeout=60)
        child.check(now)  # notices the exit and schedules the restart
        delays.append(child.restart_at - now)
        child.check(child.restart_at - 0.01)  # not yet
        assert child.process is None
        now = child.restart_at
        child.check(now)  # started again
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60]
    assert BACKOFF_MAX_S == 60
    assert "crasher exited with code 3" in capsys.readouterr().out
    # Once it ran for a minute, the next exit is restarted after 1 s again.
    assert child.process is not None
    child.process.wait(timeout=60)
    child.check(now + 61)
    assert child.restart_at - (now + 61) == 1


def test_ctrl_c_while_the_consumer_still_imports_the_app_is_quiet_too(tmp_path: Path) -> None:
    """The user presses Ctrl-C a moment after ``make run``: the consumer is still importing
    the app (a second or two), the web server may still be starting."""
    running = _start(tmp_path)
    try:
        _wait("the consumer", lambda: _child(running, "huey_consumer"), running)
        started = _children(running.process.pid)
        os.killpg(running.process.pid, signal.SIGINT)
        assert running.process.wait(timeout=90) == 0
    finally:
        _stop(running)
    log = running.log.read_text()
    assert "Huey consumer started" not in log  # it was stopped while still importing
    for pid in started:
        assert not Path(f"/proc/{pid}").exists()
    assert "Traceback" not in log and "KeyboardInterrupt" not in log, log[-3000:]


@pytest.fixture
def own_handlers() -> Iterator[None]:
    """SIGINT's and SIGTERM's handlers as they were, after a test ran ``serve`` in-process."""
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before[0])
        signal.signal(signal.SIGTERM, before[1])


@pytest.mark.usefixtures("own_handlers")
def test_ctrl_c_stops_the_supervisor_quietly_from_its_first_child_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A Ctrl-C a moment after the first child started (the test above, when it lands there)
    must reach the supervisor's own handler: before it, Python's default one killed the
    supervisor with the children left running."""
    from app import supervisor

    handlers: list[object] = []

    def start() -> subprocess.Popen[bytes]:
        handlers.append(signal.getsignal(signal.SIGINT))
        return subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603

    def ctrl_c(_child: object, _now: float) -> None:
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(supervisor, "children", lambda _port, _s3: [supervisor.Child("c", start)])
    monkeypatch.setattr(supervisor.Child, "check", ctrl_c)  # Ctrl-C in the watch loop
    assert supervisor.serve() == 0
    assert handlers == [supervisor._stop_on_signal]


@pytest.mark.usefixtures("own_handlers")
def test_a_child_being_started_as_ctrl_c_comes_is_stopped_with_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C while a child is being started (between ``subprocess.Popen``'s fork and its
    return): the child is tracked and stopped. Before, the handler raised
    ``KeyboardInterrupt`` inside the start, the supervisor never knew the child, and one
    still ignoring SIGINT (its interpreter starting) ran on after ``make run`` had exited."""
    from app import supervisor

    spawned: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        process = supervisor._spawn([sys.executable, "-c", "import time; time.sleep(60)"])
        spawned.append(process)
        os.kill(os.getpid(), signal.SIGINT)  # lands before the start returns
        return process

    monkeypatch.setattr(supervisor, "children", lambda _port, _s3: [supervisor.Child("c", start)])
    try:
        assert supervisor.serve() == 0
    finally:
        for process in spawned:
            if process.poll() is None:
                process.kill()
                process.wait()
                pytest.fail("the child started as Ctrl-C came was left running")
    assert [process.returncode for process in spawned] == [-signal.SIGKILL]


def test_a_child_ignores_ctrl_c_until_its_own_code_runs_and_is_killed_if_stopped_before() -> None:
    """The interpreter of a child starts with SIGINT ignored, so a Ctrl-C during its first
    imports (before any handler of ours exists) cannot print a traceback; stopping a child
    still at that point kills it at once instead of waiting 15 s for a signal it ignores."""
    from app.supervisor import Child, _spawn, python_module

    # A child that never installs a handler of its own: it stays in the ignored state.
    stuck = Child("stuck", lambda: _spawn([sys.executable, "-c", "import time; time.sleep(60)"]))
    stuck.launch(0.0)
    assert stuck.process is not None
    _wait_for_ignored(stuck.process.pid)
    stuck.stop()
    # Killed by stop() itself: Child.wait would only kill it after 15 s.
    assert stuck.process.wait(timeout=10) == -signal.SIGKILL
    # Once QUIET_START runs, SIGINT ends the child quietly with exit code 0.
    quiet = Child("quiet", lambda: _spawn(python_module("http.server", "0")))
    quiet.launch(0.0)
    assert quiet.process is not None
    _wait_for_ignored(quiet.process.pid, ignored=False)
    quiet.stop()
    quiet.wait()
    assert quiet.process.returncode == 0


def _wait_for_ignored(pid: int, ignored: bool = True) -> None:
    from app.supervisor import _ignores_sigint

    deadline = time.monotonic() + 60
    while _ignores_sigint(pid) != ignored:
        assert time.monotonic() < deadline, f"SIGINT of {pid} never became ignored={ignored}"
        time.sleep(0.01)
