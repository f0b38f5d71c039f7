"""Limits on what a request may carry, checked before a view reads it.

- JSON bodies have their own small limit (``MAX_JSON_BYTES``): a declared length above it is a
  413 before anything is read, and a chunked body is read through a stream that stops there.
- JSON nested deeper than ``MAX_JSON_DEPTH`` is a 400, never a ``RecursionError``.
- ``<int:…>`` in a URL matches only ids a signed 64-bit column can hold, so a bigger id is a
  404 instead of an overflow inside the database driver. (Werkzeug answers 405 when such an
  id fails the converter of the one rule whose method matches while a rule for another method
  of the same path exists; that 405 becomes the 404 it is.)
- A multipart part without a name is a 400 (Werkzeug files it under the key ``None``, which
  breaks every reader of ``request.form``).
"""

from __future__ import annotations

import io
from typing import Any

from flask import Flask, Request, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, MethodNotAllowed, NotFound
from werkzeug.routing import IntegerConverter, Map, ValidationError

from app.exceptions import ServiceError, TooLarge

MAX_JSON_DEPTH = 100
MAX_DATABASE_ID = 2**63 - 1
_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS"})


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` bounded by the largest BIGINT: a larger id does not match (404)."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, MAX_DATABASE_ID if max is None else max, signed)

    def to_python(self, value: str) -> Any:
        if len(value) > len(str(MAX_DATABASE_ID)):  # int() of 5,000 digits is a ValueError
            raise ValidationError()
        return super().to_python(value)


class JsonTooDeep(ServiceError):
    status = 400
    code = "json_too_deep"


def _too_deep(value: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels (iterative, no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing documents nested deeper than :data:`MAX_JSON_DEPTH`."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        message = _l("The JSON body is nested more than %(n)d levels deep.", n=MAX_JSON_DEPTH)
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise JsonTooDeep(message) from None
        if _too_deep(value, MAX_JSON_DEPTH):
            raise JsonTooDeep(message)
        return value


class GuardedRequest(Request):
    """Flask's request, refusing multipart parts that have no name."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        if None in self.form or None in self.files:
            # Drop them first: the error handlers must be able to read the form too.
            for name in ("form", "files"):
                parsed = self.__dict__[name]
                self.__dict__[name] = type(parsed)(
                    (key, value) for key, value in parsed.items(multi=True) if key is not None
                )
            raise BadRequest()


def _is_json_body() -> bool:
    """JSON, or any body sent to the API other than a multipart upload or raw bytes (a part
    of a resumable upload, which streams them to storage)."""
    if request.is_json:
        return True
    return request.path.startswith("/api/") and request.mimetype not in (
        "multipart/form-data",
        "application/octet-stream",
    )


def _read_streamed_body(limit: int) -> bytes | None:
    """A chunked body of at most ``limit`` bytes, or None when it is longer.

    Werkzeug's own maximum quietly truncates a streamed body when it is read whole, so the
    body is read here, at most one byte past the limit."""
    request.max_content_length = limit + 1
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = request.stream.read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
    return None


def _limit_json_body() -> None:
    if request.method in _BODYLESS or not _is_json_body():
        return
    limit = current_app.config["MAX_JSON_BYTES"]
    too_large = TooLarge(
        _l("The JSON body is larger than %(n)d bytes.", n=limit), code="json_too_large"
    )
    if request.content_length is not None:
        if request.content_length > limit:
            raise too_large
        return
    body = _read_streamed_body(limit)
    if body is None:
        raise too_large
    request.__dict__["stream"] = io.BytesIO(body)  # what the view reads instead


def _oversized_id_is_not_found() -> None:
    if isinstance(request.routing_exception, MethodNotAllowed) and any(
        part.isascii() and part.isdigit() and int(part) > MAX_DATABASE_ID
        for part in request.path.split("/")
        if len(part) < 5000
    ):
        request.routing_exception = NotFound()


def init_app(app: Flask) -> None:
    """Install the request class, the JSON provider, the id converter and the size check.

    Runs before the blueprints are registered (their rules bind the converter) and before
    CSRF (whose check reads the form).
    """
    app.request_class = GuardedRequest
    app.json = BoundedJSONProvider(app)
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(_oversized_id_is_not_found)
    app.before_request(_limit_json_body)
