"""Cost of ``PRAGMA synchronous=FULL`` (what the app sets) against WAL's usual ``NORMAL``.

    python benchmarks/sqlite_commit.py [--commits 300]

Opens a fresh SQLite database through the app's own engine (WAL, the write queue, the
pragmas of ``app.database``), then times small write transactions like a submit's (``BEGIN
IMMEDIATE``, one audit row, ``COMMIT``) with ``synchronous`` at FULL and at NORMAL on the same
connection. Prints one JSON object on its last line: per mode, the median and p99 of one commit
in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WANBIAO_VAR_DIR", tempfile.mkdtemp(prefix="wanbiao-bench-"))

from sqlalchemy import insert, text  # noqa: E402

from app import create_app  # noqa: E402
from app.database import IMMEDIATE  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import AuditEvent  # noqa: E402


def _time_commits(connection: object, commits: int) -> list[float]:
    times = []
    for n in range(commits):
        started = time.perf_counter()
        with connection.execution_options(**IMMEDIATE).begin():  # type: ignore[attr-defined]
            connection.execute(  # type: ignore[attr-defined]
                insert(AuditEvent), {"action": "bench", "detail": {"n": n}}
            )
        times.append((time.perf_counter() - started) * 1000)
    return times


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "median_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1], 3),
    }


def main() -> None:
    """Build the database, time both modes, print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=300)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="wanbiao-bench-db-")) / "bench.db"
    app = create_app(
        {
            "SECRET_KEY": "benchmark-only-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "HUEY_IMMEDIATE": True,
        }
    )
    result: dict[str, object] = {"commits": args.commits}
    with app.app_context():
        db.create_all()
        with db.engine.connect() as connection:
            set_by_app = connection.execute(text("PRAGMA synchronous")).scalar()
            connection.rollback()
            result["app_synchronous"] = {1: "NORMAL", 2: "FULL"}.get(set_by_app, set_by_app)
            raw = connection.connection.dbapi_connection
            assert raw is not None
            for mode in ("FULL", "NORMAL"):
                raw.execute(f"PRAGMA synchronous={mode}")  # outside any transaction
                result[mode.lower()] = _summary(_time_commits(connection, args.commits))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
