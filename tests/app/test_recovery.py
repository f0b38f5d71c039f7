"""Work survives a killed job consumer: the REAL consumer (a subprocess) is SIGKILLed in the
middle of an ingestion, an export and a quality report; a new consumer resumes the work, or
fails it cleanly (no corpus left "processing", no hidden items)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from tests.app.builders import Api, World
from tests.conftest import DATABASES, S3, database_url, make_app

ROOT = Path(__file__).resolve().parents[2]
# Real processes on a shared two-core machine: more than the suite's 300 s per test.
pytestmark = pytest.mark.timeout(900)
WAIT_S = 300  # a loaded CI machine imports the app in a consumer slowly
LINES = 200_000


class Consumers:
    """Real ``huey_consumer`` processes on the test's own queue and database."""

    def __init__(self, app: Any, s3: S3, queue: Path) -> None:
        self.env = dict(
            os.environ,
            DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
            WANBIAO_SECRET_KEY=app.config["SECRET_KEY"],
            WANBIAO_S3_ENDPOINT=s3.endpoint,
            WANBIAO_S3_ACCESS_KEY=s3.access_key,
            WANBIAO_S3_SECRET_KEY=s3.secret_key,
            WANBIAO_S3_BUCKET=app.config["S3_BUCKET"],
            WANBIAO_HUEY_URL=f"sqlite:///{queue}",
            WANBIAO_JOB_MAX_ATTEMPTS=str(app.config.get("JOB_MAX_ATTEMPTS", 10)),
        )
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(  # noqa: S603 - fixed argument list
            [sys.executable, "-m", "huey.bin.huey_consumer", "app.jobs.huey", "-w", "1"],
            env=self.env,
            cwd=ROOT,
        )
        self.running.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=60)


def _make(
    tmp_path: Path, s3: S3, monkeypatch: pytest.MonkeyPatch, url: str | None = None, **config: Any
) -> Any:
    """An app whose jobs go to a queue of this test's own, read by real consumers."""
    from huey.storage import SqliteStorage

    from app.jobs import huey

    app = make_app(tmp_path, s3, url, **config)
    huey.immediate = False
    monkeypatch.setattr(huey, "storage", SqliteStorage("wanbiao", filename=str(tmp_path / "q.db")))
    return app


@pytest.fixture
def consumers() -> Iterator[list[Consumers]]:
    made: list[Consumers] = []
    yield made
    for group in made:
        group.stop_all()


def _wait(what: str, check: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


def _read(app: Any, query: Callable[[], Any]) -> Any:
    from app.extensions import db

    with app.app_context():
        try:
            return query()
        finally:
            db.session.remove()


def _corpus(app: Any, corpus_id: int) -> tuple[str, int, int, list[Any]]:
    """(status, bytes processed, items in the database, errors) of a corpus."""
    from app.extensions import db
    from app.models import Corpus, Item

    def query() -> tuple[str, int, int, list[Any]]:
        corpus = db.session.get(Corpus, corpus_id)
        assert corpus is not None
        items = db.session.scalar(select(func.count()).where(Item.corpus_id == corpus_id))
        return corpus.status, corpus.bytes_processed, items or 0, corpus.errors

    return _read(app, query)


def _kill_when(process: subprocess.Popen[bytes], what: str, check: Callable[[], bool]) -> None:
    _wait(what, check)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _objects(app: Any, prefix: str) -> list[str]:
    from app.storage import object_store

    def query() -> list[str]:
        store = object_store()
        listed = store.client.list_objects(store.bucket, prefix=prefix, recursive=True)
        return [o.object_name for o in listed if o.object_name]

    return _read(app, query)


def _upload_large(app: Any) -> tuple[Api, int]:
    vendor = World(app).vendor_api()
    text = "".join(f"第{i}段：恢复测试用的一段文字。\n\n" for i in range(LINES)).encode()
    response = vendor.upload(text, "large.txt")
    assert response.status_code == 201, response.json
    return vendor, int(response.json["id"])


def _interrupt_ingestion(app: Any, group: Consumers, corpus_id: int) -> None:
    first = group.start()

    def halfway() -> bool:
        status, done, items, _ = _corpus(app, corpus_id)
        assert status == "processing", "the ingestion ended before it could be interrupted"
        return done > 0 and items > 0

    _kill_when(first, "the first committed batch", halfway)
    status, _, items, _ = _corpus(app, corpus_id)
    assert status == "processing" and 0 < items < LINES  # hidden partial rows


@pytest.mark.parametrize("kind", DATABASES)
def test_an_ingestion_killed_halfway_is_resumed_by_the_next_consumer(
    tmp_path: Path,
    s3_server: S3,
    monkeypatch: pytest.MonkeyPatch,
    consumers: list[Consumers],
    kind: str,
) -> None:
    url = database_url(kind, tmp_path)
    app = _make(tmp_path, s3_server, monkeypatch, url)
    vendor, corpus_id = _upload_large(app)
    group = Consumers(app, s3_server, tmp_path / "q.db")
    consumers.append(group)
    _interrupt_ingestion(app, group, corpus_id)
    group.start()
    _wait("the ingestion to finish", lambda: _corpus(app, corpus_id)[0] != "processing")
    shown = vendor.get(f"/api/v1/corpora/{corpus_id}").json
    assert shown["status"] == "ready", shown
    assert shown["item_count"] == LINES and _corpus(app, corpus_id)[2] == LINES


def test_an_ingestion_interrupted_too_often_fails_with_a_reason_and_no_items(
    tmp_path: Path, s3_server: S3, monkeypatch: pytest.MonkeyPatch, consumers: list[Consumers]
) -> None:
    app = _make(tmp_path, s3_server, monkeypatch, JOB_MAX_ATTEMPTS=1, BABEL_DEFAULT_LOCALE="en")
    vendor, corpus_id = _upload_large(app)
    prefix = _read(app, lambda: _corpus_prefix(corpus_id))
    assert _objects(app, prefix)
    group = Consumers(app, s3_server, tmp_path / "q.db")
    consumers.append(group)
    _interrupt_ingestion(app, group, corpus_id)
    group.start()
    _wait("the corpus to fail", lambda: _corpus(app, corpus_id)[0] != "processing")
    status, _, items, errors = _corpus(app, corpus_id)
    assert (status, items, errors) == ("failed", 0, [{"line": 0, "code": "interrupted"}])
    shown = vendor.get(f"/api/v1/corpora/{corpus_id}").json
    assert "interrupted" in shown["errors"][0]["message"], shown
    _wait("the failed corpus's files to be swept", lambda: not _objects(app, prefix))


def _corpus_prefix(corpus_id: int) -> str:
    from app.extensions import db
    from app.models import Corpus

    corpus = db.session.get(Corpus, corpus_id)
    assert corpus is not None
    return corpus.object_key.rsplit("/raw/", 1)[0] + "/"


def _bulk_project(app: Any, items: int, experts: int) -> tuple[Api, int]:
    """A classification project of ``items`` items, each answered by ``experts`` experts,
    written straight into the database (what thousands of claims would have stored)."""
    from app.extensions import db
    from app.models import Annotation, Assignment, Corpus, Item, Project, Task, User
    from app.models.base import utcnow

    world = World(app)
    org = world.org()
    vendor_email = world.user("vendor", org)
    expert_emails = [world.user("expert") for _ in range(experts)]
    labels = ["正面", "负面", "中性"]
    with app.app_context():
        vendor = db.session.scalar(select(User).where(User.email == vendor_email))
        people = list(db.session.scalars(select(User).where(User.email.in_(expert_emails))))
        assert vendor is not None and len(people) == experts
        corpus = Corpus(
            organization_id=org,
            name="批量",
            file_format="jsonl",
            original_filename="b.jsonl",
            object_key=f"bulk/{org}",
            size_bytes=0,
            sha256="0",
            status="ready",
            created_by_id=vendor.id,
        )
        db.session.add(corpus)
        db.session.flush()
        db.session.execute(
            insert(Item),
            [
                {
                    "id": i,
                    "corpus_id": corpus.id,
                    "seq": i,
                    "sha256": f"{i:064d}",
                    "text": f"第{i}条",
                }
                for i in range(1, items + 1)
            ],
        )
        project = Project(
            organization_id=org,
            corpus_id=corpus.id,
            name="批量项目",
            task_type="classify",
            labels=labels,
            overlap=experts,
            lease_seconds=1800,
            created_by_id=vendor.id,
        )
        db.session.add(project)
        db.session.flush()
        db.session.execute(
            insert(Task),
            [
                {"id": i, "project_id": project.id, "item_id": i, "slots_taken": experts}
                for i in range(1, items + 1)
            ],
        )
        stamp = utcnow()
        pairs = [(e, i) for e in range(experts) for i in range(1, items + 1)]
        db.session.execute(
            insert(Assignment),
            [
                {
                    "id": n,
                    "task_id": i,
                    "project_id": project.id,
                    "annotator_id": people[e].id,
                    "status": "submitted",
                    "leased_at": stamp,
                    "lease_expires_at": stamp,
                }
                for n, (e, i) in enumerate(pairs, start=1)
            ],
        )
        db.session.execute(
            insert(Annotation),
            [
                {
                    "id": n,
                    "assignment_id": n,
                    "task_id": i,
                    "project_id": project.id,
                    "item_id": i,
                    "annotator_id": people[e].id,
                    "client_uuid": f"{n:036d}",
                    "result": {"label": labels[(i * (e + 1)) % 3]},
                }
                for n, (e, i) in enumerate(pairs, start=1)
            ],
        )
        db.session.commit()
        return world.api(vendor_email), project.id


def test_an_export_killed_halfway_is_written_by_the_next_consumer(
    tmp_path: Path, s3_server: S3, monkeypatch: pytest.MonkeyPatch, consumers: list[Consumers]
) -> None:
    from app.extensions import db
    from app.models import Export

    app = make_app(tmp_path, s3_server)
    vendor, project = _bulk_project(app, 40_000, 1)
    app = _make(tmp_path, s3_server, monkeypatch)
    vendor = Api(app.test_client(), vendor.token)
    response = vendor.post(f"/api/v1/projects/{project}/exports")
    assert response.status_code == 202, response.json
    export_id = response.json["id"]
    group = Consumers(app, s3_server, tmp_path / "q.db")
    consumers.append(group)

    def export() -> tuple[str, int]:
        found = db.session.get(Export, export_id)
        assert found is not None
        return found.status, found.items_done

    def halfway() -> bool:
        status, done = _read(app, export)
        assert status in ("pending", "running"), "the export ended before it was interrupted"
        return status == "running" and done > 0

    _kill_when(group.start(), "the export's first batch", halfway)
    group.start()
    _wait("the export", lambda: _read(app, export)[0] not in ("pending", "running"))
    shown = vendor.get(f"/api/v1/exports/{export_id}").json
    assert shown["status"] == "ready", shown
    body = vendor.client.get(
        f"/api/v1/exports/{export_id}/download", headers=vendor._headers()
    ).get_data()
    assert body.count(b"\n") == 40_000


def test_a_report_killed_halfway_is_computed_by_the_next_consumer(
    tmp_path: Path, s3_server: S3, monkeypatch: pytest.MonkeyPatch, consumers: list[Consumers]
) -> None:
    from app.extensions import db
    from app.jobs import huey, refresh_quality_job
    from app.models import JobRun, QualityReport

    app = make_app(tmp_path, s3_server)
    vendor, project = _bulk_project(app, 40_000, 3)
    app = _make(tmp_path, s3_server, monkeypatch)
    with app.app_context():
        refresh_quality_job(project, True)
    group = Consumers(app, s3_server, tmp_path / "q.db")
    consumers.append(group)

    def reports() -> int:
        return db.session.scalar(select(func.count()).select_from(QualityReport)) or 0

    def computing() -> bool:
        assert _read(app, reports) == 0, "the report was done before it could be interrupted"
        return bool(_read(app, lambda: db.session.get(JobRun, ("report", project))))

    _kill_when(group.start(), "the report job", computing)
    assert huey.is_locked("quality-report")  # the killed job still holds the report lock
    group.start()
    _wait("the report", lambda: _read(app, reports))
    page = Api(app.test_client(), vendor.token).get(f"/api/v1/projects/{project}/quality")
    assert page.status_code == 200, page.json
    assert page.json["report"]["overall"]["items_answered"] == 40_000, page.json["report"][
        "overall"
    ]


def test_a_corpus_caught_by_a_storage_outage_is_ingested_once_storage_is_back(
    tmp_path: Path, s3_server: S3, monkeypatch: pytest.MonkeyPatch, consumers: list[Consumers]
) -> None:
    from app.extensions import db
    from app.models import JobRun
    from app.storage.seaweed import find_free_base_port

    app = _make(tmp_path, s3_server, monkeypatch)
    vendor = World(app).vendor_api()
    corpus_id = vendor.upload("第一段。\n\n第二段。\n".encode(), "small.txt").json["id"]
    dead = S3(f"127.0.0.1:{find_free_base_port(start=29100, stop=29900)}", "x", "y")
    outage = Consumers(app, dead, tmp_path / "q.db")
    consumers.append(outage)
    outage.start()

    def given_up() -> bool:  # the queue's own retries are spent: the job left the queue
        from app.jobs import huey

        run = _read(app, lambda: db.session.get(JobRun, ("ingestion", corpus_id)))
        idle = run is not None and run.worker is None and run.attempts == 4
        return idle and not huey.pending() and not huey.scheduled()

    _wait("the retries during the outage", given_up)
    outage.stop_all()
    status, _, items, _ = _corpus(app, corpus_id)
    assert (status, items) == ("processing", 0)
    back = Consumers(app, s3_server, tmp_path / "q.db")
    consumers.append(back)
    back.start()
    _wait("the ingestion", lambda: _corpus(app, corpus_id)[0] != "processing")
    assert vendor.get(f"/api/v1/corpora/{corpus_id}").json["item_count"] == 2
