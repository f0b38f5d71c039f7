"""Export routes: queue an export of a project, read its progress."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, jsonify, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.api.blueprint import api_login_required, bp
from app.api.schema import ERRORS, path_id
from app.exports import services as exports
from app.jobs import enqueue_export
from app.storage import object_store


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    return {
        "/projects/{project_id}/exports": {
            "post": {
                "summary": "Queue a JSON Lines export: each item, its final answer, every answer",
                "parameters": [path_id("project_id")],
                "responses": {"202": {"description": "Queued; poll /exports/{id}"}, **ERRORS},
            }
        },
        "/exports/{export_id}": {
            "get": {
                "summary": "Export progress; download_url (this app's download route) once ready",
                "parameters": [path_id("export_id")],
                "responses": {"200": {"description": "The export"}, **ERRORS},
            }
        },
        "/exports/{export_id}/download": {
            "get": {
                "summary": "The export's JSON Lines, streamed through the app as an attachment",
                "parameters": [path_id("export_id")],
                "responses": {
                    "200": {"description": "The file", "content": {"application/x-ndjson": {}}},
                    **ERRORS,
                },
            }
        },
    }


@bp.post("/projects/<int:project_id>/exports")
@api_login_required
def create_export(project_id: int) -> ResponseReturnValue:
    """Queue an export of every item with its final and individual answers (JSON Lines)."""
    export = exports.request_export(current_user, project_id, enqueue_export)
    return jsonify(exports.export_json(export, _link)), 202


@bp.get("/exports/<int:export_id>")
@api_login_required
def show_export(export_id: int) -> ResponseReturnValue:
    """Progress of an export, and its download URL once ready."""
    return jsonify(exports.export_json(exports.get_export(current_user, export_id), _link))


@bp.get("/exports/<int:export_id>/download")
@api_login_required
def download_export(export_id: int) -> ResponseReturnValue:
    """The export file, streamed from object storage after the authorization check."""
    filename, chunks = exports.export_download(current_user, export_id, object_store())
    return Response(
        stream_with_context(chunks),
        mimetype="application/x-ndjson",
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def _link(export_id: int) -> str:
    """Absolute address of the download route on the host the client used."""
    return url_for("api.download_export", export_id=export_id, _external=True)
