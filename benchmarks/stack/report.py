"""What a benchmark reports as it goes: progress on stderr, percentiles, CPU seconds."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

_T0 = time.monotonic()


def log(message: str) -> None:
    print(f"[{time.monotonic() - _T0:7.1f}s] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile in milliseconds (values are seconds)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return round(ordered[rank - 1] * 1000, 2)


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its children (gunicorn master and workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pending = [pid]
    for _ in range(1000):  # bounded walk of the process tree
        if not pending:
            break
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
        except (OSError, IndexError, ValueError):
            continue
    return total
