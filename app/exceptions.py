"""Errors a service raises; views turn them into pages or JSON with the same status."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refused request. ``message`` is already translated (or a lazy string)."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: Any, *, code: str | None = None, details: list[Any] | None = None
    ) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.details = details or []
        self.headers: list[tuple[str, str]] = []


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class Invalid(ServiceError):
    status = 422
    code = "invalid"


class TooLarge(ServiceError):
    status = 413
    code = "too_large"


class RateLimited(ServiceError):
    status = 429
    code = "rate_limited"

    def __init__(
        self, message: Any, *, code: str | None = None, retry_after: int | None = None
    ) -> None:
        super().__init__(message, code=code)
        if retry_after is not None:  # RFC 9110 §10.2.3: seconds to wait
            self.headers.append(("Retry-After", str(retry_after)))


class Unavailable(ServiceError):
    status = 503
    code = "unavailable"
