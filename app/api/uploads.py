"""Resumable uploads of corpus files: start, send parts, ask which arrived, complete, abort."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.api.blueprint import api_login_required, bp, json_object
from app.api.schema import ERRORS, json_content, ref
from app.corpora import resumable
from app.corpora.corpus_json import corpus_json
from app.jobs import enqueue_ingestion
from app.request_body import body_stream
from app.storage import object_store

SCHEMAS: dict[str, Any] = {
    "ResumableUpload": {
        "type": "object",
        "required": ["id", "size", "part_size", "part_count", "parts"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "filename": {"type": "string"},
            "size": {"type": "integer"},
            "part_size": {"type": "integer"},
            "part_count": {"type": "integer"},
            "parts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"number": {"type": "integer"}, "size": {"type": "integer"}},
                },
            },
            "corpus_id": {"type": ["integer", "null"]},
        },
    },
}
UPLOAD_ID = {"name": "upload_id", "in": "path", "required": True, "schema": {"type": "string"}}
PART = {"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}}
START = {
    "type": "object",
    "required": ["filename", "size"],
    "properties": {
        "filename": {"type": "string"},
        "size": {"type": "integer", "minimum": 1},
        "name": {"type": "string", "description": "Corpus name (default: the file's name)"},
        "sha256": {
            "type": "string",
            "description": "Optional: checked against the joined file on completion "
            "(which then reads it once more)",
        },
    },
}


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    upload = {"200": json_content(ref("ResumableUpload")), **ERRORS}
    return {
        "/uploads": {
            "post": {
                "summary": "Start a resumable upload of a corpus file (at most "
                "UPLOAD_MAX_BYTES, 5 GB by default); the answer says how to cut it into parts",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": START}},
                },
                "responses": {"201": json_content(ref("ResumableUpload"), "Started"), **ERRORS},
            }
        },
        "/uploads/{upload_id}": {
            "get": {
                "summary": "The upload, with the parts the server holds (send the others)",
                "parameters": [UPLOAD_ID],
                "responses": upload,
            },
            "delete": {
                "summary": "Abort an unfinished upload and drop its parts",
                "parameters": [UPLOAD_ID],
                "responses": {"204": {"description": "Aborted"}, **ERRORS},
            },
        },
        "/uploads/{upload_id}/parts/{number}": {
            "put": {
                "summary": "Send part `number` (1 … part_count) as the raw body: exactly "
                "part_size bytes, the last part the rest; sending a part again replaces it",
                "parameters": [UPLOAD_ID, PART],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/octet-stream": {
                            "schema": {"type": "string", "format": "binary"}
                        }
                    },
                },
                "responses": {
                    "200": json_content(
                        {"type": "object", "properties": {"number": {}, "size": {}}}, "Stored"
                    ),
                    **ERRORS,
                },
            }
        },
        "/uploads/{upload_id}/complete": {
            "post": {
                "summary": "Join the parts (all must have arrived), identify the format by "
                "its bytes and queue the corpus ingestion; repeating it answers the same corpus",
                "parameters": [UPLOAD_ID],
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "wait_for_mapping": {
                                        "type": "boolean",
                                        "description": "A table (CSV, TSV, .xlsx, JSON) waits "
                                        "in status mapping for POST /corpora/{id}/mapping; "
                                        "without it, a table with a text column named text, "
                                        "content, 文本 … is ingested at once",
                                    },
                                    "text_mode": {
                                        "type": "string",
                                        "enum": ["paragraph", "line"],
                                        "description": "Plain text: one item per paragraph "
                                        "(the default) or per line",
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {"201": json_content(ref("Corpus"), "Corpus created"), **ERRORS},
            }
        },
    }


@bp.post("/uploads")
@api_login_required
def start_upload() -> ResponseReturnValue:
    """Begin a resumable upload."""
    body = json_object()
    name, filename = body.get("name", ""), body.get("filename", "")
    upload = resumable.start_upload(
        current_user,
        name if isinstance(name, str) else "",
        filename if isinstance(filename, str) else "",
        body.get("size"),
        body.get("sha256"),
        object_store(),
    )
    return jsonify(resumable.upload_status(upload, object_store())), 201


@bp.get("/uploads/<upload_id>")
@api_login_required
def show_upload(upload_id: str) -> ResponseReturnValue:
    """The upload and the parts the server holds."""
    upload = resumable.owned_upload(current_user, upload_id)
    return jsonify(resumable.upload_status(upload, object_store()))


@bp.put("/uploads/<upload_id>/parts/<int:number>")
@api_login_required
def put_upload_part(upload_id: str, number: int) -> ResponseReturnValue:
    """Store one part, streamed from the request body."""
    size = resumable.receive_part(
        current_user,
        upload_id,
        number,
        request.content_length,
        body_stream(request),
        object_store(),
    )
    return jsonify(number=number, size=size)


@bp.post("/uploads/<upload_id>/complete")
@api_login_required
def complete_upload(upload_id: str) -> ResponseReturnValue:
    """Join the parts and queue the ingestion (a table may wait for its mapping step)."""
    body = request.get_json(silent=True)
    options = body if isinstance(body, dict) else {}
    corpus = resumable.complete_upload(
        current_user,
        upload_id,
        object_store(),
        enqueue_ingestion,
        wait_for_mapping=options.get("wait_for_mapping") is True,
        text_mode=options.get("text_mode", ""),
    )
    return jsonify(corpus_json(corpus)), 201


@bp.delete("/uploads/<upload_id>")
@api_login_required
def abort_upload(upload_id: str) -> ResponseReturnValue:
    """Abort an unfinished upload."""
    resumable.abort_upload(current_user, upload_id, object_store())
    return "", 204
