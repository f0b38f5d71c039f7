"""Export routes: queue an export of a project, read its progress."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, jsonify, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.api.blueprint import api_login_required, bp, field, json_object
from app.api.schema import ERRORS, path_id
from app.exports import services as exports
from app.exports.formats import DEFAULT, FORMATS
from app.jobs import enqueue_export
from app.storage import object_store

FORMAT_HELP = (
    'Optional body `{"format": name}`; without it the export is JSON Lines (`jsonl`). '
    "Formats by task type: every type: `jsonl` (each item, its final answer and every "
    "answer), `label_studio` (Label Studio JSON tasks: the final answer as the "
    "ground-truth annotation, each expert's answer under their name); classify: `csv` "
    "(formula-safe, UTF-8 with BOM), `xlsx`; ner: `conll` (CoNLL-2003 BIO, one character "
    "per line, a blank line between items), `doccano` (JSONL `text`, `label` "
    "[[start, end, label]], `item_id`), `spacy` (a ZIP of `.spacy` DocBin files, one "
    "token per character); bbox: `coco` (JSON), `voc` (a ZIP of Pascal VOC XML), `yolo` "
    "(a ZIP of label files, `classes.txt`, `data.yaml`); clean and collect: `text` (one "
    "item per paragraph), `csv`. Training formats (conll, doccano, spacy, coco, voc, yolo) "
    "hold the items with a final answer. A format that does not suit the project's type "
    "is refused with 422 `export_format`, whose message and `details` name the allowed "
    "ones. Experts appear by display name to the owning vendor, auditors and admins, "
    "otherwise as a stable pseudonym `专家-xxxxxxxx`."
)
NEW_EXPORT = {
    "type": "object",
    "properties": {
        "format": {"type": "string", "enum": list(FORMATS), "default": DEFAULT},
    },
}


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    return {
        "/projects/{project_id}/exports": {
            "post": {
                "summary": "Queue an export: each item, its final answer, every expert's answer",
                "description": FORMAT_HELP,
                "parameters": [path_id("project_id")],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": NEW_EXPORT}},
                },
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
                "summary": "The export's file, streamed through the app as an attachment",
                "parameters": [path_id("export_id")],
                "responses": {
                    "200": {
                        "description": "The file, in the content type of its format",
                        "content": {
                            t: {} for t in sorted({f.content_type for f in FORMATS.values()})
                        },
                    },
                    **ERRORS,
                },
            }
        },
    }


@bp.post("/projects/<int:project_id>/exports")
@api_login_required
def create_export(project_id: int) -> ResponseReturnValue:
    """Queue an export of every item with its final and individual answers."""
    body = json_object() if request.get_data(cache=True) else {}
    fmt = field(body, "format", str, DEFAULT)
    export = exports.request_export(current_user, project_id, enqueue_export, fmt)
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
    filename, content_type, chunks = exports.export_download(
        current_user, export_id, object_store()
    )
    return Response(
        stream_with_context(chunks),
        content_type=content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


def _link(export_id: int) -> str:
    """Absolute address of the download route on the host the client used."""
    return url_for("api.download_export", export_id=export_id, _external=True)
