"""A request body read in large pieces, for views that stream it on (the parts of resumable
uploads).

Under gunicorn the WSGI input is its ``Body``, whose ``read(n)`` gathers ``n`` bytes 1 KiB at
a time and copies its buffers at every step: reading an 8 MiB part through it (and Werkzeug's
stream around it) took 28 ms of CPU, 40 % of what a gunicorn worker spent on the part and
more than sending it on to the object store (py-spy during ``benchmarks/ingest.py``). Even
the length reader beneath it copies each 8 KiB socket read twice (8 ms per 8 MiB). When the
body is gunicorn's, declares its length and nothing has been read from it yet,
:func:`body_stream` hands out the bytes gunicorn already holds, then reads the socket itself,
one ``recv`` per read (1 ms per 8 MiB), and keeps gunicorn's count of what is left, so
gunicorn finds the connection where it expects it. Otherwise (the test client, another
server, a body a guard began) it is Werkzeug's stream. Either way Werkzeug's checks run first
(``MAX_CONTENT_LENGTH`` is a 413 before anything is read) and nothing past the declared
length is read.
"""

from __future__ import annotations

import os
from typing import IO, Any, cast

from flask import Request
from gunicorn.http.body import Body, LengthReader  # type: ignore[import-untyped]
from gunicorn.http.unreader import SocketUnreader  # type: ignore[import-untyped]


class _SocketBody:
    """``read(size)``: at most ``size`` bytes of the body, ``b""`` at its end or when the
    client's connection closed before it; fewer when fewer have arrived."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader  # gunicorn's LengthReader: ``length`` is what is left

    def read(self, size: int = -1, /) -> bytes:
        left = self.reader.length
        size = left if size < 0 else min(size, left)
        if size <= 0:
            return b""
        # Bytes gunicorn read with the headers and has not handed out go first, through its
        # own reader, which keeps its count and holds back what it does not hand out.
        buffered = self.reader.unreader.buf.seek(0, os.SEEK_END)
        if buffered:
            return cast(bytes, self.reader.read(min(size, buffered)))
        data = cast(bytes, self.reader.unreader.sock.recv(size))
        self.reader.length -= len(data)
        return data


def body_stream(request: Request) -> IO[bytes]:
    """The request's body as a stream of ``read(size)`` calls (see the module's docstring)."""
    stream = request.stream  # Werkzeug's limits are checked here, before any byte is read
    raw = request.environ.get("wsgi.input")
    if (
        isinstance(raw, Body)
        and isinstance(raw.reader, LengthReader)
        and isinstance(raw.reader.unreader, SocketUnreader)
        and raw.buf.tell() == 0
        and request.content_length is not None
        and raw.reader.length == request.content_length  # nothing read from it yet
    ):
        return cast(IO[bytes], _SocketBody(raw.reader))
    return stream
