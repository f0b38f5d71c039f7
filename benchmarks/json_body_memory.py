"""Peak memory of the web process while clients send oversized JSON bodies (issue 14, §3).

Serves the app in this process on loopback (Werkzeug, threaded, SQLite in a temp dir), makes a
vendor with an API token, then sends ``--clients`` concurrent ``POST /api/v1/projects`` bodies
of ``--mb`` MB each, half with ``Content-Length`` and half chunked, generated on the fly so the
clients hold nothing. Prints one JSON line: the statuses seen and how much the process's peak
RSS grew (``ru_maxrss``). Before the JSON body limit, one 50 MB body cost a worker 1.27 GB.

    .venv/bin/python benchmarks/json_body_memory.py --clients 4 --mb 50
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

CHUNK = b" " * 65536


def _body(size: int) -> Iterator[bytes]:
    sent = 0
    while sent < size:
        piece = CHUNK[: min(len(CHUNK), size - sent)]
        sent += len(piece)
        yield piece


def _post(port: int, token: str, size: int, chunked: bool, out: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if not chunked:
        headers["Content-Length"] = str(size)
    try:
        conn.request(
            "POST", "/api/v1/projects", body=_body(size), headers=headers, encode_chunked=chunked
        )
    except OSError:
        pass  # the server answered and closed before the body was all sent
    try:
        out.append(str(conn.getresponse().status))
    except OSError as exc:
        out.append(type(exc).__name__)
    finally:
        conn.close()


def _app(tmp: Path) -> Flask:
    os.environ["WANBIAO_VAR_DIR"] = str(tmp)
    sys.path.insert(0, os.environ.get("WANBIAO_REPO", str(Path(__file__).resolve().parent.parent)))
    from app import create_app
    from app.extensions import db

    app = create_app(
        {
            "SECRET_KEY": "bench-" + "x" * 40,
            "S3_ACCESS_KEY": "unused",
            "S3_SECRET_KEY": "unused",
            "HUEY_IMMEDIATE": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.db'}",
        }
    )
    with app.app_context():
        db.create_all()
    return app


def _vendor_token(app: Flask) -> str:
    from app.accounts.organizations import create_organization
    from app.accounts.services import create_user, issue_api_token

    with app.app_context():
        org = create_organization("基准公司", "91340100MA2TDEM8K4", "合肥", None)
        create_user("bench@vendor.cn", "bench-password-1", "vendor", organization_id=org.id)
        return issue_api_token("bench@vendor.cn")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument(
        "--framing",
        choices=["both", "length", "chunked"],
        default="both",
        help="Content-Length, chunked, or alternating (default)",
    )
    args = parser.parse_args()
    from werkzeug.serving import make_server

    app = _app(Path(tempfile.mkdtemp(prefix="wanbiao-bench-")))
    token = _vendor_token(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    warm: list[str] = []  # first request loads templates and catalogs: not the body's cost
    _post(server.server_port, token, 2, False, warm)
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    statuses: list[str] = []
    size = args.mb * 1024 * 1024

    def chunked(n: int) -> bool:
        return args.framing == "chunked" or (args.framing == "both" and n % 2 == 1)

    clients = [
        threading.Thread(target=_post, args=(server.server_port, token, size, chunked(n), statuses))
        for n in range(args.clients)
    ]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    server.shutdown()
    after_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "clients": args.clients,
                "body_mb": args.mb,
                "framing": args.framing,
                "statuses": sorted(statuses),
                "peak_rss_before_mb": round(before_kb / 1024, 1),
                "peak_rss_growth_mb": round((after_kb - before_kb) / 1024, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
