"""Memory and speed of a table's ingestion: a generated CSV of N rows (id, text, two kept
columns) and a JSON array of the same records, through the real S3 server and SQLite.

Each case runs in a fresh process: the file is uploaded through the upload service
(untimed), then the ingestion job's body runs while a thread samples the resident set size
every 10 ms; a second run of the case traces Python's own allocations (``tracemalloc``
peak: the parser, the mapping and the batches, without SQLite's page cache, which grows to
64 MiB with the database whatever the format). Cases: the CSV, the CSV with a tenth of the
rows, the JSON array, and the same texts as plain paragraphs (the older text path, for
reference). Prints one JSON line: ``{"rows", "csv_mb", "<case>_items_per_s",
"<case>_rss_growth_mb", "<case>_python_peak_mb" …}`` with the load.

    nice -n 5 .venv/bin/python benchmarks/table_ingest.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import S3, S3_ACCESS, S3_SECRET, make_app  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class PeakRss:
    """The largest resident set size seen while the block runs."""

    def __enter__(self) -> PeakRss:
        self.before = self.peak = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def csv_bytes(rows: int) -> bytes:
    out = io.StringIO()
    out.write("编号,内容,来源,日期\n")
    for n in range(rows):
        text = f"第{n}条：合肥市发布算力政策，推进人工智能产业发展。"
        out.write(f"ID-{n:07d},{text},网站{n % 17},2024-05-{n % 28 + 1:02d}\n")
    return out.getvalue().encode()


def txt_bytes(rows: int) -> bytes:
    """The same texts as plain paragraphs: the existing text path, for reference (SQLite's
    page cache, 64 MiB per connection, grows with the database whatever the format)."""
    return "".join(
        f"第{n}条：合肥市发布算力政策，推进人工智能产业发展。\n\n" for n in range(rows)
    ).encode()


def json_bytes(rows: int) -> bytes:
    records = (
        json.dumps(
            {"id": f"ID-{n:07d}", "text": f"第{n}条：人工智能产业。", "source": {"site": n % 17}},
            ensure_ascii=False,
        )
        for n in range(rows)
    )
    return ("[\n" + ",\n".join(records) + "\n]\n").encode()


def ingest(app: Any, email: str, content: bytes, filename: str, trace: bool) -> dict[str, Any]:
    """Items per second and memory growth of one upload's ingestion."""
    from app.corpora.ingestion import ingest_corpus
    from app.corpora.services import upload_corpus
    from app.extensions import db
    from app.models import Corpus, User
    from app.storage import object_store

    with app.test_request_context():
        vendor = db.session.query(User).filter_by(email=email).one()
        with tempfile.TemporaryFile() as raw:
            raw.write(content)
            raw.seek(0)
            corpus = upload_corpus(vendor, "bench", filename, raw, object_store(), lambda _: None)
        corpus_id = corpus.id
        db.session.expire_all()
        if trace:
            tracemalloc.start()
        with PeakRss() as memory:
            started = time.perf_counter()
            ingest_corpus(corpus_id, object_store())
            elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
        stored = db.session.get(Corpus, corpus_id)
        assert stored is not None and stored.status == "ready", stored and stored.errors
        if trace:
            return {"python_peak_mb": round(peak / 2**20, 1)}
        return {
            "items": stored.item_count,
            "items_per_s": round(stored.item_count / elapsed),
            "rss_growth_mb": round(memory.peak - memory.before, 1),
        }


CASES = {
    "csv": (csv_bytes, "rows.csv", 1),
    "csv_tenth": (csv_bytes, "rows.csv", 10),
    "json": (json_bytes, "rows.json", 1),
    "txt": (txt_bytes, "rows.txt", 1),
}


def run_case(case: str, rows: int, trace: bool) -> dict[str, Any]:
    """One case in this process, on its own S3 server and database."""
    from app.storage.seaweed import start_weed
    from tests.app.builders import World

    build, filename, divisor = CASES[case]
    content = build(rows // divisor)
    with tempfile.TemporaryDirectory() as tmp:
        server = start_weed(Path(tmp) / "weed", S3_ACCESS, S3_SECRET)
        try:
            app = make_app(Path(tmp), S3(server.endpoint, S3_ACCESS, S3_SECRET))
            world = World(app)
            return ingest(app, world.user("vendor", world.org()), content, filename, trace)
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--case", choices=sorted(CASES))
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.rows, args.trace)))
        return
    figures: dict[str, Any] = {
        "rows": args.rows,
        "csv_mb": round(len(csv_bytes(args.rows)) / 2**20, 1),
    }
    for case in CASES:
        for trace in (False, True):
            print(f"{case}{' (traced)' if trace else ''}…", file=sys.stderr)
            command = [sys.executable, __file__, "--case", case, "--rows", str(args.rows)]
            output = subprocess.run(
                command + (["--trace"] if trace else []), check=True, capture_output=True, text=True
            ).stdout
            result = json.loads(output.strip().splitlines()[-1])
            figures |= {f"{case}_{key}": value for key, value in result.items() if key != "items"}
    figures |= {"database": "sqlite", "load_average_1m": round(os.getloadavg()[0], 1)}
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
