"""The S3 adapter against the real server, and what users see when storage is down."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from tests.app.builders import World
from tests.conftest import S3, make_app


def test_stream_put_get_delete(app: Any) -> None:
    from app.storage import object_store

    payload = bytes(range(256)) * 40000  # 10 MB: a multipart upload
    with app.app_context():
        store = object_store()
        assert store.healthy()
        store.put_stream("tests/blob.bin", io.BytesIO(payload), "application/octet-stream")
        assert b"".join(store.iter_chunks("tests/blob.bin")) == payload
        store.delete("tests/blob.bin")
        assert not any(
            o.object_name == "tests/blob.bin"
            for o in store.client.list_objects(store.bucket, prefix="tests/")
        )


def test_a_stream_sent_one_part_at_a_time_arrives_whole(app: Any) -> None:
    """Publishing sends its large files one 8 MB part at a time, their length known
    (memory): three parts and a short last one come back in order."""
    from app.storage import PART_SIZE, object_store

    payload = b"".join(bytes([n]) * PART_SIZE for n in range(3)) + b"tail"
    with app.app_context():
        store = object_store()
        for length in (-1, len(payload)):  # unknown, then known (no copy of each part)
            stream = io.BytesIO(payload)
            store.put_stream("tests/parts.bin", stream, "text/plain", None, 1, length)
            assert b"".join(store.iter_chunks("tests/parts.bin")) == payload
            store.delete("tests/parts.bin")


def test_upload_with_storage_down_is_503_and_leaves_no_row(tmp_path: Path, s3_server: S3) -> None:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Corpus
    from app.storage.seaweed import find_free_base_port

    app = make_app(tmp_path, s3_server)
    dead = S3(f"127.0.0.1:{find_free_base_port(start=29100, stop=29900)}", "x", "y")
    down = make_app(
        tmp_path, dead, database_url=app.config["SQLALCHEMY_DATABASE_URI"], skip_bucket=True
    )
    vendor = World(down).vendor_api()
    response = vendor.upload("正文".encode(), "a.txt")
    assert response.status_code == 503
    assert response.json["error"]["message"]
    with down.app_context():
        assert db.session.scalar(select(func.count()).select_from(Corpus)) == 0
