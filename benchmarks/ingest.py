"""A large JSONL corpus through the real S3 server: resumable upload speed against the bare
``minio`` SDK, the web app's peak memory, and the ingestion's items per second.

1. Writes a JSONL file of ``--mb`` MB (1 GB by default) into a temp dir: one object a line,
   ``{"text": …, "id": n}``, Chinese texts of about 250 bytes, every one different.
2. Starts its own ``weed mini``, a fresh database (SQLite in the temp dir, or ``--database-url``
   whose ``public`` schema is dropped), and gunicorn as ``make run`` starts it (``web_command``:
   two sync workers per core, no consumer: the ingestion is timed in this process).
3. ``--rounds`` times (best of, 2 by default): the app's resumable protocol as the browser
   speaks it (``POST /api/v1/uploads``, three ``PUT …/parts/{n}`` in flight, ``POST
   …/complete``), timed from the first request to the completion's answer, and the bare SDK's
   ``fput_object`` of the file to the same server, also three parts in flight (its default)
   and with the part size the app chose (the SDK's own default is 5 MiB below 50 GB): the
   same cut on both sides. The two alternate which goes first (the app in odd rounds, which
   also tells the part size), so neither always meets the store just after the other's
   writes. The CPU seconds of the gunicorn processes and of the S3 server are counted per
   upload too (``upload_web_cpu_s``, ``s3_cpu_s``): on a shared machine they say what each
   side costs when the wall time is disturbed.
4. ``upload_peak_rss_mb`` is the largest peak resident set (``VmHWM``) of any gunicorn process
   after the uploads; ``idle_peak_rss_mb`` the same before them (the app loaded, one request
   answered), so the difference is what the uploads cost.
5. Runs the ingestion of the first uploaded corpus here (``ingest_corpus``) and times it, in
   wall seconds and in this process's CPU seconds (``ingest_items_per_cpu_s``);
   ``ingest_peak_rss_mb`` is this process's peak resident set while it ingests.

Prints one JSON line: ``{"upload_mb_per_s", "sdk_mb_per_s", "upload_peak_rss_mb",
"ingest_items_per_s", "file_mb", …}``; targets (issue 13): upload ≥ 80 % of the SDK, peak RSS
< 200 MB, ≥ 30,000 items/s.

    nice -n 5 .venv/bin/python benchmarks/ingest.py [--mb 1024] [--rounds 2] [--database-url URL]
        [--no-sdk]  # only the app's uploads: the SDK's figures are null
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from stack.report import tree_cpu_seconds  # benchmarks/stack, beside this script

ROOT = Path(__file__).resolve().parents[1]
S3_ACCESS, S3_SECRET = "wanbiao-bench", "wanbiao-bench-secret-0123456789"
PARALLEL = 3  # parts in flight, as static/js/resumable-upload.js sends them
SENTENCES = [
    "加快建设合肥先进计算中心，提升智能算力供给能力",
    "到2025年，全省通用人工智能产业规模达到2000亿元",
    "各地各部门要加强组织领导，强化政策保障，确保各项任务落到实处",
    "推动公共数据资源开发利用，依法有序开放政务数据",
    "完善数据要素市场规则，培育数据标注、清洗等数据服务产业",
]


def log(message: str) -> None:
    print(f"[ingest] {message}", file=sys.stderr, flush=True)


def write_jsonl(path: Path, megabytes: int) -> int:
    """About ``megabytes`` MB of distinct lines; returns how many."""
    target, written, lines = megabytes * 1024 * 1024, 0, 0
    with path.open("wb") as out:
        while written < target:
            batch = []
            for n in range(lines, lines + 10_000):
                text = "；".join(SENTENCES[(n + k) % len(SENTENCES)] for k in range(3))
                batch.append(
                    json.dumps({"text": f"第{n}条：{text}。", "id": n}, ensure_ascii=False)
                )
            data = ("\n".join(batch) + "\n").encode()
            out.write(data)
            written += len(data)
            lines += len(batch)
    return lines


def peak_rss_mb(pid: int) -> float:
    """The largest VmHWM of a process and its children (gunicorn's master and workers)."""
    peak, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return round(peak / 1024, 1)


def start_web(tmp: Path) -> tuple[subprocess.Popen[bytes], int]:
    from app.storage.seaweed import find_free_base_port
    from app.supervisor import web_command

    port = find_free_base_port(30000, 40000)
    log_file = (tmp / "gunicorn.log").open("ab")
    web = subprocess.Popen(  # noqa: S603 - the command make run uses
        web_command(str(port)), cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if web.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {tmp / 'gunicorn.log'}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            conn.getresponse().read()
            return web, port
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer")


def call(port: int, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
    if isinstance(body, dict):
        body = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    elif body is not None:
        headers["Content-Type"] = "application/octet-stream"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    finally:
        conn.close()


def app_upload(port: int, token: str, path: Path) -> tuple[int, float, int]:
    """The resumable protocol with PARALLEL parts in flight; (corpus id, seconds, part size)."""
    started = time.perf_counter()
    size = path.stat().st_size
    status, upload = call(
        port, token, "POST", "/api/v1/uploads", {"filename": path.name, "size": size}
    )
    assert status == 201, upload
    numbers = list(range(1, upload["part_count"] + 1))
    lock, errors = threading.Lock(), []

    def worker() -> None:
        with path.open("rb") as source:
            while True:
                with lock:
                    if not numbers or errors:
                        return
                    number = numbers.pop(0)
                source.seek((number - 1) * upload["part_size"])
                part = source.read(upload["part_size"])
                url = f"/api/v1/uploads/{upload['id']}/parts/{number}"
                answer = call(port, token, "PUT", url, part)
                if answer[0] != 200:
                    errors.append(answer)

    threads = [threading.Thread(target=worker) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:1]
    status, corpus = call(port, token, "POST", f"/api/v1/uploads/{upload['id']}/complete")
    assert status == 201, corpus
    return corpus["id"], time.perf_counter() - started, upload["part_size"]


def sdk_upload(endpoint: str, path: Path, key: str, part_size: int) -> float:
    """The SDK's multipart upload (PARALLEL parts in flight, its default); seconds."""
    from minio import Minio

    client = Minio(endpoint, access_key=S3_ACCESS, secret_key=S3_SECRET, secure=False)
    started = time.perf_counter()
    client.fput_object(
        "wanbiao-bench", key, str(path), part_size=part_size, num_parallel_uploads=PARALLEL
    )
    return time.perf_counter() - started


def uscc(first17: str) -> str:
    """A 统一社会信用代码 with its check character (GB 32100-2015, MOD 31)."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    total = sum(alphabet.index(ch) * w for ch, w in zip(first17, weights, strict=True))
    return first17 + alphabet[(31 - total % 31) % 31]


def make_vendor(app: Any) -> str:
    from app.accounts.organizations import create_organization
    from app.accounts.services import create_user, issue_api_token

    with app.app_context():
        org = create_organization("基准测试数据公司", uscc("91340100123456789"), "合肥", None)
        create_user(
            "vendor@bench.cn",
            secrets.token_urlsafe(16),
            "vendor",
            name="供应商",
            organization_id=org.id,
        )
        return issue_api_token("vendor@bench.cn")


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process on this machine (/proc), None if not here."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu_s(db: Any) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend connected to this database (when the
    server runs on this machine): the ingestion's COPY and INSERT run there, not here."""
    from sqlalchemy import text

    if db.engine.dialect.name != "postgresql":
        return {}
    with db.engine.connect() as conn:
        pids = conn.scalars(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend'"
            )
        ).all()
    found = {pid: process_cpu_s(pid) for pid in pids}
    return {pid: cpu for pid, cpu in found.items() if cpu is not None}


def own_peak_rss_mb(reset: bool = False) -> float:
    """This process's peak resident set (VmHWM); ``reset`` starts it again from the current
    resident set (Linux's clear_refs 5), so the peak read later is the ingestion's own."""
    if reset:
        Path("/proc/self/clear_refs").write_text("5")
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):  # not peak_rss_mb: this process's child runs weed
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def ingest(app: Any, corpus_id: int) -> tuple[int, float, float, float | None]:
    """Items, wall seconds and CPU seconds of the corpus's ingestion: this process's (every
    thread), and on PostgreSQL the database backends' (None when the server is elsewhere)."""
    from sqlalchemy import text

    from app.corpora.ingestion import ingest_corpus
    from app.extensions import db
    from app.models import Corpus
    from app.storage import object_store

    with app.app_context():
        db.session.execute(text("SELECT 1"))  # the session's backend exists before the start
        before = server_cpu_s(db)
        own_peak_rss_mb(reset=True)
        started, cpu = time.perf_counter(), time.process_time()
        ingest_corpus(corpus_id, object_store())
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        after = server_cpu_s(db)
        server = (
            sum(spent - before.get(pid, 0.0) for pid, spent in after.items()) if after else None
        )
        corpus = db.session.get(Corpus, corpus_id)
        assert corpus is not None and corpus.status == "ready", corpus and corpus.errors
        return corpus.item_count, elapsed, cpu, server


def prepare(tmp: Path, database_url: str | None) -> Any:
    """Environment as `make run` gives it, a migrated database and the bucket."""
    os.environ.update(
        {
            "WANBIAO_VAR_DIR": str(tmp / "var"),
            "WANBIAO_HUEY_URL": f"sqlite:///{tmp / 'huey.db'}",
            "DATABASE_URL": database_url or f"sqlite:///{tmp / 'bench.db'}",
            "WANBIAO_SECRET_KEY": secrets.token_urlsafe(48),
            "WANBIAO_S3_ACCESS_KEY": S3_ACCESS,
            "WANBIAO_S3_SECRET_KEY": S3_SECRET,
            "WANBIAO_S3_BUCKET": "wanbiao-bench",
        }
    )
    (tmp / "var").mkdir()
    if database_url:
        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    from flask_migrate import upgrade

    from app import create_app
    from app.storage import object_store

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        object_store().ensure_bucket()
    return app


def upload_rounds(
    rounds: int, corpus: Path, weed: Any, web_pid: int, port: int, token: str, sdk: bool = True
) -> dict[str, Any]:
    """Both uploads ``rounds`` times, alternating which goes first; seconds and CPU each
    (``sdk`` False: the app's uploads only)."""
    file_mb = corpus.stat().st_size / 1024 / 1024
    out: dict[str, Any] = {"sdk_s": [], "app_s": [], "corpora": [], "web_cpu_s": []}
    out |= {"s3_app_cpu_s": [], "s3_sdk_cpu_s": [], "part_size": 0}

    def app_round() -> None:
        web_cpu, s3_cpu = tree_cpu_seconds(web_pid), tree_cpu_seconds(weed.process.pid)
        corpus_id, seconds, out["part_size"] = app_upload(port, token, corpus)
        out["corpora"].append(corpus_id)
        out["app_s"].append(seconds)
        out["web_cpu_s"].append(round(tree_cpu_seconds(web_pid) - web_cpu, 2))
        out["s3_app_cpu_s"].append(round(tree_cpu_seconds(weed.process.pid) - s3_cpu, 2))

    def sdk_round(number: int) -> None:
        if not sdk:
            return
        s3_cpu = tree_cpu_seconds(weed.process.pid)
        key = f"bench/sdk-{number}.jsonl"
        out["sdk_s"].append(sdk_upload(weed.endpoint, corpus, key, out["part_size"]))
        out["s3_sdk_cpu_s"].append(round(tree_cpu_seconds(weed.process.pid) - s3_cpu, 2))

    for number in range(rounds):
        if number % 2 == 0:
            app_round()
            sdk_round(number)
        else:
            sdk_round(number)
            app_round()
        sdk_speed = f"{file_mb / out['sdk_s'][-1]:.1f} MB/s" if sdk else "skipped"
        log(f"round {number + 1}: SDK {sdk_speed}, app {file_mb / out['app_s'][-1]:.1f} MB/s")
    return out


def run(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from app.storage.seaweed import start_weed

    corpus = tmp / "corpus.jsonl"
    lines = write_jsonl(corpus, args.mb)
    file_mb = corpus.stat().st_size / 1024 / 1024
    log(f"{lines} lines, {file_mb:.1f} MB; starting weed mini")
    weed = start_weed(tmp / "weed", S3_ACCESS, S3_SECRET)
    os.environ["WANBIAO_S3_ENDPOINT"] = weed.endpoint
    web = None
    try:
        app = prepare(tmp, args.database_url)
        token = make_vendor(app)
        web, port = start_web(tmp)
        idle_rss = peak_rss_mb(web.pid)  # the app loaded and answering, before any upload
        rounds = upload_rounds(args.rounds, corpus, weed, web.pid, port, token, not args.no_sdk)
        sdk_s, app_s, corpora = rounds["sdk_s"], rounds["app_s"], rounds["corpora"]
        rss = peak_rss_mb(web.pid)
        web.send_signal(signal.SIGTERM)
        web.wait(timeout=30)
        web = None
        log(f"peak RSS of gunicorn {rss} MB; ingesting corpus {corpora[0]}")
        load_before = os.getloadavg()[0]
        items, ingest_s, ingest_cpu_s, server_s = ingest(app, corpora[0])
        ingest_rss = own_peak_rss_mb()
        assert items == lines, (items, lines)
        return {
            "upload_mb_per_s": round(file_mb / min(app_s), 1),
            "sdk_mb_per_s": round(file_mb / min(sdk_s), 1) if sdk_s else None,
            "upload_peak_rss_mb": rss,
            "ingest_items_per_s": round(items / ingest_s),
            "file_mb": round(file_mb, 1),
            "upload_vs_sdk": round(min(sdk_s) / min(app_s), 3) if sdk_s else None,
            "idle_peak_rss_mb": idle_rss,
            "items": items,
            "ingest_s": round(ingest_s, 1),
            # The machine is shared: the ingestion's own CPU time (every thread of this
            # process; not the S3 server's) says what it costs per item.
            "ingest_items_per_cpu_s": round(items / ingest_cpu_s),
            "ingest_cpu_s": round(ingest_cpu_s, 1),
            # The peak resident set of this process (the app loaded, the worker's SQLite page
            # cache included) while it ingested.
            "ingest_peak_rss_mb": ingest_rss,
            # PostgreSQL: the backends' CPU seconds too, and items per CPU second of both.
            "ingest_db_server_cpu_s": None if server_s is None else round(server_s, 1),
            "ingest_items_per_total_cpu_s": None
            if server_s is None
            else round(items / (ingest_cpu_s + server_s)),
            "upload_s": [round(x, 2) for x in app_s],
            "sdk_s": [round(x, 2) for x in sdk_s],
            "upload_web_cpu_s": rounds["web_cpu_s"],
            "s3_cpu_s": {"app": rounds["s3_app_cpu_s"], "sdk": rounds["s3_sdk_cpu_s"]},
            "part_mb": round(rounds["part_size"] / 1024 / 1024, 1),
            "rounds": args.rounds,
            "database": "postgresql" if args.database_url else "sqlite",
            "load_average_1m": round(os.getloadavg()[0], 2),
            # The machine is shared: the load as the ingestion started (the key above is
            # taken after it, when its own load is in the figure).
            "load_average_1m_before_ingest": round(load_before, 2),
            "cpus": os.cpu_count(),
        }
    finally:
        if web is not None:
            web.send_signal(signal.SIGTERM)
            web.wait(timeout=30)
        weed.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--mb", type=int, default=1024, help="size of the JSONL file (MB)")
    parser.add_argument("--rounds", type=int, default=2, help="uploads of each kind (best of)")
    parser.add_argument("--database-url", help="PostgreSQL (its public schema is dropped)")
    parser.add_argument("--keep-tmp", action="store_true")
    parser.add_argument(
        "--no-sdk",
        action="store_true",
        help="skip the bare SDK's uploads (sdk_mb_per_s and upload_vs_sdk are null): "
        "when only the ingestion is measured",
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    tmp = Path(tempfile.mkdtemp(prefix="wanbiao-ingest-"))
    try:
        result = run(args, tmp)
    finally:
        if not args.keep_tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
