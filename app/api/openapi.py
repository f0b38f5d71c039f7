"""The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

from app.api.blueprint import bp
from app.services.quality_items import SORTS as ITEM_SORTS


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ERRORS = {str(code): _json(_ref("Error"), text) for code, text in (
    (401, "No valid session or token"), (404, "Not found, or another organization's id"),
    (409, "Lease expired or task already answered"), (413, "Upload too large"),
    (422, "Invalid input"), (503, "Object storage unavailable"))}

_INT_ID = {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


_QUALITY_ITEM = {"type": "object", "properties": {
    "item_id": {"type": "integer"}, "answers": {"type": "integer"},
    "agreement": {"type": ["number", "null"]},
    "consensus": {"type": ["string", "null"],
                  "description": "Dawid–Skene label (classify) or a summary of the majority "
                                 "answer; null without a majority"},
    "posterior": {"type": ["number", "null"]}, "is_gold": {"type": "boolean"},
    "adjudicated": {"type": "boolean"}, "text_preview": {"type": ["string", "null"]}}}

SCHEMAS: dict[str, Any] = {
    "ExpertReliability": {"type": "object", "properties": {
        "project_id": {"type": "integer"}, "user_id": {"type": "integer"},
        "name": {"type": "string"}, "kind": {"type": ["string", "null"]},
        "answers": {"type": "integer"}, "gold_correct": {"type": "integer"},
        "gold_total": {"type": "integer"}, "gold_low": {"type": ["number", "null"]},
        "gold_high": {"type": ["number", "null"]}, "ds_accuracy": {"type": ["number", "null"]},
        "label_reliability": {"type": "array", "items": {"type": "object", "properties": {
            "label": {"type": "string"}, "reliability": {"type": ["number", "null"]}}}},
        "computed_at": {"type": ["string", "null"], "format": "date-time"}}},
    "QualityItems": {"type": "object", "properties": {
        "page": {"type": "integer"}, "per_page": {"type": "integer"},
        "total": {"type": "integer"}, "has_next": {"type": "boolean"},
        "sort": {"type": "string"}, "items": {"type": "array", "items": _QUALITY_ITEM}}},
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
    "Corpus": {"type": "object", "required": ["id", "name", "status", "item_count", "errors"],
               "properties": {
                   "id": {"type": "integer"}, "name": {"type": "string"},
                   "status": {"type": "string", "enum": ["processing", "ready", "failed"]},
                   "item_count": {"type": "integer"}, "duplicate_count": {"type": "integer"},
                   "progress": {"type": "number"}, "size_bytes": {"type": "integer"},
                   "errors": {"type": "array", "items": {"type": "object", "properties": {
                       "line": {"type": "integer"}, "code": {"type": "string"},
                       "message": {"type": "string"}}}}}},
    "NewProject": {"type": "object", "required": ["name", "corpus_id", "type", "overlap"],
                   "properties": {
                       "name": {"type": "string"}, "corpus_id": {"type": "integer"},
                       "type": {"type": "string",
                                "enum": ["classify", "ner", "clean", "bbox", "collect"]},
                       "multi": {"type": "boolean"}, "allow_overlap": {"type": "boolean"},
                       "domains": {"type": "array", "items": {"type": "string"}},
                       "gold_ratio": {"type": "number", "minimum": 0, "maximum": 0.5},
                       "gold_pass_mark": {"type": "number", "minimum": 0, "maximum": 1},
                       "gold_feedback": {"type": "boolean"},
                       "qualification_size": {"type": "integer", "minimum": 1, "maximum": 100},
                       "lease_seconds": {"type": "integer", "minimum": 60, "maximum": 86400},
                       "daily_cap": {"type": "integer", "minimum": 1},
                       "prompt": {"type": "string"},
                       "labels": {"type": "array", "items": {"type": "string"},
                                  "maxItems": 50},
                       "overlap": {"type": "integer", "minimum": 1, "maximum": 5},
                       "instructions": {"type": "string"}}},
    "Claim": {"type": "object", "required": ["task_id", "item", "lease_expires_at"],
              "properties": {
                  "task_id": {"type": "integer"},
                  "item": {"type": "object", "properties": {"id": {"type": "integer"},
                                                            "text": {"type": "string"}}},
                  "lease_expires_at": {"type": "string", "format": "date-time"}}},
    "Submission": {"type": "object", "required": ["result", "client_uuid"], "properties": {
        "result": {"type": "object", "description": "{label} | {labels} | {spans} | "
                   "{text, flags} | {boxes} | {text} or {object} (collect), by the project's type"},
        "client_uuid": {"type": "string", "format": "uuid"}}},
    "Upload": {"type": "object",
               "required": ["key", "sha256", "content_type", "width", "height"],
               "properties": {
                   "key": {"type": "string"}, "sha256": {"type": "string"},
                   "content_type": {"type": "string", "enum": ["image/png", "image/jpeg"]},
                   "width": {"type": "integer"}, "height": {"type": "integer"}}},
    "Quality": {"type": "object", "properties": {
        "items_total": {"type": "integer"}, "items_complete": {"type": "integer"},
        "annotations": {"type": "integer"},
        "krippendorff_alpha": {"type": ["number", "null"]},
        "computed_at": {"type": ["string", "null"], "format": "date-time"},
        "stale": {"type": "boolean"},
        "report": {"type": ["object", "null"], "description": (
            "The newest report: kind (classify, ner, clean, bbox), overall, per_label, "
            "experts (answers, agreement figures of the kind, gold_correct/gold_total with "
            "the Wilson interval gold_low..gold_high, and for classify ds_accuracy and "
            "ds_diagonal, P(answer = true label) per label), review, review_total, "
            "item_lines; the per-item lines page at /projects/{id}/quality/items")}}},
}


def _corpus_paths() -> dict[str, Any]:
    multipart = {"multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                 "properties": {"file": {"type": "string", "format": "binary"},
                                "name": {"type": "string"}}}}}
    return {
        "/corpora": {"post": {"summary": "Upload a corpus (.txt, .jsonl, PNG, JPEG, or a .zip "
                                         "of images)",
                              "requestBody": {"required": True, "content": multipart},
                              "responses": {"201": _json(_INT_ID, "Stored; ingestion queued"),
                                            **_ERRORS}}},
        "/corpora/{corpus_id}": {"get": {"summary": "Corpus status and counts",
                                         "parameters": [_path_id("corpus_id")],
                                         "responses": {"200": _json(_ref("Corpus")),
                                                       **_ERRORS}}},
        "/items/{item_id}/image": {"get": {
            "summary": "An image item's original, or its JPEG preview with ?size=preview",
            "parameters": [_path_id("item_id"), {"name": "size", "in": "query",
                                                 "schema": {"enum": ["preview"]}}],
            "responses": {"200": {"description": "image/png or image/jpeg"}, **_ERRORS}}},
    }


def _project_paths() -> dict[str, Any]:
    return {
        "/projects": {"post": {"summary": "Create a project over a ready corpus",
                               "requestBody": {"required": True, "content": {
                                   "application/json": {"schema": _ref("NewProject")}}},
                               "responses": {"201": _json(_INT_ID, "Created"), **_ERRORS}}},
        "/projects/{project_id}": {"get": {
            "summary": "A project's settings, options and progress",
            "parameters": [_path_id("project_id")],
            "responses": {"200": {"description": "The project"}, **_ERRORS}}},
        "/projects/{project_id}/tasks": {"get": {
            "summary": "Managers' task list (50 a page, no total: has_next instead)",
            "parameters": [_path_id("project_id")] + [
                {"name": n, "in": "query", "required": False, "schema": schema}
                for n, schema in (("status", {"enum": ["open", "complete"]}),
                                  ("annotator", {"type": "integer"}),
                                  ("label", {"type": "string"}),
                                  ("sort", {"enum": ["id", "-id", "last_answer_at",
                                                    "-last_answer_at"]}),
                                  ("page", {"type": "integer", "minimum": 1}))],
            "responses": {"200": {"description": "One page of tasks"}, **_ERRORS}}},
        "/projects/{project_id}/gold": {"post": {
            "summary": "Mark items as check (gold) items with their known answers",
            "parameters": [_path_id("project_id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["items"], "properties": {"items": {
                    "type": "array", "items": {"type": "object", "required": ["item_id", "answer"],
                                               "properties": {"item_id": {"type": "integer"},
                                                              "answer": {"type": "object"}}}}}}}}},
            "responses": {"200": {"description": "Count of check items set"}, **_ERRORS}}},
        "/projects/{project_id}/reviewers": {"post": {
            "summary": "Make an expert a reviewer of the project",
            "parameters": [_path_id("project_id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["email"],
                "properties": {"email": {"type": "string"}}}}}},
            "responses": {"201": _json(_INT_ID, "Reviewer added"), **_ERRORS}}},
    }


def _work_paths() -> dict[str, Any]:
    return {
        "/projects/{project_id}/claim": {"post": {
            "summary": "Lease the next task", "parameters": [_path_id("project_id")],
            "responses": {"200": _json(_ref("Claim")),
                          "204": {"description": "Nothing left for this expert"},
                          **_ERRORS}}},
        "/tasks/{task_id}/annotations": {"post": {
            "summary": "Submit an answer (idempotent by client_uuid)",
            "parameters": [_path_id("task_id")],
            "requestBody": {"required": True, "content": {
                "application/json": {"schema": _ref("Submission")}}},
            "responses": {"201": _json(_INT_ID, "Stored (or the earlier answer's id)"),
                          **_ERRORS}}},
        "/tasks/{task_id}/heartbeat": {"post": {
            "summary": "Extend the caller's lease while the workbench is open",
            "parameters": [_path_id("task_id")],
            "responses": {"200": _json({"type": "object", "properties": {
                "lease_expires_at": {"type": "string", "format": "date-time"}}}), **_ERRORS}}},
        "/tasks/{task_id}/skip": {"post": {
            "summary": "Give a leased task back with a reason code (other: with a note)",
            "parameters": [_path_id("task_id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["reason"],
                "properties": {"reason": {"type": "string", "description": "unclear | "
                                          "off_topic | not_my_domain | broken_media | other "
                                          "(any other text counts as other)"},
                               "note": {"type": "string", "maxLength": 500,
                                        "description": "the reason in words, for other"}}}}}},
            "responses": {"204": {"description": "Skipped"}, **_ERRORS}}},
        "/tasks/{task_id}/uploads": {"post": {
            "summary": "Upload a PNG or JPEG picture for the caller's leased collection slot; "
                       "submit it as {\"object\": {key, sha256, content_type}}",
            "parameters": [_path_id("task_id")],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"201": _json(_ref("Upload"), "Stored"), **_ERRORS}}},
    }


def _review_paths() -> dict[str, Any]:
    return {
        "/projects/{project_id}/review": {"get": {
            "summary": "Disputed items waiting for adjudication",
            "parameters": [_path_id("project_id")],
            "responses": {"200": {"description": "The review queue: items (at most 1,000, "
                                                 "least agreement first) and total (all "
                                                 "that wait)"}, **_ERRORS}}},
        "/projects/{project_id}/items/{item_id}": {"get": {
            "summary": "One item with every expert's answer side by side",
            "parameters": [_path_id("project_id"), _path_id("item_id")],
            "responses": {"200": {"description": "Item and answers"}, **_ERRORS}}},
        "/projects/{project_id}/items/{item_id}/adjudication": {"post": {
            "summary": "A reviewer's final answer for a disputed item: a result, or the id of "
                       "one of the item's answers (as listed by the item's detail)",
            "parameters": [_path_id("project_id"), _path_id("item_id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "oneOf": [{"type": "object", "required": ["result"],
                           "properties": {"result": {"type": "object"}}},
                          {"type": "object", "required": ["answer_id"],
                           "properties": {"answer_id": {"type": "integer"}}}]}}}},
            "responses": {"201": {"description": "Recorded"}, **_ERRORS}}},
    }


def _export_paths() -> dict[str, Any]:
    return {
        "/projects/{project_id}/exports": {"post": {
            "summary": "Queue a JSON Lines export: each item, its final answer, every answer",
            "parameters": [_path_id("project_id")],
            "responses": {"202": {"description": "Queued; poll /exports/{id}"}, **_ERRORS}}},
        "/exports/{export_id}": {"get": {
            "summary": "Export progress; download_url (valid 10 minutes) once ready",
            "parameters": [_path_id("export_id")],
            "responses": {"200": {"description": "The export"}, **_ERRORS}}},
    }


def _quality_paths() -> dict[str, Any]:
    return {
        "/projects/{project_id}/quality": {"get": {
            "summary": "Progress and Krippendorff's alpha (nominal)",
            "parameters": [_path_id("project_id")],
            "responses": {"200": _json(_ref("Quality")), **_ERRORS}}},
        "/projects/{project_id}/quality/items": {"get": {
            "summary": "The per-item table of the newest quality report, one page",
            "parameters": [_path_id("project_id"),
                           {"name": "sort", "in": "query", "schema": {"enum": list(ITEM_SORTS)},
                            "description": "'-' before a column sorts descending; empty "
                                           "values sort last"},
                           {"name": "page", "in": "query",
                            "schema": {"type": "integer", "minimum": 1}}],
            "responses": {"200": _json(_ref("QualityItems")),
                          "400": _json(_ref("Error"), "Unknown sort or page"), **_ERRORS}}},
        "/projects/{project_id}/quality/experts/{user_id}": {"get": {
            "summary": "One expert's reliability: check-item accuracy with its Wilson interval, "
                       "agreement figures and, for classify, the Dawid–Skene confusion "
                       "diagonal per label. Experts may read only their own (else 404)",
            "parameters": [_path_id("project_id"), _path_id("user_id")],
            "responses": {"200": _json(_ref("ExpertReliability")), **_ERRORS}}},
    }


def _paths() -> dict[str, Any]:
    """Every documented path, one area of the API after another."""
    return {**_corpus_paths(), **_project_paths(), **_work_paths(), **_review_paths(),
            **_export_paths(), **_quality_paths()}


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Wanbiao API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {"schemas": SCHEMAS, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer",
                       "description": "Created with `flask --app wsgi users token EMAIL`"}}},
        "paths": _paths(),
    }


@bp.get("/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """The API description."""
    return jsonify(openapi_document())
