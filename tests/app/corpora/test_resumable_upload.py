"""Resumable uploads through /api/v1/uploads: parts in any order, a broken part sent again,
completion only with every part, owner-only, and a file refused by its bytes."""

from __future__ import annotations

import hashlib
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.app.builders import Api, World
from tests.conftest import S3, _dispose, database_url, make_app, serve_in_thread

PART = 5 * 1024 * 1024  # the smallest part S3 takes


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request: pytest.FixtureRequest, tmp_path: Path, s3_server: S3) -> Iterator[Any]:
    """An app that cuts uploads into 5 MiB parts, so an 11 MB file has three."""
    application = make_app(
        tmp_path, s3_server, database_url(request.param, tmp_path), UPLOAD_PART_BYTES=PART
    )
    yield application
    _dispose(application)


def jsonl(count: int = 3800) -> bytes:
    """About 3 KB a line: 3,800 lines are three parts."""
    body = "各市人民政府、省政府各部门：现将公共数据开放目录印发给你们，请认真贯彻执行。" * 25
    lines = (json.dumps({"text": f"第{i}条。{body}"}, ensure_ascii=False) for i in range(count))
    return ("\n".join(lines) + "\n").encode()


def start(api: Api, data: bytes, filename: str = "data.jsonl", **extra: Any) -> Any:
    return api.post("/api/v1/uploads", {"filename": filename, "size": len(data), **extra})


def put_part(api: Api, upload: dict[str, Any], data: bytes, number: int, **kwargs: Any) -> Any:
    size = upload["part_size"]
    body = data[(number - 1) * size : number * size]
    headers = {**api._headers(), "Content-Type": "application/octet-stream"}
    return api.client.put(
        f"/api/v1/uploads/{upload['id']}/parts/{number}", data=body, headers=headers, **kwargs
    )


def cut_connection(base: str, api: Api, path: str, data: bytes) -> None:
    """Send the head of a part over a real connection, then drop it, as a lost network does."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as connection:
        head = (
            f"PUT {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {api.token}\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {PART}\r\n\r\n"
        )
        connection.sendall(head.encode() + data[: 1024 * 1024])
        time.sleep(0.5)  # the server is streaming the part to the store when it breaks


def received(api: Api, upload_id: str) -> list[int]:
    return [part["number"] for part in api.get(f"/api/v1/uploads/{upload_id}").json["parts"]]


def test_parts_in_any_order_become_a_corpus(world: World) -> None:
    vendor = world.vendor_api()
    data = jsonl()
    upload = start(vendor, data, name="分段上传").json
    assert upload["part_count"] == -(-len(data) // PART) == 3
    for number in reversed(range(1, upload["part_count"] + 1)):
        assert put_part(vendor, upload, data, number).status_code == 200
    assert received(vendor, upload["id"]) == list(range(1, upload["part_count"] + 1))
    done = vendor.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert done.status_code == 201, done.json
    corpus = vendor.get(f"/api/v1/corpora/{done.json['id']}").json
    assert (corpus["name"], corpus["status"], corpus["item_count"]) == ("分段上传", "ready", 3800)
    assert corpus["size_bytes"] == len(data)
    again = vendor.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert again.json["id"] == done.json["id"]  # a repeated completion is the same corpus


def test_a_broken_part_is_sent_again_alone_and_completion_waits_for_it(
    app: Any, world: World
) -> None:
    vendor = world.vendor_api()
    data = jsonl()
    upload = start(vendor, data).json
    assert put_part(vendor, upload, data, 1).status_code == 200
    # The connection drops after 1 MB of part 2: the store keeps nothing of it.
    with serve_in_thread(app) as base:
        cut_connection(base, vendor, f"/api/v1/uploads/{upload['id']}/parts/2", data[PART:])
    assert put_part(vendor, upload, data, 3).status_code == 200
    assert received(vendor, upload["id"]) == [1, 3]  # the client sends only part 2 again
    early = vendor.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert early.status_code == 422 and early.json["error"]["code"] == "parts_missing"
    assert early.json["error"]["details"] == [2]
    assert "尚未收到" in early.json["error"]["message"] and "2" in early.json["error"]["message"]
    assert put_part(vendor, upload, data, 2).status_code == 200
    done = vendor.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert done.status_code == 201
    corpus = vendor.get(f"/api/v1/corpora/{done.json['id']}").json
    assert (corpus["status"], corpus["item_count"]) == ("ready", 3800)


def test_only_the_uploader_sees_the_upload(world: World) -> None:
    org = world.org()
    owner, colleague, stranger = world.vendor_api(org), world.vendor_api(org), world.vendor_api()
    data = "第一段。\n\n第二段。\n".encode()
    upload = start(owner, data, "政策.txt").json
    base = f"/api/v1/uploads/{upload['id']}"
    for other in (colleague, stranger):
        assert other.get(base).status_code == 404
        assert put_part(other, upload, data, 1).status_code == 404
        assert other.post(f"{base}/complete").status_code == 404
        assert other.client.delete(base, headers=other._headers()).status_code == 404
    assert received(owner, upload["id"]) == []  # nothing the others sent was stored
    assert put_part(owner, upload, data, 1).status_code == 200
    corpus = owner.post(f"{base}/complete").json
    assert owner.get(f"/api/v1/corpora/{corpus['id']}").json["item_count"] == 2
    expert = world.api(world.user("expert"))
    assert start(expert, data, "政策.txt").status_code == 403


def test_bad_starts_and_bad_parts_are_refused_in_chinese(world: World) -> None:
    vendor = world.vendor_api()
    assert start(vendor, b"").json["error"]["code"] == "bad_size"
    huge = vendor.post("/api/v1/uploads", {"filename": "a.jsonl", "size": 5 * 1024**3 + 1})
    assert huge.status_code == 413 and "5" in huge.json["error"]["message"]
    bad_sha = start(vendor, b"x", sha256="abc")
    assert bad_sha.status_code == 422 and "SHA-256" in bad_sha.json["error"]["message"]
    data = jsonl()
    upload = start(vendor, data).json
    for number in (0, 4):
        refused = put_part(vendor, upload, data, number)
        assert refused.status_code == 422 and refused.json["error"]["code"] == "bad_part_number"
        assert "1" in refused.json["error"]["message"] and "3" in refused.json["error"]["message"]
    short = put_part(vendor, upload, data[:100], 1)
    assert short.status_code == 422 and short.json["error"]["code"] == "bad_part_size"
    assert str(PART) in short.json["error"]["message"]
    assert received(vendor, upload["id"]) == []


def test_abort_drops_the_parts(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    data = jsonl()
    upload = start(vendor, data).json
    assert put_part(vendor, upload, data, 1).status_code == 200
    base = f"/api/v1/uploads/{upload['id']}"
    key, s3_upload = stored_as(app, upload["id"])
    assert s3_upload in open_multipart_uploads(app, key)
    assert vendor.client.delete(base, headers=vendor._headers()).status_code == 204
    assert vendor.get(base).status_code == 404
    assert put_part(vendor, upload, data, 2).status_code == 404
    assert s3_upload not in open_multipart_uploads(app, key)


def stored_as(app: Any, upload_id: str) -> tuple[str, str]:
    """The object key and the object store's upload id of an upload."""
    from app.extensions import db
    from app.models import ResumableUpload

    with app.app_context():
        upload = db.session.get(ResumableUpload, upload_id)
        assert upload is not None
        return upload.object_key, upload.s3_upload_id


def corpus_count(app: Any) -> int:
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Corpus

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Corpus)) or 0


def object_exists(app: Any, key: str) -> bool:
    from app.storage import object_store

    with app.app_context():
        store = object_store()
        return any(store.client.list_objects(store.bucket, prefix=key))


def open_multipart_uploads(app: Any, key: str) -> list[str]:
    from app.storage import object_store

    with app.app_context():
        store = object_store()
        page = store.client._list_multipart_uploads(store.bucket, prefix=key)
        return [u.upload_id for u in page.uploads if u.upload_id]


def test_a_binary_file_is_refused_with_its_first_part(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    data = b"MZ\x90\x00" + b"\x00" * 6 * 1024 * 1024
    upload = start(vendor, data, "setup.txt").json
    refused = put_part(vendor, upload, data, 1)
    assert refused.status_code == 422 and "二进制" in refused.json["error"]["message"]
    assert received(vendor, upload["id"]) == []


def test_a_damaged_zip_is_refused_on_completion_and_forgotten(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    data = b"PK\x03\x04" + b"\x01" * 2000
    upload = start(vendor, data, "批量公文.zip").json
    assert put_part(vendor, upload, data, 1).status_code == 200
    key, _s3_upload = stored_as(app, upload["id"])
    refused = vendor.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert refused.status_code == 422 and "ZIP" in refused.json["error"]["message"]
    assert vendor.get(f"/api/v1/uploads/{upload['id']}").status_code == 404
    assert corpus_count(app) == 0 and not object_exists(app, key)


def test_a_declared_sha256_is_checked(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    data = "第一段。\n\n第二段。\n".encode()
    wrong = start(vendor, data, "政策.txt", sha256=hashlib.sha256(b"other").hexdigest()).json
    assert put_part(vendor, wrong, data, 1).status_code == 200
    refused = vendor.post(f"/api/v1/uploads/{wrong['id']}/complete")
    assert refused.status_code == 422 and refused.json["error"]["code"] == "sha256_mismatch"
    right = start(vendor, data, "政策.txt", sha256=hashlib.sha256(data).hexdigest()).json
    assert put_part(vendor, right, data, 1).status_code == 200
    assert vendor.post(f"/api/v1/uploads/{right['id']}/complete").status_code == 201


def test_the_sweep_keeps_open_uploads_for_a_week(app: Any, world: World) -> None:
    from datetime import timedelta

    from app.storage import object_store
    from app.storage.sweep import sweep_storage

    vendor = world.vendor_api()
    data = jsonl()
    upload = start(vendor, data).json
    assert put_part(vendor, upload, data, 1).status_code == 200
    with app.app_context():
        counts = sweep_storage(object_store(), stale_upload=timedelta(0))
    assert counts["resumable_expired"] == 0
    assert received(vendor, upload["id"]) == [1]  # a day-old writer rule does not apply
    with app.app_context():
        counts = sweep_storage(object_store(), stale_resumable=timedelta(0))
    assert counts["resumable_expired"] == 1
    assert vendor.get(f"/api/v1/uploads/{upload['id']}").status_code == 404


def test_a_completion_already_under_way_is_a_conflict_not_a_loss(app: Any, world: World) -> None:
    from app.storage import multipart, object_store

    vendor = world.vendor_api()
    data = "第一段。\n\n第二段。\n".encode()
    upload = start(vendor, data, "政策.txt").json
    assert put_part(vendor, upload, data, 1).status_code == 200
    key, s3_upload = stored_as(app, upload["id"])
    with app.app_context():  # another request has joined the parts and not yet made the corpus
        store = object_store()
        multipart.complete(store, key, s3_upload, multipart.parts(store, key, s3_upload))
    busy = vendor.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert busy.status_code == 409 and busy.json["error"]["code"] == "completing"
    assert object_exists(app, key) and corpus_count(app) == 0  # nothing was deleted


def test_the_openapi_document_names_both_kinds_of_upload(app: Any) -> None:
    schemas = app.test_client().get("/api/v1/openapi.json").json["components"]["schemas"]
    assert "part_size" in schemas["ResumableUpload"]["properties"]
    assert "key" in schemas["Upload"]["properties"]  # the collection's picture upload


def test_a_table_with_bad_bytes_is_refused_on_completion_and_forgotten(
    app: Any, world: World
) -> None:
    vendor = world.vendor_api()
    rows = "".join(f"第{i}条：公共数据开放目录,{i}\n" for i in range(200_000))
    data = f"文本,编号\n{rows}".encode() + b"\x00\x00,0\n"  # NUL in part 2: not text
    upload = start(vendor, data, "目录.csv").json
    for number in range(1, upload["part_count"] + 1):
        assert put_part(vendor, upload, data, number).status_code == 200
    key, _s3_upload = stored_as(app, upload["id"])
    refused = vendor.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert refused.status_code == 422, refused.json
    assert "NUL" in refused.json["error"]["message"]
    assert vendor.get(f"/api/v1/uploads/{upload['id']}").status_code == 404
    assert corpus_count(app) == 0 and not object_exists(app, key)


def test_json_lines_with_bad_bytes_are_refused_by_line_and_nothing_is_imported(
    world: World,
) -> None:
    vendor = world.vendor_api()
    lines = jsonl().split(b"\n")
    lines[2999] = lines[2999][:40] + b"\xff" + lines[2999][40:]  # line 3,000, in part 3
    lines[3199] = lines[3199].replace("。".encode(), b"\x00", 1)  # line 3,200
    data = b"\n".join(lines)
    upload = start(vendor, data).json
    for number in range(1, upload["part_count"] + 1):
        assert put_part(vendor, upload, data, number).status_code == 200
    done = vendor.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert done.status_code == 201, done.json  # only the first records were read to preview
    corpus = vendor.get(f"/api/v1/corpora/{done.json['id']}").json
    assert (corpus["status"], corpus["item_count"]) == ("failed", 0), corpus
    errors = json.dumps(corpus, ensure_ascii=False)
    assert "3000" in errors and "3200" in errors and "UTF-8" in errors
