"""Labeling routes: claim the next task, submit, heartbeat, skip, picture uploads, and the
caller's own contributions with the review decisions."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.api.blueprint import api_login_required, bp, field, json_object
from app.api.contribution_lists import (
    DECISION_FIELDS,
    KIND,
    STATUS_FILTER,
    contribution_list,
    query_number,
)
from app.api.schema import ERRORS, INT_ID, json_content, path_id, ref
from app.exceptions import Invalid
from app.labeling import answers, uploads
from app.labeling import services as labeling
from app.labeling.contributions import own_contributions
from app.labeling.skip_reasons import skip_reason
from app.storage import object_store

SCHEMAS: dict[str, Any] = {
    "Claim": {
        "type": "object",
        "required": ["task_id", "item", "lease_expires_at"],
        "properties": {
            "task_id": {"type": "integer"},
            "item": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "text": {"type": "string"},
                    "preannotation": {
                        "type": "object",
                        "description": "Another tool's answer to pre-fill, imported with the "
                        "corpus: {spans} | {boxes} | {labels} (absent on check items)",
                    },
                },
            },
            "lease_expires_at": {"type": "string", "format": "date-time"},
        },
    },
    "Submission": {
        "type": "object",
        "required": ["result", "client_uuid"],
        "properties": {
            "result": {
                "type": "object",
                "description": "{label} | {labels} | {spans} | "
                "{text, flags} | {boxes} | {text} or {object} (collect), by the project's type",
            },
            "client_uuid": {"type": "string", "format": "uuid"},
        },
    },
    "Upload": {
        "type": "object",
        "required": ["key", "sha256", "content_type", "width", "height"],
        "properties": {
            "key": {"type": "string"},
            "sha256": {"type": "string"},
            "content_type": {"type": "string", "enum": ["image/png", "image/jpeg"]},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
        },
    },
}


OWN_CONTRIBUTION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "project_id": {"type": "integer"},
        "project": {"type": "string"},
        "kind": KIND,
        "text": {
            "type": "string",
            "description": "First 300 characters, or the picture's file name",
        },
        **DECISION_FIELDS,
    },
}


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    return {
        "/contributions/mine": {
            "get": {
                "summary": "The caller's own contributions to collection projects, newest "
                "first (50 a page): accepted, rejected with the reviewer's reason, or pending",
                "parameters": [
                    STATUS_FILTER,
                    {
                        "name": "page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100_000},
                    },
                ],
                "responses": {
                    "200": contribution_list(
                        OWN_CONTRIBUTION,
                        page={"type": "integer"},
                        has_next={"type": "boolean"},
                    ),
                    **ERRORS,
                },
            }
        },
        "/projects/{project_id}/claim": {
            "post": {
                "summary": "Lease the next task",
                "parameters": [path_id("project_id")],
                "responses": {
                    "200": json_content(ref("Claim")),
                    "204": {"description": "Nothing left for this expert"},
                    **ERRORS,
                    "403": json_content(
                        ref("Error"),
                        "Not verified yet (not_verified), paused by check items (paused) or by "
                        "the skip ratio (paused_skips), or today's cap reached (daily_cap)",
                    ),
                    "429": {
                        "description": "Claims far faster than a person reads (claim_rate)",
                        "headers": {
                            "Retry-After": {
                                "description": "Seconds to wait",
                                "schema": {"type": "integer"},
                            }
                        },
                        "content": {"application/json": {"schema": ref("Error")}},
                    },
                },
            }
        },
        "/tasks/{task_id}/annotations": {
            "post": {
                "summary": "Submit an answer (idempotent by client_uuid)",
                "parameters": [path_id("task_id")],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("Submission")}},
                },
                "responses": {
                    "201": json_content(INT_ID, "Stored (or the earlier answer's id)"),
                    **ERRORS,
                },
            }
        },
        "/tasks/{task_id}/heartbeat": {
            "post": {
                "summary": "Extend the caller's lease while the workbench is open",
                "parameters": [path_id("task_id")],
                "responses": {
                    "200": json_content(
                        {
                            "type": "object",
                            "properties": {
                                "lease_expires_at": {"type": "string", "format": "date-time"}
                            },
                        }
                    ),
                    **ERRORS,
                },
            }
        },
        "/tasks/{task_id}/skip": {
            "post": {
                "summary": "Give a leased task back with a reason code (other: with a note)",
                "parameters": [path_id("task_id")],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["reason"],
                                "properties": {
                                    "reason": {
                                        "type": "string",
                                        "description": "unclear | "
                                        "off_topic | not_my_domain | broken_media | other "
                                        "(any other text counts as other)",
                                    },
                                    "note": {
                                        "type": "string",
                                        "maxLength": 500,
                                        "description": "the reason in words, for other",
                                    },
                                },
                            }
                        }
                    },
                },
                "responses": {"204": {"description": "Skipped"}, **ERRORS},
            }
        },
        "/tasks/{task_id}/uploads": {
            "post": {
                "summary": "Upload a PNG or JPEG picture for the caller's leased collection slot; "
                'submit it as {"object": {key, sha256, content_type}}',
                "parameters": [path_id("task_id")],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {"file": {"type": "string", "format": "binary"}},
                            }
                        }
                    },
                },
                "responses": {"201": json_content(ref("Upload"), "Stored"), **ERRORS},
            }
        },
    }


@bp.post("/projects/<int:project_id>/claim")
@api_login_required
def claim(project_id: int) -> ResponseReturnValue:
    """Lease the next task for the calling expert (204 when none is left)."""
    claimed = labeling.claim_next_task(current_user, project_id)
    if claimed is None:
        return "", 204
    item: dict[str, Any] = {"id": claimed.item_id, "text": claimed.text}
    if claimed.item_id is None:
        item["prompt"] = True  # a collection slot: the text is what to contribute
    if claimed.preannotation is not None:
        item["preannotation"] = claimed.preannotation
    if claimed.image_size is not None:
        url = url_for("api.item_image", item_id=claimed.item_id)
        item["image"] = {
            "url": url,
            "preview_url": url + "?size=preview",
            "width": claimed.image_size[0],
            "height": claimed.image_size[1],
        }
    return jsonify(
        task_id=claimed.task_id, item=item, lease_expires_at=claimed.lease_expires_at.isoformat()
    )


@bp.post("/tasks/<int:task_id>/annotations")
@api_login_required
def submit(task_id: int) -> ResponseReturnValue:
    """Submit an answer; a repeated ``client_uuid`` returns the first answer's id (409 with
    the stored answer when the answer differs)."""
    body = json_object()
    submitted = answers.submit_annotation(
        current_user, task_id, body.get("result"), body.get("client_uuid")
    )
    if submitted.gold is None:
        return jsonify(id=submitted.annotation_id), 201
    return jsonify(id=submitted.annotation_id, gold=submitted.gold), 201


@bp.post("/tasks/<int:task_id>/heartbeat")
@api_login_required
def heartbeat(task_id: int) -> ResponseReturnValue:
    """Keep the caller's lease on a task alive while the workbench is open."""
    expires = labeling.extend_lease(current_user, task_id)
    return jsonify(lease_expires_at=expires.isoformat())


@bp.post("/tasks/<int:task_id>/skip")
@api_login_required
def skip(task_id: int) -> ResponseReturnValue:
    """Give a task back with a reason; it is not offered to the caller again."""
    body = json_object()
    reason = skip_reason(field(body, "reason", str), field(body, "note", str, ""))
    labeling.skip_task(current_user, task_id, reason)
    return "", 204


@bp.post("/tasks/<int:task_id>/uploads")
@api_login_required
def upload_contribution(task_id: int) -> ResponseReturnValue:
    """Upload a picture (multipart ``file``) for the caller's leased collection slot."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid(_("Choose a file to upload."), code="no_file")
    stored = uploads.upload_picture(
        current_user, task_id, upload.filename, upload.stream, object_store()
    )
    return jsonify(
        key=stored.object_key,
        sha256=stored.sha256,
        content_type=stored.content_type,
        width=stored.width,
        height=stored.height,
    ), 201


@bp.get("/contributions/mine")
@api_login_required
def my_contributions() -> ResponseReturnValue:
    """The caller's own contributions and what was decided (``status``, ``page``)."""
    page = query_number("page", 1)
    listing = own_contributions(current_user, request.args.get("status") or None, page)
    return jsonify(
        counts=listing["counts"],
        page=listing["page"],
        has_next=listing["has_next"],
        contributions=listing["rows"],
    )
