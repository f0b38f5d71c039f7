"""A request body read in large pieces, for views that stream it on (the parts of resumable
uploads).

Under gunicorn the WSGI input is its ``Body``, whose ``read(n)`` gathers ``n`` bytes 1 KiB at
a time and copies its buffers at every step: reading an 8 MiB part through it (and Werkzeug's
stream around it) took 28 ms of CPU, a third of what a gunicorn worker spent on the part and
more than sending it on to the object store (measured with py-spy during
``benchmarks/ingest.py``). The length reader beneath it answers a 1 MiB read in one pass of
socket reads (8 ms per 8 MiB). :func:`body_stream` reads through that reader when the body is
gunicorn's, has a declared length and nothing has been read from it yet; otherwise (the test
client, another server, a body a guard already read) it is Werkzeug's stream. Either way
Werkzeug's checks run first (``MAX_CONTENT_LENGTH`` is a 413 before anything is read) and
nothing past the declared length is read.
"""

from __future__ import annotations

from typing import IO, Any, cast

from flask import Request
from gunicorn.http.body import Body, LengthReader  # type: ignore[import-untyped]


class _LengthBody:
    """``read(size)`` of gunicorn's length reader: at most ``size`` bytes, ``b""`` at the end
    of the body or when the client's connection closed before it."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader

    def read(self, size: int = -1, /) -> bytes:
        if size < 0:
            size = self.reader.length
        return cast(bytes, self.reader.read(size))


def body_stream(request: Request) -> IO[bytes]:
    """The request's body as a stream of ``read(size)`` calls (see the module's docstring)."""
    stream = request.stream  # Werkzeug's limits are checked here, before any byte is read
    raw = request.environ.get("wsgi.input")
    if (
        isinstance(raw, Body)
        and isinstance(raw.reader, LengthReader)
        and raw.buf.tell() == 0
        and request.content_length is not None
        and raw.reader.length == request.content_length  # nothing read from it yet
    ):
        return cast(IO[bytes], _LengthBody(raw.reader))
    return stream
