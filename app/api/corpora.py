"""Corpus routes: upload, status, image items."""

from __future__ import annotations

import itertools
from typing import Any

from flask import Response, jsonify, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.api.blueprint import api_login_required, bp
from app.api.schema import ERRORS, INT_ID, json_content, path_id, ref
from app.corpora import media
from app.corpora import services as corpora
from app.corpora.services import corpus_json
from app.exceptions import Invalid, Unavailable
from app.jobs import enqueue_ingestion
from app.models import Corpus
from app.scoping import get_owned
from app.storage import StorageUnavailable, object_store

SCHEMAS: dict[str, Any] = {
    "Corpus": {
        "type": "object",
        "required": ["id", "name", "status", "item_count", "errors"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "status": {"type": "string", "enum": ["processing", "ready", "failed"]},
            "item_count": {"type": "integer"},
            "duplicate_count": {"type": "integer"},
            "progress": {"type": "number"},
            "size_bytes": {"type": "integer"},
            "format": {
                "type": "string",
                "description": "What the bytes were found to be: txt, jsonl, html, pdf, docx, "
                "ofd, docs, png, jpg, zip, or another tool's export with pre-annotations: "
                "lsjson, doccano, conll, coco, voc, yolo",
            },
            "format_title": {"type": "string"},
            "preannotations": {
                "type": ["object", "null"],
                "description": "For another tool's export: {format, items (items with a "
                "pre-annotation), kinds: {spans|boxes|labels: {count, labels}}}",
            },
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "line": {"type": "integer"},
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
            },
        },
    },
}


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    multipart = {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "name": {"type": "string"},
                },
            }
        }
    }
    return {
        "/corpora": {
            "post": {
                "summary": "Upload a corpus (.txt in UTF-8 or GBK/GB18030, .jsonl, "
                ".html, .docx, PDF, OFD, PNG, JPEG, or a .zip of "
                "documents or of images; identified by its bytes)",
                "description": "Other tools' exports become items with pre-annotations: "
                "Label Studio JSON, doccano JSONL, CoNLL/BIO, and a .zip of pictures with "
                "COCO JSON, Pascal VOC XML or YOLO labels (classes.txt or data.yaml). "
                "All or nothing; errors name the line, task or archive member.",
                "requestBody": {"required": True, "content": multipart},
                "responses": {"201": json_content(INT_ID, "Stored; ingestion queued"), **ERRORS},
            }
        },
        "/corpora/{corpus_id}": {
            "get": {
                "summary": "Corpus status and counts",
                "parameters": [path_id("corpus_id")],
                "responses": {"200": json_content(ref("Corpus")), **ERRORS},
            }
        },
        "/items/{item_id}/image": {
            "get": {
                "summary": "An image item's original, or its JPEG preview with ?size=preview",
                "parameters": [
                    path_id("item_id"),
                    {"name": "size", "in": "query", "schema": {"enum": ["preview"]}},
                ],
                "responses": {"200": {"description": "image/png or image/jpeg"}, **ERRORS},
            }
        },
    }


@bp.post("/corpora")
@api_login_required
def create_corpus() -> ResponseReturnValue:
    """Upload a corpus (multipart ``file`` and ``name``)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid(_("Choose a file to upload."), code="no_file")
    corpus = corpora.upload_corpus(
        current_user,
        request.form.get("name", ""),
        upload.filename,
        upload.stream,
        object_store(),
        enqueue_ingestion,
    )
    shown = {"format": corpus.file_format, "format_title": corpora.format_title(corpus.file_format)}
    return jsonify(id=corpus.id, status=corpus.status, **shown), 201


@bp.get("/corpora/<int:corpus_id>")
@api_login_required
def show_corpus(corpus_id: int) -> ResponseReturnValue:
    """Status and counts of one corpus."""
    return jsonify(corpus_json(get_owned(Corpus, corpus_id, current_user)))


@bp.get("/items/<int:item_id>/image")
@api_login_required
def item_image(item_id: int) -> ResponseReturnValue:
    """An image item's original (or ``?size=preview``), streamed from object storage."""
    key, content_type = media.image_of(current_user, item_id, request.args.get("size") == "preview")
    try:
        chunks = object_store().iter_chunks(key)
        first = next(chunks, b"")
    except StorageUnavailable:
        raise Unavailable(
            _(
                "Media unavailable: the object store does not answer. Your work "
                "is kept; try again in a moment."
            )
        ) from None
    body = itertools.chain([first], chunks)
    return Response(
        stream_with_context(body),
        mimetype=content_type,
        headers={"Cache-Control": "private, max-age=3600", "Content-Disposition": "inline"},
    )
