"""The request body of a streamed upload as gunicorn hands it over: read from its socket,
never past its declared length, short when the client's connection broke, Werkzeug's limits
first; a body something already read from goes on through Werkzeug's stream."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
from flask import request
from gunicorn.http.body import Body, LengthReader
from gunicorn.http.unreader import SocketUnreader
from werkzeug.exceptions import RequestEntityTooLarge

from app.request_body import body_stream

MIB = 1024 * 1024
NEXT_REQUEST = b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n"


@contextmanager
def gunicorn_request(app: Any, sent: bytes, declared: int, with_headers: int = 0) -> Iterator[Body]:
    """A PUT whose WSGI input is gunicorn's body over a real socket: the client sends
    ``sent`` and closes, the request declares ``declared`` bytes. The first ``with_headers``
    bytes are already in gunicorn's buffer, as bytes read with the headers are."""
    ours, client = socket.socketpair()
    unreader = SocketUnreader(ours)
    unreader.unread(sent[:with_headers])
    sent = sent[with_headers:]

    def send() -> None:
        with client, suppress(OSError):  # a refused body is never read: the pipe breaks
            client.sendall(sent)

    sender = threading.Thread(target=send)
    sender.start()
    body = Body(LengthReader(unreader, declared))
    environ = {"wsgi.input": body, "CONTENT_LENGTH": str(declared)}
    try:
        with app.test_request_context(
            "/api/v1/uploads/x/parts/1",
            method="PUT",
            content_type="application/octet-stream",
            environ_overrides=environ,
        ):
            yield body
    finally:
        ours.close()
        sender.join()


def read_all(stream: Any, size: int = MIB) -> list[bytes]:
    pieces = []
    while piece := stream.read(size):
        pieces.append(piece)
    return pieces


def test_a_gunicorn_body_is_read_from_its_socket_and_never_past_its_length(app: Any) -> None:
    part = os.urandom(3 * MIB + 12345)
    # Keep-alive: the next request's bytes follow the body on the same connection.
    with gunicorn_request(app, part + NEXT_REQUEST, len(part), with_headers=6000) as body:
        stream = body_stream(request)
        assert stream is not request.stream  # gunicorn's 1 KiB steps are skipped
        pieces = read_all(stream)
        assert max(len(p) for p in pieces) <= MIB
        assert b"".join(pieces) == part and stream.read(MIB) == b""
        assert body.read(MIB) == b""  # gunicorn agrees that the body is over
        assert body.reader.unreader.read().startswith(NEXT_REQUEST)  # left for gunicorn


def test_a_body_cut_short_by_the_client_ends_early(app: Any) -> None:
    sent = os.urandom(MIB + 7)
    with gunicorn_request(app, sent, 5 * MIB):  # the connection broke after 1 MiB
        assert b"".join(read_all(body_stream(request), 256 * 1024)) == sent


def test_a_body_already_begun_goes_on_through_werkzeug(app: Any) -> None:
    part = os.urandom(2 * MIB)
    with gunicorn_request(app, part, len(part)):
        head = request.stream.read(100)  # e.g. a guard looked at it first
        stream = body_stream(request)
        assert stream is request.stream
        assert head + b"".join(read_all(stream)) == part


def test_a_body_over_the_request_limit_is_refused_before_it_is_read(app: Any) -> None:
    app.config["MAX_CONTENT_LENGTH"] = MIB
    part = os.urandom(MIB + 1)
    with gunicorn_request(app, part, len(part)) as body:
        with pytest.raises(RequestEntityTooLarge):
            body_stream(request)
        assert body.reader.length == len(part)  # not a byte was read


def test_the_test_client_body_is_werkzeugs_stream(app: Any) -> None:
    with app.test_request_context("/", method="PUT", data=b"abc"):
        stream = body_stream(request)
        assert stream is request.stream and stream.read(10) == b"abc"
