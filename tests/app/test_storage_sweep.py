"""Against the real SeaweedFS server: multipart uploads whose writer died are aborted once
stale, and the files of failed corpora are deleted, while live uploads and the files of
ready corpora stay. Also: SQLite commits are fsynced (synchronous=FULL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from tests.app.builders import World


def _uploads(store: Any) -> set[str]:
    listed = store.client._list_multipart_uploads(store.bucket)
    return {upload.upload_id for upload in listed.uploads}


def _objects(store: Any, prefix: str) -> list[str]:
    listed = store.client.list_objects(store.bucket, prefix=prefix, recursive=True)
    return [o.object_name for o in listed if o.object_name]


def test_incomplete_multipart_uploads_are_aborted_once_stale(app: Any) -> None:
    from app.storage import object_store
    from app.storage.sweep import sweep_storage

    with app.app_context():
        store = object_store()
        key = "corpora/9/abandoned/raw/original.txt"
        upload_id = store.client._create_multipart_upload(store.bucket, key, {})
        store.client._upload_part(store.bucket, key, b"x" * (5 * 1024 * 1024), None, upload_id, 1)
        assert upload_id in _uploads(store)
        assert sweep_storage(store)["uploads_aborted"] == 0  # a day has not passed: may be live
        assert upload_id in _uploads(store)
        assert sweep_storage(store, stale_upload=timedelta(0))["uploads_aborted"] >= 1
        assert upload_id not in _uploads(store)
        assert not _objects(store, "corpora/9/abandoned/")


def _prefix(app: Any, corpus_id: int) -> str:
    from app.extensions import db
    from app.models import Corpus

    with app.app_context():
        corpus = db.session.get(Corpus, corpus_id)
        assert corpus is not None
        return corpus.object_key.rsplit("/raw/", 1)[0] + "/"


def test_the_files_of_failed_corpora_are_swept_and_ready_ones_kept(app: Any, world: World) -> None:
    from app.storage import object_store
    from app.storage.sweep import sweep_storage

    vendor = world.vendor_api()
    failed = vendor.upload(b'{"text": "ok"}\n{"oops"\n', "bad.jsonl")
    ready = vendor.upload('{"text": "好的"}\n'.encode(), "good.jsonl")
    assert vendor.get(f"/api/v1/corpora/{failed.json['id']}").json["status"] == "failed"
    assert vendor.get(f"/api/v1/corpora/{ready.json['id']}").json["status"] == "ready"
    failed_prefix, ready_prefix = _prefix(app, failed.json["id"]), _prefix(app, ready.json["id"])
    with app.app_context():
        store = object_store()
        assert _objects(store, failed_prefix) and _objects(store, ready_prefix)
        assert sweep_storage(store)["objects_deleted"] >= 1
        assert not _objects(store, failed_prefix)
        assert _objects(store, ready_prefix)
        assert sweep_storage(store)["objects_deleted"] == 0  # done once, not again


def test_sqlite_fsyncs_every_commit(app: Any) -> None:
    from app.extensions import db

    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL


def test_a_consumer_starting_while_s3_is_down_logs_one_line_not_a_traceback(
    app: Any, caplog: Any, monkeypatch: Any
) -> None:
    """Ctrl-C on ``make run`` can stop the S3 server while a consumer still runs its start-up
    recovery: that is a one-line warning, and the consumer goes on."""
    import logging
    import socket

    from app.jobs import recover_on_start
    from app.storage import ObjectStore

    # Alembic's logging set-up (run by the migration tests in this process) disables loggers
    # that exist by then; a consumer process never runs it.
    monkeypatch.setattr(logging.getLogger("app.jobs"), "disabled", False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    with app.app_context():
        real = app.extensions["object_store"]
        app.extensions["object_store"] = ObjectStore(f"127.0.0.1:{closed}", "k", "s", "wanbiao")
        try:
            with caplog.at_level(logging.WARNING, logger="app.jobs"):
                recover_on_start()
        finally:
            app.extensions["object_store"] = real
    records = [r for r in caplog.records if r.name == "app.jobs"]
    assert [r.levelno for r in records] == [logging.WARNING]
    assert "recovery at start skipped, StorageUnavailable" in records[0].getMessage()
    assert records[0].exc_info is None
