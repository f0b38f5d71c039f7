"""Resident memory of a benchmark's app processes, sampled in a thread (``RssSampler``):
the largest process, the largest sum, the peak of each kind of process and of each phase."""

from __future__ import annotations

import threading
from pathlib import Path


class RssSampler(threading.Thread):
    """Peak resident set size (MB) of the app's processes, sampled every 0.2 s: the largest
    of any one process (``peak_mb``), the largest sum over all of them at one sample
    (``peak_total_mb``: gunicorn, the consumer and its analysis workers together, each by
    its proportional set size, so pages they share count once), the peak of each role
    (``by_role``: web, consumer, analysis_workers, s3) and of each phase of the drive
    (``by_phase``; ``phase`` is set by ``drive``).  A process's children are read from
    every one of its threads: the analysis workers are started from the consumer's worker
    thread, not its main thread."""

    def __init__(self, roles: dict[str, int]) -> None:
        super().__init__(daemon=True)
        self.roles, self.peak_kb, self.peak_total_kb = roles, 0, 0
        self.peak_role_kb: dict[str, int] = dict.fromkeys([*roles, "analysis_workers"], 0)
        self.peak_phase_kb: dict[str, int] = {}
        self.phase, self.peak_phase = "setup", "setup"
        self.done = threading.Event()

    @property
    def pids(self) -> list[int]:
        """The app's own processes (not the object store's)."""
        return [pid for role, pid in self.roles.items() if role != "s3"]

    def _tree(self) -> list[tuple[str, int]]:
        found: list[tuple[str, int]] = []
        queue = [(role, pid) for role, pid in self.roles.items()]
        while queue:
            role, pid = queue.pop()
            found.append((role, pid))
            child_role = "analysis_workers" if role == "consumer" else role
            queue += [(child_role, child) for child in _children(pid)]
        return found

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.sample()

    def sample(self) -> None:
        total, phase = 0, self.phase
        for role, pid in self._tree():
            resident = _resident_kb(pid)
            if resident is None:
                continue
            self.peak_role_kb[role] = max(self.peak_role_kb[role], resident)
            if role == "s3":
                continue
            if resident > self.peak_kb:
                self.peak_kb, self.peak_phase = resident, phase
            self.peak_phase_kb[phase] = max(self.peak_phase_kb.get(phase, 0), resident)
            total += _proportional_kb(pid, resident)
        self.peak_total_kb = max(self.peak_total_kb, total)

    @property
    def peak_mb(self) -> float:
        return round(self.peak_kb / 1024, 1)

    @property
    def peak_total_mb(self) -> float:
        return round(self.peak_total_kb / 1024, 1)

    @property
    def by_role_mb(self) -> dict[str, float]:
        return {role: round(kb / 1024, 1) for role, kb in self.peak_role_kb.items()}

    @property
    def by_phase_mb(self) -> dict[str, float]:
        return {phase: round(kb / 1024, 1) for phase, kb in self.peak_phase_kb.items()}


def _children(pid: int) -> list[int]:
    """The children of every thread of ``pid``."""
    children: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return children
    for task in tasks:
        try:
            children += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return children


def _resident_kb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((x for x in status.splitlines() if x.startswith("VmRSS:")), "")
    return int(line.split()[1]) if line else None


def _proportional_kb(pid: int, resident_kb: int) -> int:
    """The proportional set size of ``pid`` (its private pages, and its share of pages it
    shares with other processes, so a sum over processes counts each page once), or
    ``resident_kb`` where the kernel does not tell."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return resident_kb
    line = next((x for x in rollup.splitlines() if x.startswith("Pss:")), "")
    return int(line.split()[1]) if line else resident_kb
