"""Which process runs which long job, so that work whose worker died is found again.

A job on an object (a corpus's ingestion, an export, a project's report) first claims its
``job_run`` row with :func:`start_run`, writing the worker's name ``host:pid:start`` (the
start is the process's start time from ``/proc``, so a reused pid does not look alive);
it moves ``heartbeat_at`` with each committed batch (:func:`beat`) and drops the row in the
transaction that ends the work (:func:`end_run`). An attempt that stops early on an error
gives the row up (:func:`pause_run`), keeping why.

:func:`interrupted` names the work that is owed but has no live job: its worker is gone
(same host: the process no longer exists; another host: no heartbeat for ``STALE_AFTER``)
and no job for it waits in the queue. The consumer resumes it, or fails it after
``JOB_MAX_ATTEMPTS`` attempts (see ``app.jobs.recover_interrupted_work``).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import delete, select, update

from app.database import as_utc, begin_write
from app.extensions import db
from app.models import JobRun
from app.models.base import utcnow

STALE_AFTER = timedelta(minutes=10)


def _process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat);
    ``""`` where there is no /proc, None when the process does not exist."""
    stat = Path(f"/proc/{pid}/stat")
    if not Path("/proc/self/stat").exists():
        return "" if _pid_exists(pid) else None
    try:
        text = stat.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces: split after it.
    return text.rsplit(")", 1)[-1].split()[19]


def _pid_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@cache
def _worker_of(pid: int) -> str:
    return f"{socket.gethostname()}:{pid}:{_process_start(pid) or ''}"


def worker_id() -> str:
    """This process's name in ``job_run.worker``."""
    return _worker_of(os.getpid())


def worker_alive(worker: str, heartbeat_at: datetime | None, now: datetime) -> bool:
    """True when the named worker may still run its job."""
    host, pid, start = worker.rsplit(":", 2)
    if host == socket.gethostname():
        return pid.isdigit() and _process_start(int(pid)) == start
    return heartbeat_at is not None and now - as_utc(heartbeat_at) < STALE_AFTER


def start_run(kind: str, object_id: int) -> bool:
    """Claim the work for this process and count an attempt; False (nothing changed) when
    another live worker runs it already."""
    begin_write()
    run = db.session.get(JobRun, (kind, object_id))
    me = worker_id()
    if run is None:
        run = JobRun(kind=kind, object_id=object_id, attempts=0)
        db.session.add(run)
    elif run.worker and run.worker != me and worker_alive(run.worker, run.heartbeat_at, utcnow()):
        db.session.rollback()
        return False
    run.worker, run.heartbeat_at, run.attempts = me, utcnow(), run.attempts + 1
    db.session.commit()
    return True


def beat(kind: str, object_id: int) -> None:
    """Record progress (inside the caller's write transaction; the caller commits)."""
    db.session.execute(
        update(JobRun)
        .where(JobRun.kind == kind, JobRun.object_id == object_id)
        .values(heartbeat_at=utcnow())
    )


def pause_run(kind: str, object_id: int, error: str) -> None:
    """Give the work up after an attempt that stopped early (the queue may retry it), in a
    transaction of its own."""
    db.session.rollback()
    begin_write()
    db.session.execute(
        update(JobRun)
        .where(JobRun.kind == kind, JobRun.object_id == object_id)
        .values(worker=None, last_error=error[:40])
    )
    db.session.commit()


def end_run(kind: str, object_id: int) -> None:
    """The work is over (done or failed): drop its row in the caller's transaction."""
    db.session.execute(delete(JobRun).where(JobRun.kind == kind, JobRun.object_id == object_id))


def interrupted(kind: str, owed: Iterable[int], queued: set[int]) -> list[JobRun]:
    """Runs (made up when there is no row) of the owed objects with no live job: their
    worker is gone and no job for them waits in the queue."""
    owed_ids = [object_id for object_id in owed if object_id not in queued]
    if not owed_ids:
        return []
    rows = {
        run.object_id: run
        for run in db.session.scalars(
            select(JobRun).where(JobRun.kind == kind, JobRun.object_id.in_(owed_ids))
        )
    }
    now = utcnow()
    found = []
    for object_id in owed_ids:
        run = rows.get(object_id) or JobRun(kind=kind, object_id=object_id, attempts=0)
        if run.worker and worker_alive(run.worker, run.heartbeat_at, now):
            continue
        found.append(run)
    return found


def live_runs(kind: str) -> int:
    """How many runs of ``kind`` have a live worker."""
    now = utcnow()
    return sum(
        1
        for run in db.session.scalars(select(JobRun).where(JobRun.kind == kind))
        if run.worker and worker_alive(run.worker, run.heartbeat_at, now)
    )


def owed(kind: str) -> list[int]:
    """Objects with a run row of ``kind`` (for work that has no status of its own)."""
    return list(db.session.scalars(select(JobRun.object_id).where(JobRun.kind == kind)))
