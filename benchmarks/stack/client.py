"""The benchmarks' HTTP client: one keep-alive connection to gunicorn with a bearer token."""

from __future__ import annotations

import http.client
import json
import secrets
import time
from pathlib import Path
from typing import Any

HTTP_TIMEOUT = 120.0
SETUP_TIMEOUT = 1800.0  # upload, ingestion and project creation of a large corpus


class Client:
    """One keep-alive connection to gunicorn with a bearer token; reconnects when closed."""

    RETRYABLE = (
        http.client.RemoteDisconnected,
        http.client.CannotSendRequest,
        http.client.BadStatusLine,
        ConnectionResetError,
        BrokenPipeError,
        ConnectionRefusedError,
    )

    def __init__(self, port: int, token: str, timeout: float = HTTP_TIMEOUT) -> None:
        self.port, self.timeout = port, timeout
        self.headers = {"Authorization": f"Bearer {token}", "Accept-Language": "en"}
        self.conn: http.client.HTTPConnection | None = None
        self.reconnects = 0

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, float]:
        """(status, body, seconds of the successful attempt); at most 3 attempts."""
        headers = dict(self.headers)
        payload = b""
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if method != "GET":
            headers["Content-Length"] = str(len(payload))
        for attempt in range(3):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                started = time.perf_counter()
                self.conn.request(method, path, body=payload or None, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                elapsed = time.perf_counter() - started
                if response.will_close:
                    self.close()
                return response.status, data, elapsed
            except self.RETRYABLE:
                # gunicorn closed an idle keep-alive connection: claims are re-entrant (a live
                # lease comes back) and submits are idempotent (same client_uuid), so retry.
                self.close()
                self.reconnects += 1
                if attempt == 2:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    def upload(self, path: str, file_path: Path, name: str) -> tuple[int, bytes]:
        """Stream a multipart upload of ``file_path`` (never held in memory)."""
        boundary = "----wanbiaobench" + secrets.token_hex(8)
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n'
            f'{name}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{file_path.name}"\r\nContent-Type: application/x-ndjson\r\n\r\n'
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        length = len(head) + file_path.stat().st_size + len(tail)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=SETUP_TIMEOUT)
        try:
            conn.putrequest("POST", path)
            for key, value in self.headers.items():
                conn.putheader(key, value)
            conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
            conn.putheader("Content-Length", str(length))
            conn.endheaders()
            conn.send(head)
            with open(file_path, "rb") as stream:
                while chunk := stream.read(1 << 20):
                    conn.send(chunk)
            conn.send(tail)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()
