"""Corpus routes: upload (with a table's mapping), the mapping step, status, image items."""

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
from app.corpora.browse import same_file_corpora
from app.corpora.corpus_json import corpus_json, format_title
from app.corpora.tables.setup import mapping_from_form
from app.exceptions import Invalid, Unavailable
from app.jobs import enqueue_ingestion
from app.models import Corpus
from app.scoping import get_owned
from app.storage import StorageUnavailable, object_store

_COLUMN = {"type": ["string", "null"], "maxLength": 200}
SCHEMAS: dict[str, Any] = {
    "TableMapping": {
        "type": "object",
        "description": "Which column (CSV, TSV, .xlsx: a header cell) or field (JSON: a "
        "dotted path such as source.url) is the item text, which is the vendor's own id "
        "(exported back as source_id), and which are kept as item metadata (meta: a list, "
        "or null for every other column). sheet: an .xlsx sheet by name (null: the first). "
        "Without a mapping, the text is the column called text, content, 文本, 内容 or 正文 "
        "and the id the one called id, 编号, uid or 序号. label (optional): the column or "
        "field holding each row's class label(s), stored as a classification "
        "pre-annotation like Label Studio choices (an empty cell: none); "
        "label_separator splits a cell into several labels (e.g. | or ;), and a JSON "
        "list holds several labels.",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {
            "text": {"type": "string", "maxLength": 200},
            "id": _COLUMN,
            "meta": {"type": ["array", "null"], "items": {"type": "string", "maxLength": 200}},
            "sheet": _COLUMN,
            "label": _COLUMN,
            "label_separator": {"type": ["string", "null"], "maxLength": 10},
        },
        "example": {
            "text": "内容",
            "id": "编号",
            "meta": ["作者", "source.url"],
            "sheet": None,
            "label": "标签",
            "label_separator": "|",
        },
    },
    "Corpus": {
        "type": "object",
        "required": ["id", "name", "status", "item_count", "errors"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "status": {"type": "string", "enum": ["mapping", "processing", "ready", "failed"]},
            "file_format": {"type": "string"},
            "mapping": {
                "type": ["object", "null"],
                "description": "Tables only: each sheet's columns and first rows (sheets), "
                "the mapping chosen, the one proposed while the status is mapping, and the "
                "kept fields' names (meta_columns)",
            },
            "text_mode": {
                "type": ["string", "null"],
                "enum": ["paragraph", "line", None],
                "description": "Plain text only: one item per paragraph or per line",
            },
            "item_count": {"type": "integer"},
            "duplicate_count": {"type": "integer"},
            "progress": {"type": "number"},
            "size_bytes": {"type": "integer"},
            "same_file_as": {
                "type": "array",
                "items": {"type": "integer"},
                "description": "Earlier corpora of the organization uploaded from the same "
                "bytes (same SHA-256): a warning, the upload is kept",
            },
            "format": {
                "type": "string",
                "description": "What the bytes were found to be: txt, jsonl, html, pdf, docx, "
                "ofd, docs, png, jpg, zip, a table (csv, tsv, xlsx, json), or another tool's "
                "export with pre-annotations: lsjson, doccano, conll, coco, voc, yolo",
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
                        "field": {"type": "string"},
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
                    "mapping": {
                        "type": "string",
                        "description": "Tables and JSON: a TableMapping as JSON text",
                    },
                    "wait_for_mapping": {
                        "type": "string",
                        "enum": ["1", "true"],
                        "description": "Tables: store the file and wait (status mapping) "
                        "for POST /corpora/{corpus_id}/mapping instead of ingesting at once",
                    },
                    "text_mode": {
                        "type": "string",
                        "enum": ["paragraph", "line"],
                        "description": "Plain text: one item per paragraph (lines separated "
                        "by blank lines, the default) or per line",
                    },
                },
            }
        }
    }
    return {
        "/corpora": {
            "post": {
                "summary": "Upload a corpus (.txt in UTF-8 or GBK/GB18030, CSV or TSV in "
                "UTF-8 or GBK/GB18030, .xlsx, a JSON array or JSON Lines with a mapping, "
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
        "/corpora/{corpus_id}/mapping": {
            "post": {
                "summary": "Choose the mapping of a table waiting in status mapping; "
                "ingestion starts",
                "parameters": [path_id("corpus_id")],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("TableMapping")}},
                },
                "responses": {"200": json_content(ref("Corpus")), **ERRORS},
            }
        },
        "/corpora/{corpus_id}": {
            "get": {
                "summary": "Corpus status and counts",
                "parameters": [path_id("corpus_id")],
                "responses": {"200": json_content(ref("Corpus")), **ERRORS},
            },
            "delete": {
                "summary": "Delete a corpus no project uses (its files are swept)",
                "parameters": [path_id("corpus_id")],
                "responses": {"204": {"description": "Deleted"}, **ERRORS},
            },
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
        mapping=mapping_from_form(request.form.get("mapping")),
        wait_for_mapping=request.form.get("wait_for_mapping", "") in ("1", "true"),
        text_mode=request.form.get("text_mode", ""),
    )
    same = [c.id for c in same_file_corpora(corpus)]
    shown = {"format": corpus.file_format, "format_title": format_title(corpus.file_format)}
    return jsonify(id=corpus.id, status=corpus.status, same_file_as=same, **shown), 201


@bp.post("/corpora/<int:corpus_id>/mapping")
@api_login_required
def choose_corpus_mapping(corpus_id: int) -> ResponseReturnValue:
    """Choose a waiting table's mapping (JSON body); its ingestion is queued."""
    corpus = corpora.choose_mapping(
        current_user, corpus_id, request.get_json(silent=True), enqueue_ingestion
    )
    return jsonify(corpus_json(corpus))


@bp.get("/corpora/<int:corpus_id>")
@api_login_required
def show_corpus(corpus_id: int) -> ResponseReturnValue:
    """Status and counts of one corpus."""
    corpus = get_owned(Corpus, corpus_id, current_user)
    same = [c.id for c in same_file_corpora(corpus)]
    return jsonify({**corpus_json(corpus), "same_file_as": same})


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
