"""Error pages and JSON errors: ``{"error": {"code", "message"}}`` under /api/."""

from __future__ import annotations

import redis
from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.exceptions import ServiceError

_HTTP_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please log in (or send a valid API token)."),
    403: _l("You may not do this."),
    404: _l("Not found."),
    405: _l("This method is not allowed here."),
    409: _l("This conflicts with the current state."),
    413: _l("The upload is larger than the limit."),
    422: _l("The input is not valid."),
    429: _l("Too many requests. Please wait a minute."),
    500: _l("Something went wrong on our side."),
    503: _l("A service is temporarily unavailable. Please try again."),
}


def http_message(status: int) -> str:
    """The translated sentence for an HTTP status."""
    return str(_HTTP_MESSAGES.get(status, _l("The request could not be completed.")))


def wants_json() -> bool:
    """API paths always answer JSON."""
    return request.path.startswith("/api/")


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[object] | None = None,
    headers: list[tuple[str, str]] | None = None,
) -> ResponseReturnValue:
    """The error as JSON for the API, as a page for the browser."""
    if wants_json():
        body: dict[str, object] = {"code": code, "message": message}
        if details:
            body["details"] = details
        return jsonify(error=body), status, headers or []
    return render_template("error.html", status=status, message=message), status, headers or []


def _service_error(exc: ServiceError) -> ResponseReturnValue:
    return error_response(exc.status, exc.code, str(exc.message), exc.details, exc.headers)


def _csrf_error(exc: CSRFError) -> ResponseReturnValue:
    return error_response(
        400,
        "csrf",
        _("The form expired or was not sent from this site. Reload the page and try again."),
    )


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    code = (exc.name or "error").lower().replace(" ", "_")
    # Keep what the exception says about the request, such as a 405's ``Allow``.
    headers = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    return error_response(status, code, http_message(status), headers=headers)


def _redis_error(exc: redis.RedisError) -> ResponseReturnValue:
    # Only reached when code outside the limit store and the job queue's enqueue (which
    # handle Redis being down themselves) talks to Redis: still a clean 503, never a 500.
    return error_response(
        503,
        "redis_unavailable",
        _("A service the platform needs (Redis) cannot be reached. Please try again shortly."),
    )


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(redis.RedisError, _redis_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
