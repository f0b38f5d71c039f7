"""Audit-trail routes (admins and auditors): filtered pages as JSON, or the whole filtered
trail as streamed CSV."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app import audit
from app.api.blueprint import api_login_required, bp
from app.api.schema import ERRORS, json_content
from app.csv_export import csv_lines
from app.database import as_utc
from app.exceptions import Forbidden
from app.models import Role

PER_PAGE = 50


def _filters() -> list[dict[str, Any]]:
    return [
        {"name": "action", "in": "query", "schema": {"enum": list(audit.AUDIT_ACTIONS)}},
        {"name": "actor", "in": "query", "schema": {"type": "string", "format": "email"}},
        {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
        {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
    ]


def openapi_paths() -> dict[str, Any]:
    """This module's part of the OpenAPI document."""
    event = {
        "type": "object",
        "properties": {
            name: {"type": kind}
            for name, kind in (
                ("id", "integer"),
                ("time", "string"),
                ("actor", "string"),
                ("action", "string"),
                ("object_type", "string"),
                ("object_id", "integer"),
                ("ip", "string"),
                ("detail", "object"),
            )
        },
    }
    page = {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}
    return {
        "/audit": {
            "get": {
                "summary": "The audit trail, newest first, 50 a page (admins, auditors); "
                "dates are Beijing dates, both ends included",
                "parameters": [*_filters(), page],
                "responses": {
                    "200": json_content(
                        {
                            "type": "object",
                            "properties": {
                                "events": {"type": "array", "items": event},
                                "page": {"type": "integer"},
                                "has_next": {"type": "boolean"},
                            },
                        }
                    ),
                    **ERRORS,
                },
            }
        },
        "/audit.csv": {
            "get": {
                "summary": "The filtered audit trail as CSV (streamed, formula-safe)",
                "parameters": _filters(),
                "responses": {"200": {"description": "text/csv"}, **ERRORS},
            }
        },
    }


def _check_reader() -> None:
    if current_user.role not in (Role.ADMIN, Role.AUDITOR):
        raise Forbidden(_("Only administrators and auditors read the audit log."))


@bp.get("/audit")
@api_login_required
def audit_events() -> ResponseReturnValue:
    """One page of the filtered audit trail."""
    _check_reader()
    chosen = audit.parse_audit_filter(request.args)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    pagination = audit.events_page(chosen, page, PER_PAGE)
    events = [
        {
            "id": e.id,
            "time": as_utc(e.created_at).isoformat(),
            "actor": e.actor_email,
            "action": e.action,
            "object_type": e.object_type,
            "object_id": e.object_id,
            "ip": e.ip,
            "detail": e.detail,
        }
        for e in pagination.items
    ]
    return jsonify(events=events, page=page, has_next=pagination.has_next)


@bp.get("/audit.csv")
@api_login_required
def audit_csv() -> ResponseReturnValue:
    """The filtered audit trail as streamed CSV."""
    _check_reader()
    chosen = audit.parse_audit_filter(request.args)
    return Response(
        stream_with_context(csv_lines(audit.event_csv_rows(chosen))),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=audit-log.csv"},
    )
