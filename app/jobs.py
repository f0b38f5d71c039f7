"""Background jobs on Huey: SQLite storage embedded, Redis at scale (``WANBIAO_HUEY_URL``).

The consumer is started by ``make run`` as ``huey_consumer app.jobs.huey``; each job runs inside
an application context built once per consumer process.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey, crontab

from app.config import var_dir
from app.corpora.ingestion import ingest_corpus
from app.exports.services import run_export
from app.labeling.uploads import sweep_orphan_uploads
from app.ledger.log import sign_current_head
from app.quality.report import (
    projects_needing_reports,
    refresh_report,
    report_is_stale_by_id,
)
from app.releases.analysis import analyse_release, stalled_analyses
from app.releases.publishing import run_publish, stalled_publishing
from app.signing import platform_signing_key
from app.storage import object_store


def _make_huey() -> Huey:
    url = os.environ.get("WANBIAO_HUEY_URL", "")
    if url.startswith("redis://"):
        return RedisHuey("wanbiao", url=url)
    path = url.removeprefix("sqlite:///") if url else str(var_dir() / "huey.db")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    return SqliteHuey("wanbiao", filename=path)


huey = _make_huey()
_worker_app: Flask | None = None


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
    ingest_corpus_job(corpus_id)


@huey.task(retries=1, retry_delay=10)
@huey.lock_task("quality-report")
def refresh_quality_job(project_id: int, force: bool = False) -> None:
    """Recompute one project's quality report (``force``: even without new answers)."""
    with _app_context():
        if force or report_is_stale_by_id(project_id):
            refresh_report(project_id)


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
    export_job(export_id)


@huey.periodic_task(crontab(minute="17"))
def sweep_uploads() -> None:
    """Hourly: remove pictures uploaded for collection slots but never submitted."""
    with _app_context():
        sweep_orphan_uploads(object_store())


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
    analyse_release_job(release_id)


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
    publish_release_job(release_id)


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
    refresh_quality_job(project_id, force)


def init_app(app: Flask) -> None:
    """Run jobs in the request (tests, ``HUEY_IMMEDIATE``) or queue them for the consumer."""
    huey.immediate = bool(app.config["HUEY_IMMEDIATE"])
