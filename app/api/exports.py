"""Export routes: queue an export of a project, read its progress."""

from __future__ import annotations

from typing import Any

from flask import jsonify
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
        "/projects/{project_id}/exports": {"post": {
            "summary": "Queue a JSON Lines export: each item, its final answer, every answer",
            "parameters": [path_id("project_id")],
            "responses": {"202": {"description": "Queued; poll /exports/{id}"}, **ERRORS}}},
        "/exports/{export_id}": {"get": {
            "summary": "Export progress; download_url (valid 10 minutes) once ready",
            "parameters": [path_id("export_id")],
            "responses": {"200": {"description": "The export"}, **ERRORS}}},
    }


@bp.post("/projects/<int:project_id>/exports")
@api_login_required
def create_export(project_id: int) -> ResponseReturnValue:
    """Queue an export of every item with its final and individual answers (JSON Lines)."""
    export = exports.request_export(current_user, project_id, enqueue_export)
    return jsonify(exports.export_json(export, object_store())), 202


@bp.get("/exports/<int:export_id>")
@api_login_required
def show_export(export_id: int) -> ResponseReturnValue:
    """Progress of an export, and its download URL once ready."""
    return jsonify(exports.export_json(exports.get_export(current_user, export_id),
                                       object_store()))
