"""Claim latency of working experts while a client floods the registration form (issue 14,
§3 and its report: "ten registrations a second cut claim throughput by two thirds and one claim
stalled 9.7 s, because password hashing runs inside the SQLite write lock").

The script shape of the issue, on a real server as ``benchmarks/claim_submit.py`` starts it
(its own ``weed mini``, a migrated SQLite database, a Huey consumer, gunicorn with ``make
run``'s sync workers): two experts claim and submit continuously (no think time) on a
classify project, first for ``--duration`` seconds alone ("quiet"), then for as long again
while a client posts ``--rate`` registrations a second through ``/register`` (each a GET for
the form's CSRF token, then the POST; sent on a schedule, so slow answers do not slow the
flood). This runs twice, each on a fresh stack:

- ``defaults``: the registration limits at their defaults (5 an hour per address, 20 a
  minute overall): most of the flood is refused with 429 before any password is hashed, and
  ``registered`` (302 answers) must be 5 exactly: before the limits were taken atomically
  with the account (issue 14), 8 got through;
- ``raised``: both limits raised so every registration really hashes its password (scrypt)
  and writes an account: this shows whether hashing holds up the claims' write lock.

For each: claim latency p50/p95/max (ms) and claims a second, quiet and flooded, and the
flood's registration answers by status, their latency, and how long after the flood began
the last one was answered (more than the phase when the server cannot keep up). Progress
goes to stderr; the last stdout line is one JSON object.

    nice -n 5 .venv/bin/python benchmarks/registration_flood.py --duration 20 --rate 10
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack as stack_tools  # noqa: E402  (the benchmarks' shared set-up, beside this one)

ROOT = stack_tools.ROOT
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
UNLIMITED = "1000000000"
# Four workers importing the app on a loaded 2-core machine take longer than a minute.
PATIENT_WAIT_S = 300.0


def claim_loop(port: int, token: str, project: int, deadline: float, out: list[float]) -> None:
    """Claim → submit until the deadline, appending each claim's seconds to ``out``."""
    client = stack_tools.Client(port, token)
    rng = random.Random(token)
    try:
        while time.monotonic() < deadline:
            status, data, elapsed = client.request("POST", f"/api/v1/projects/{project}/claim")
            if status == 204:  # every task answered
                return
            if status != 200:
                out.append(float("nan"))  # a refused claim
                time.sleep(0.05)
                continue
            out.append(elapsed)
            body = {
                "result": {"label": rng.choice(stack_tools.LABELS)},
                "client_uuid": str(uuid.uuid4()),
            }
            task = json.loads(data)["task_id"]
            client.request("POST", f"/api/v1/tasks/{task}/annotations", body)
    finally:
        client.close()


def register_once(port: int, number: int) -> str:
    """One self-registration through the form (GET for the CSRF token, then POST): its status."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("GET", "/register")
        page = conn.getresponse()
        html = page.read().decode("utf-8", "replace")
        cookie = "; ".join(c.split(";", 1)[0] for c in page.msg.get_all("Set-Cookie") or [])
        token = CSRF.search(html)
        if token is None:
            return f"form {page.status}"
        form = {
            "csrf_token": token.group(1),
            "name": f"申请人{number}",
            "email": f"flood{number}-{uuid.uuid4().hex[:8]}@example.cn",
            "mobile": f"139{number % 10**8:08d}",
            "domains": "政务",
            "password": "flood-password-0123",
            "confirm": "flood-password-0123",
        }
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        conn.request("POST", "/register", body=urllib.parse.urlencode(form), headers=headers)
        answer = conn.getresponse()
        answer.read()
        return str(answer.status)
    except OSError as exc:
        return type(exc).__name__
    finally:
        conn.close()


def flood(port: int, rate: float, deadline: float, results: Any) -> None:
    """``rate`` registrations a second on a fixed schedule until the deadline, in a process of
    its own (its threads never hold the claiming clients' GIL); puts ``(statuses, seconds of
    each registration, seconds until the last one was answered)`` on ``results``."""
    lock = threading.Lock()
    statuses: Counter[str] = Counter()
    seconds: list[float] = []
    began = time.monotonic()

    def send(number: int) -> None:
        started = time.perf_counter()
        status = register_once(port, number)
        with lock:
            statuses[status] += 1
            seconds.append(time.perf_counter() - started)

    with ThreadPoolExecutor(max_workers=64) as pool:
        start, number = time.monotonic(), 0
        while (due := start + number / rate) < deadline:
            time.sleep(max(0.0, due - time.monotonic()))
            pool.submit(send, number)
            number += 1
    results.put((dict(statuses), seconds, time.monotonic() - began))


def phase(
    port: int, tokens: list[str], project: int, seconds: float, rate: float
) -> dict[str, Any]:
    """Two experts for ``seconds``, with a registration flood when ``rate`` > 0."""
    deadline = time.monotonic() + seconds
    claims: list[list[float]] = [[] for _ in tokens]
    threads = [
        threading.Thread(target=claim_loop, args=(port, token, project, deadline, out))
        for token, out in zip(tokens, claims, strict=True)
    ]
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    flooder = context.Process(target=flood, args=(port, rate, deadline, results))
    if rate:
        flooder.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ok = [s for part in claims for s in part if s == s]  # NaN marks a refused claim
    result: dict[str, Any] = {
        "claim_p50_ms": stack_tools.percentile(ok, 50),
        "claim_p95_ms": stack_tools.percentile(ok, 95),
        "claim_max_ms": stack_tools.percentile(ok, 100),
        "claims_per_s": round(len(ok) / seconds, 2),
        "claims": len(ok),
        "claims_refused": sum(1 for part in claims for s in part if s != s),
    }
    if rate:
        statuses, answered, drained = results.get()
        flooder.join()
        result["registrations"] = dict(sorted(statuses.items()))
        # Every registration comes from one address: at most the per-address limit may pass.
        result["registered"] = statuses.get("302", 0)
        result["registration_p50_ms"] = stack_tools.percentile(answered, 50)
        result["registration_max_ms"] = stack_tools.percentile(answered, 100)
        # Past the phase's end while the last registrations were still being answered.
        result["flood_answered_after_s"] = round(drained, 1)
    return result


def one_configuration(args: argparse.Namespace) -> dict[str, Any]:
    """A fresh stack with the limits of ``args.limits``: quiet, then flooded."""
    tmp = Path(tempfile.mkdtemp(prefix="wanbiao-flood-"))
    var = tmp / "var"
    var.mkdir()
    os.environ.update(
        {
            "WANBIAO_VAR_DIR": str(var),
            "WANBIAO_HUEY_URL": f"sqlite:///{var / 'huey.db'}",
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
            "WANBIAO_SECRET_KEY": "flood-" + uuid.uuid4().hex * 2,
            "WANBIAO_S3_ACCESS_KEY": stack_tools.S3_ACCESS,
            "WANBIAO_S3_SECRET_KEY": stack_tools.S3_SECRET,
            "WANBIAO_S3_BUCKET": "wanbiao-flood",
        }
    )
    if args.limits == "raised":
        os.environ["WANBIAO_REGISTRATIONS_PER_HOUR_PER_ADDRESS"] = UNLIMITED
        os.environ["WANBIAO_REGISTRATIONS_PER_MINUTE"] = UNLIMITED
    stack = stack_tools.Stack(tmp)
    try:
        app, port, _pid = stack_tools.start_stack(args, stack, PATIENT_WAIT_S)
        vendor_token, tokens = stack_tools.make_accounts(app, 2)
        corpus_file = tmp / "corpus.jsonl"
        stack_tools.write_corpus(corpus_file, args.tasks)
        vendor = stack_tools.Client(port, vendor_token, timeout=stack_tools.SETUP_TIMEOUT)
        stack_tools.start_consumer(stack)
        corpus_id, _timings = stack_tools.import_corpus(vendor, corpus_file)
        project, _seconds = stack_tools.create_project(vendor, corpus_id)
        vendor.close()
        stack_tools.log(f"{args.limits}: quiet for {args.duration} s")
        quiet = phase(port, tokens, project, args.duration, 0)
        stack_tools.log(f"{args.limits}: quiet {quiet}; now {args.rate} registrations/s")
        flooded = phase(port, tokens, project, args.duration, args.rate)
        stack_tools.log(f"{args.limits}: flooded {flooded}")
        return {"quiet": quiet, "flood": flooded}
    finally:
        stack.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of each phase")
    parser.add_argument("--rate", type=float, default=10.0, help="registrations a second")
    parser.add_argument("--tasks", type=int, default=4000, help="items in the corpus")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--limits", choices=("defaults", "raised", "both"), default="both")
    args = parser.parse_args()
    if not 1 <= args.duration <= 600 or not 0 < args.rate <= 100 or not 10 <= args.tasks:
        parser.error("--duration 1..600, --rate 0..100, --tasks at least 10")
    # start_stack reads these of claim_submit's options: make run's sync workers.
    args.db, args.threads, args.worker_class = "sqlite", 1, "sync"
    sys.path.insert(0, str(ROOT))
    if args.limits != "both":
        print(json.dumps(one_configuration(args), ensure_ascii=False))
        return
    result: dict[str, Any] = {"rate_per_s": args.rate, "duration_s": args.duration}
    for limits in ("defaults", "raised"):
        # A fresh process per configuration: the app reads its settings at start.
        done = subprocess.run(  # noqa: S603
            [
                sys.executable,
                __file__,
                "--limits",
                limits,
                "--duration",
                str(args.duration),
                "--rate",
                str(args.rate),
                "--tasks",
                str(args.tasks),
                "--workers",
                str(args.workers),
            ],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        result[limits] = json.loads(done.stdout.strip().splitlines()[-1])
    result["gunicorn"] = f"{args.workers}x1 sync"
    result["cpus"] = os.cpu_count()
    result["loadavg_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
