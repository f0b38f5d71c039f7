"""The simulated experts of the claim benchmark: claim → think → submit loops over keep-alive
connections, spread over client processes."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from .client import HTTP_TIMEOUT, Client
from .fixtures import LABELS
from .report import log, tree_cpu_seconds


@dataclass
class LoadStats:
    claim: list[float] = field(default_factory=list)
    submit: list[float] = field(default_factory=list)
    annotation_ids: list[int] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    no_more_tasks: int = 0
    reconnects: int = 0


def expert_loop(
    port: int,
    token: str,
    project: int,
    think: float,
    deadline: float,
    stats: LoadStats,
    rng: random.Random,
) -> None:
    client = Client(port, token)
    try:
        # Experts arrive spread over one think time (or 100 ms), not all in the same instant.
        time.sleep(rng.uniform(0, max(think, 0.1)))
        for _ in range(10_000_000):  # bounded; the deadline ends it far earlier
            if time.monotonic() >= deadline:
                break
            status, data, elapsed = client.request("POST", f"/api/v1/projects/{project}/claim")
            if status == 204:
                stats.claim.append(elapsed)
                stats.no_more_tasks += 1
                break
            if status != 200:
                stats.errors[f"claim {status}"] += 1
                time.sleep(0.1)
                continue
            stats.claim.append(elapsed)
            task_id = json.loads(data)["task_id"]
            if think:
                time.sleep(think)
            body = {"result": {"label": rng.choice(LABELS)}, "client_uuid": str(uuid.uuid4())}
            status, data, elapsed = client.request(
                "POST", f"/api/v1/tasks/{task_id}/annotations", body
            )
            if status == 201:
                stats.submit.append(elapsed)
                stats.annotation_ids.append(int(json.loads(data)["id"]))
            else:
                stats.errors[f"submit {status}"] += 1
    except Exception as exc:  # noqa: BLE001 - counted and reported, never silently dropped
        stats.errors[f"exception {type(exc).__name__}"] += 1
    finally:
        stats.reconnects += client.reconnects
        client.close()


def run_experts(
    port: int, tokens: list[str], first: int, project_id: int, think: float, deadline: float
) -> tuple[LoadStats, float]:
    """One client process: a thread per expert until the deadline; (stats, its CPU seconds)."""
    sys.setswitchinterval(0.0005)  # many I/O-bound threads: hand the GIL over promptly
    stats = LoadStats()
    cpu_before = time.process_time()
    threads = [
        threading.Thread(
            target=expert_loop,
            daemon=True,
            args=(port, token, project_id, think, deadline, stats, random.Random(first + i)),
        )
        for i, token in enumerate(tokens)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, deadline - time.monotonic()) + 2 * HTTP_TIMEOUT + think)
    alive = sum(thread.is_alive() for thread in threads)
    if alive:
        stats.errors["threads_still_running"] = alive
    return stats, time.process_time() - cpu_before


def drive(
    args: argparse.Namespace, port: int, gunicorn_pid: int, tokens: list[str], project_id: int
) -> tuple[LoadStats, float, float, float]:
    """E experts for the duration, spread over ``--client-procs`` processes (200 browsers are
    not one Python process: a single client process's GIL queue would be measured as server
    latency). Returns (stats, elapsed seconds, gunicorn CPU seconds, client CPU seconds)."""
    think = args.think_ms / 1000
    procs = max(1, min(args.client_procs, len(tokens)))
    log(
        f"{args.experts} experts in {procs} client processes, think {args.think_ms} ms, "
        f"for {args.duration} s"
    )
    cpu_before = tree_cpu_seconds(gunicorn_pid)
    started = time.perf_counter()
    deadline = time.monotonic() + args.duration
    share = -(-len(tokens) // procs)
    context = multiprocessing.get_context("fork")  # clients need none of the app's state
    with ProcessPoolExecutor(max_workers=procs, mp_context=context) as pool:
        futures = [
            pool.submit(run_experts, port, tokens[i : i + share], i, project_id, think, deadline)
            for i in range(0, len(tokens), share)
        ]
        results = [future.result() for future in futures]
    elapsed = time.perf_counter() - started
    server_cpu = tree_cpu_seconds(gunicorn_pid) - cpu_before
    stats = LoadStats()
    for part, _cpu in results:
        stats.claim += part.claim
        stats.submit += part.submit
        stats.annotation_ids += part.annotation_ids
        stats.errors.update(part.errors)
        stats.no_more_tasks += part.no_more_tasks
        stats.reconnects += part.reconnects
    client_cpu = sum(cpu for _part, cpu in results)
    log(
        f"{len(stats.claim)} claims, {len(stats.submit)} submits in {elapsed:.1f} s "
        f"({len(stats.submit) / elapsed:.1f}/s); gunicorn CPU {server_cpu:.1f} s, clients "
        f"{client_cpu:.1f} s; errors {dict(stats.errors)}; reconnects {stats.reconnects}"
    )
    return stats, elapsed, server_cpu, client_cpu
