"""Background jobs on Huey: SQLite storage embedded, Redis at scale (``WANBIAO_HUEY_URL``).

The consumer is started by ``make run`` as ``huey_consumer app.jobs.huey``; each job runs inside
an application context built once per consumer process.

A job dequeued by a consumer that is then killed is gone from the queue. Work is therefore
tracked in ``job_run`` (:mod:`app.job_runs`), and when a consumer starts and every two minutes
:func:`recover_interrupted_work` queues again what is owed without a live job (an ingestion
resumes where its committed batches end; an export or a report is written again), or fails
it with a translated reason after ``JOB_MAX_ATTEMPTS`` attempts (a corpus's items are deleted).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import redis
import sqlalchemy.exc
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey, crontab
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from app.config import REDIS_SCHEMES, var_dir
from app.corpora import ingestion, near_duplicate_runs
from app.corpora.ingestion import ingest_corpus
from app.corpora.mapping_expiry import expire_waiting_mappings
from app.database import begin_write
from app.exports import services as exports
from app.exports.services import run_export
from app.extensions import db
from app.job_runs import end_run, interrupted, live_runs, owed, pause_run, start_run
from app.labeling.uploads import sweep_orphan_uploads
from app.ledger.log import sign_current_head
from app.quality.report import refresh_report
from app.quality.stored import projects_needing_reports, report_is_stale_by_id
from app.releases.analysis import analyse_release, stalled_analyses
from app.releases.publishing import run_publish, stalled_publishing
from app.signing import platform_signing_key
from app.storage import StorageUnavailable, object_store
from app.storage.sweep import sweep_storage

logger = logging.getLogger(__name__)
REPORT_JOB = "report"
REPORT_LOCK = "quality-report"


def _make_huey() -> Huey:
    url = os.environ.get("WANBIAO_HUEY_URL", "")
    if url.startswith(REDIS_SCHEMES):
        # Bounded waits: a request that queues a job must not hang on an unreachable Redis
        # (the consumer's blocking read waits 1 s, well inside the socket timeout).
        pool = redis.ConnectionPool.from_url(
            url,
            socket_connect_timeout=5,
            socket_timeout=10,
            health_check_interval=30,
            retry=Retry(ExponentialBackoff(cap=1.0, base=0.1), 3),
        )
        return RedisHuey("wanbiao", connection_pool=pool)
    path = url.removeprefix("sqlite:///") if url else str(var_dir() / "huey.db")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    return SqliteHuey("wanbiao", filename=path)


huey = _make_huey()
_worker_app: Flask | None = None


def _queue(job: Any, *args: Any) -> None:
    """Queue a job for work the caller has committed. When the queue (Redis) cannot be
    reached the request still succeeds: the work is recorded as owed in the database, and a
    consumer queues it again once the queue is back (:func:`recover_interrupted_work`, the
    release jobs' and reports' periodic tasks)."""
    try:
        job(*args)
    except redis.RedisError:
        logger.warning("job queue unreachable: %s%s left to recovery", job.func.__name__, args)


@contextlib.contextmanager
def _app_context() -> Iterator[None]:
    global _worker_app
    if has_app_context():
        yield
        return
    if _worker_app is None:
        # Imported here: app/__init__ imports the views, which import this module.
        from app import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        yield


@huey.task(retries=3, retry_delay=5)
def ingest_corpus_job(corpus_id: int) -> None:
    """Split an uploaded corpus into items (see :func:`app.corpora.ingestion.ingest_corpus`)."""
    with _app_context():
        ingest_corpus(corpus_id, object_store())


def enqueue_ingestion(corpus_id: int) -> None:
    """Queue the ingestion of a corpus."""
    _queue(ingest_corpus_job, corpus_id)


@huey.task(retries=1, retry_delay=10)
def near_duplicates_job(run_id: int) -> None:
    """Group a corpus's near-duplicate items (see
    :func:`app.corpora.near_duplicate_runs.run_search`)."""
    with _app_context():
        near_duplicate_runs.run_search(run_id)


def enqueue_near_duplicates(run_id: int) -> None:
    """Queue a search for near-duplicates."""
    near_duplicates_job(run_id)


@huey.task(retries=1, retry_delay=10)
@huey.lock_task(REPORT_LOCK)
def refresh_quality_job(project_id: int, force: bool = False) -> None:
    """Recompute one project's quality report (``force``: even without new answers)."""
    with _app_context():
        if not start_run(REPORT_JOB, project_id):
            return
        try:
            if force or report_is_stale_by_id(project_id):
                refresh_report(project_id)
        except Exception:
            pause_run(REPORT_JOB, project_id, "report_error")
            raise
        _drop_report_run(project_id)


def _drop_report_run(project_id: int, _reason: str = "") -> None:
    begin_write()
    end_run(REPORT_JOB, project_id)
    db.session.commit()


@huey.periodic_task(crontab(minute="*"))
def refresh_stale_reports() -> None:
    """Every minute: recompute the reports of projects that received answers."""
    with _app_context():
        for project_id in projects_needing_reports():
            refresh_quality_job(project_id)


@huey.task(retries=2, retry_delay=10)
def export_job(export_id: int) -> None:
    """Write one export (see :func:`app.exports.services.run_export`)."""
    with _app_context():
        run_export(export_id, object_store())


def enqueue_export(export_id: int) -> None:
    """Queue an export."""
    _queue(export_job, export_id)


@huey.periodic_task(crontab(minute="17"))
def sweep_uploads() -> None:
    """Hourly: remove pictures uploaded for collection slots but never submitted, multipart
    uploads whose writer died, and the files of failed corpora (tables that waited longer
    than ``MAPPING_EXPIRY_HOURS`` for their mapping fail first)."""
    with _app_context():
        sweep_orphan_uploads(object_store())
        expire_waiting_mappings(timedelta(hours=float(current_app.config["MAPPING_EXPIRY_HOURS"])))
        sweep_storage(object_store())


def _queued() -> dict[str, set[int]]:
    """Objects whose job waits in the queue or for a retry, per kind of work."""
    jobs = {
        "ingestion": ingest_corpus_job,
        "export": export_job,
        REPORT_JOB: refresh_quality_job,
        near_duplicate_runs.JOB: near_duplicates_job,
    }
    found: dict[str, set[int]] = {kind: set() for kind in jobs}
    for task in huey.pending() + huey.scheduled():
        for kind, job in jobs.items():
            if isinstance(task, job.task_class) and task.args:
                found[kind].add(int(task.args[0]))
    return found


def _resume_report(project_id: int) -> None:
    refresh_quality_job(project_id, True)


# Per kind of work: what is owed, how to resume it, how to fail it.
RECOVERY: dict[
    str, tuple[Callable[[], list[int]], Callable[[int], None], Callable[[int, str], None]]
] = {
    "ingestion": (ingestion.processing_corpora, ingest_corpus_job, ingestion.fail_interrupted),
    "export": (exports.unfinished_exports, export_job, exports.fail_interrupted),
    REPORT_JOB: (lambda: owed(REPORT_JOB), _resume_report, _drop_report_run),
    near_duplicate_runs.JOB: (
        near_duplicate_runs.owed_searches,
        near_duplicates_job,
        near_duplicate_runs.fail_search,
    ),
}


def recover_interrupted_work() -> None:
    """Queue again the work owed without a live job, or fail it after ``JOB_MAX_ATTEMPTS``; free
    the report lock when no report runs (its holder was killed)."""
    queued = _queued()
    limit = int(current_app.config["JOB_MAX_ATTEMPTS"])
    for kind, (owed_ids, resume, fail) in RECOVERY.items():
        for run in interrupted(kind, owed_ids(), queued[kind]):
            if run.attempts >= limit:
                logger.warning("failing %s %s after %s attempts", kind, run.object_id, run.attempts)
                fail(run.object_id, run.last_error or "interrupted")
            else:
                logger.warning("resuming interrupted %s %s", kind, run.object_id)
                resume(run.object_id)
    if huey.is_locked(REPORT_LOCK) and not live_runs(REPORT_JOB):
        huey.lock_task(REPORT_LOCK).clear()


# A consumer starts even when the database, S3 or Redis is not up yet (or is being stopped
# by the same Ctrl-C): that is one line in the log, not a traceback.
UNAVAILABLE = (StorageUnavailable, sqlalchemy.exc.OperationalError, redis.ConnectionError)


@huey.on_startup()
def recover_on_start() -> None:
    """When a consumer starts: resume what a killed consumer left, and sweep storage."""
    with _app_context():
        try:
            recover_interrupted_work()
            sweep_storage(object_store())
        except UNAVAILABLE as exc:  # not there yet, or already stopping (Ctrl-C on make run)
            logger.warning("recovery at start skipped, %s: %s", type(exc).__name__, exc)
        except Exception:
            logger.exception("recovery at start failed; the periodic task tries again")
        finally:
            db.session.remove()


@huey.periodic_task(crontab(minute="*/2"))
def recover_jobs() -> None:
    """Every two minutes: resume (or fail) work whose worker died."""
    with _app_context():
        recover_interrupted_work()


@huey.periodic_task(crontab(hour="16", minute="5"))
def sign_daily_tree_head() -> None:
    """Daily at 00:05 Beijing time (16:05 UTC): sign a head of the ledger (issue 12)."""
    with _app_context():
        sign_current_head(None)


@huey.task(retries=3, retry_delay=5)
def analyse_release_job(release_id: int) -> None:
    """De-identify the documents of a release (see :func:`app.releases.analysis.analyse_release`);
    a retry resumes with the documents still pending."""
    with _app_context():
        analyse_release(release_id)


def enqueue_analysis(release_id: int) -> None:
    """Queue the analysis of a release."""
    _queue(analyse_release_job, release_id)


def release_signing_key() -> Ed25519PrivateKey:
    """The platform's Ed25519 key that signs release manifests (shared with the ledger)."""
    return platform_signing_key(current_app.config)


# No retries: a failed attempt is reported on the release and asked for again by a person.
@huey.task()
def publish_release_job(release_id: int) -> None:
    """Write a release to object storage (see :func:`app.releases.publishing.run_publish`)."""
    with _app_context():
        run_publish(release_id, object_store(), release_signing_key())


def enqueue_publishing(release_id: int) -> None:
    """Queue the publishing of a release."""
    _queue(publish_release_job, release_id)


@huey.periodic_task(crontab(minute="*/2"))
def resume_release_jobs() -> None:
    """Every two minutes: queue again the release analyses and publishing jobs whose worker
    died (an analysis resumes with its pending documents; publishing writes again)."""
    with _app_context():
        for release_id in stalled_analyses():
            analyse_release_job(release_id)
        for release_id in stalled_publishing():
            publish_release_job(release_id)


def enqueue_quality_refresh(project_id: int, force: bool = False) -> None:
    """Ask the worker for a fresh quality report of a project."""
    _queue(refresh_quality_job, project_id, force)


def init_app(app: Flask) -> None:
    """Run jobs in the request (tests, ``HUEY_IMMEDIATE``) or queue them for the consumer."""
    huey.immediate = bool(app.config["HUEY_IMMEDIATE"])
