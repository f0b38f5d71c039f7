"""A resumable upload through gunicorn as ``make run`` starts it (sync workers), where a part's
body is read through gunicorn's own reader (app.request_body): parts sent three at a time
arrive byte for byte (the completion checks the declared SHA-256 of the joined file), a part
whose connection drops is not kept and is sent again alone, a part of someone else's upload
is a 404, and a part of the wrong size is refused before it is read."""

from __future__ import annotations

import hashlib
import http.client
import json
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from app.supervisor import web_command
from tests.app.builders import World
from tests.app.gunicorn_server import gunicorn_env, gunicorn_server
from tests.app.redis_server import free_port
from tests.conftest import S3, _dispose, make_app

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
SECRET_KEY = "resumable-gunicorn-test-secret-" + "s" * 32
BUCKET = "wanbiao-test"
PART = 5 * 1024 * 1024


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/api/v1/openapi.json")
        return connection.getresponse().status == 200
    except OSError:
        return False


@pytest.fixture
def served(tmp_path: Path, s3_server: S3) -> Iterator[tuple[Any, int]]:
    """(the test's app on the shared SQLite file, the port of gunicorn's sync workers)."""
    app = make_app(tmp_path, s3_server, SECRET_KEY=SECRET_KEY, S3_BUCKET=BUCKET)
    env = gunicorn_env(
        tmp_path,
        s3_server,
        SECRET_KEY,
        BUCKET,
        WANBIAO_HUEY_URL=f"sqlite:///{tmp_path / 'huey.db'}",  # no consumer: queued only
        WANBIAO_UPLOAD_PART_BYTES=str(PART),
        WANBIAO_WEB_WORKERS="3",
    )
    port = free_port()
    try:  # gunicorn as make run starts it
        with gunicorn_server(
            web_command(str(port)), env, tmp_path / "gunicorn.log", lambda: _answers(port)
        ):
            yield app, port
    finally:
        _dispose(app)


def call(port: int, token: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "zh-CN"}
    if isinstance(body, dict):
        body, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    elif body is not None:
        headers["Content-Type"] = "application/octet-stream"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else None
    finally:
        connection.close()


def cut_part(port: int, token: str, path: str, head: bytes) -> None:
    """Send the first bytes of a part, then drop the connection, as a lost network does."""
    with socket.create_connection(("127.0.0.1", port)) as connection:
        request = (
            f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {PART}\r\n\r\n"
        )
        connection.sendall(request.encode() + head)
        time.sleep(0.5)  # the worker is streaming the part to the store when it breaks


def test_parts_through_gunicorn_arrive_whole_and_a_dropped_one_is_sent_again(
    served: tuple[Any, int],
) -> None:
    app, port = served
    world = World(app)
    vendor, stranger = world.vendor_api().token, world.vendor_api().token
    data = b"".join(
        json.dumps(
            {"text": f"第{i}条：" + "公共数据开放目录。" * 40, "id": i}, ensure_ascii=False
        ).encode()
        + b"\n"
        for i in range(10_000)
    )
    digest = hashlib.sha256(data).hexdigest()
    status, upload = call(
        port,
        vendor,
        "POST",
        "/api/v1/uploads",
        {"filename": "目录.jsonl", "size": len(data), "sha256": digest},
    )
    assert status == 201 and upload["part_count"] >= 3, upload
    base = f"/api/v1/uploads/{upload['id']}"

    def part(number: int) -> bytes:
        return data[(number - 1) * PART : number * PART]

    cut_part(port, vendor, f"{base}/parts/2", part(2)[: 1024 * 1024])
    # Refusals come before the body is read (small bodies: a sync worker then closes the
    # connection, which a client still sending megabytes sees as a reset).
    assert call(port, stranger, "PUT", f"{base}/parts/1", b"{}")[0] == 404
    status, refused = call(port, vendor, "PUT", f"{base}/parts/1", part(1)[:1000])
    assert status == 422 and refused["error"]["code"] == "bad_part_size"
    others = [n for n in range(1, upload["part_count"] + 1) if n != 2]
    with ThreadPoolExecutor(3) as pool:  # three in flight, as the browser sends them
        sent = list(
            pool.map(lambda n: call(port, vendor, "PUT", f"{base}/parts/{n}", part(n)), others)
        )
    assert [status for status, _ in sent] == [200] * len(others)
    status, shown = call(port, vendor, "GET", base)
    assert [p["number"] for p in shown["parts"]] == others  # part 2 was not kept
    status, early = call(port, vendor, "POST", f"{base}/complete")
    assert status == 422 and early["error"]["details"] == [2]
    assert call(port, vendor, "PUT", f"{base}/parts/2", part(2))[0] == 200
    status, corpus = call(port, vendor, "POST", f"{base}/complete")
    assert status == 201, corpus  # the joined file has the declared SHA-256
    assert corpus["size_bytes"] == len(data)
