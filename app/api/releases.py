"""Release routes: create, read, analyse, review, approve, publish, withdraw; the public
catalog and manifests; logged downloads for AI companies."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, jsonify, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.api.blueprint import api_login_required, bp, field, json_object
from app.api.schema import ERRORS, json_body, json_content, object_of, path_id, ref
from app.exceptions import Forbidden, Unavailable
from app.jobs import enqueue_analysis, enqueue_publishing
from app.releases import approval, catalog, notice, publishing, review, reviewers, services
from app.releases.services import release_json
from app.storage import StorageUnavailable, object_store

SCHEMAS: dict[str, Any] = {
    "ReleasePolicy": {
        "type": "object",
        "properties": {
            "operators": {
                "type": "object",
                "additionalProperties": {"enum": ["replace", "mask", "pseudonym", "remove"]},
            },
            "profile": {"enum": ["default", "recall"]},
            "allow_list": {"type": "array", "items": {"type": "string"}},
            "residual_bound": {
                "type": "number",
                "description": "identifiers left per 1,000 documents, upper 95 %",
            },
            "sample_rate": {"type": "number"},
            "residual_threshold": {"type": "number"},
        },
    },
    "Release": {
        "type": "object",
        "required": ["id", "title", "state"],
        "properties": {
            "id": {"type": "integer"},
            "title": {"type": "string"},
            "state": {
                "enum": [
                    "draft",
                    "analysing",
                    "in_review",
                    "approved",
                    "published",
                    "failed",
                    "withdrawn",
                ]
            },
            "policy": ref("ReleasePolicy"),
            "documents": {"type": "integer"},
            "progress": {"type": "number"},
            "failures": {"type": "array"},
            "residual": {"type": "object"},
        },
    },
    "ReviewDecision": {
        "type": "object",
        "required": ["start", "end", "entity_type", "decision"],
        "properties": {
            "start": {"type": "integer"},
            "end": {"type": "integer"},
            "entity_type": {"type": "string"},
            "decision": {"enum": ["accept", "reject", "add"]},
        },
    },
}


def _op(
    summary: str,
    *params: str,
    body: dict[str, Any] | None = None,
    ok: str = "200",
    schema: dict[str, Any] | None = None,
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": [path_id(p) for p in params],
        "responses": {ok: json_content(schema or {"type": "object"}), **ERRORS},
    }
    if body is not None:
        operation["requestBody"] = json_body(body)
    return operation


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    rid, did = "release_id", "document_id"
    decisions = {
        "type": "object",
        "properties": {
            "decisions": {"type": "array", "items": ref("ReviewDecision")},
            "done": {"type": "boolean"},
        },
    }
    create = {
        "type": "object",
        "required": ["title"],
        "properties": {
            "corpus_id": {"type": "integer"},
            "project_id": {
                "type": "integer",
                "description": "instead of corpus_id: the "
                "project's corpus, published with its final labels remapped",
            },
            "title": {"type": "string"},
            "description": {"type": "string"},
            "domain": {"type": "string"},
            "licence": {"type": "string"},
            "policy": ref("ReleasePolicy"),
        },
    }
    return {
        "/releases": {
            "post": _op(
                "Create a draft release of a corpus", body=create, ok="201", schema=ref("Release")
            )
        },
        "/releases/{release_id}": {"get": _op("A release", rid, schema=ref("Release"))},
        "/releases/{release_id}/analyse": {
            "post": _op("Queue the de-identification of every document", rid, ok="202")
        },
        "/releases/{release_id}/sample": {
            "get": _op(
                "The review sample page by page (?residual=1: documents with residual "
                "findings) and the residual bound",
                rid,
            )
        },
        "/releases/{release_id}/documents/{document_id}": {
            "get": _op("A document with its findings and decisions", rid, did)
        },
        "/releases/{release_id}/documents/{document_id}/decisions": {
            "post": _op(
                "Accept, reject or add spans; done marks the document reviewed",
                rid,
                did,
                body=decisions,
            )
        },
        "/releases/{release_id}/reviewers": {
            "get": _op("Named reviewers, and who else may be named (its builders)", rid),
            "post": _op(
                "Name a person of the release's organization to review it (not its builder)",
                rid,
                body=object_of(user_id="integer"),
            ),
        },
        "/releases/{release_id}/reviewers/{user_id}": {
            "delete": _op("Take a named reviewer off the release", rid, "user_id")
        },
        "/releases/{release_id}/approve": {
            "post": _op("Approve (a second person; sample bound met; residual scan clean)", rid)
        },
        "/releases/{release_id}/publish": {
            "post": _op(
                "Queue writing the release and its signed manifest under releases/{id}/; poll "
                "the release (publishing, publish_error, state)",
                rid,
                ok="202",
            )
        },
        "/releases/{release_id}/withdraw": {"post": _op("Withdraw the release", rid)},
        "/releases/{release_id}/manifest": {
            "get": _op(
                "The signed manifest of a published release (public): manifest.json as "
                "published, streamed from object storage (503 while it does not answer)",
                rid,
            )
        },
        "/releases/{release_id}/downloads": {
            "post": _op(
                "A presigned link to one file (enterprise accounts; logged): this app's "
                "/release-files/{token} address, valid for ten minutes",
                rid,
                body=object_of(file="string"),
            )
        },
        "/release-files/{token}": {
            "get": {
                "summary": "The file a presigned link names, streamed as an attachment "
                "(403 once the link has expired)",
                "security": [],
                "parameters": [
                    {
                        "name": "token",
                        "in": "path",
                        "required": True,
                        # itsdangerous's URL-safe token: base64url parts joined by dots
                        "schema": {
                            "type": "string",
                            "minLength": 20,
                            "maxLength": 1000,
                            "pattern": "^[A-Za-z0-9_.-]+$",
                        },
                    }
                ],
                "responses": {
                    "200": {"description": "The file", "content": {"application/octet-stream": {}}},
                    **ERRORS,
                },
            }
        },
        "/catalog": {
            "get": _op(
                "Published releases (public metadata): files lists the top-level files; "
                "text_files counts the texts, one per document, that the manifest lists; "
                "file_count counts them all"
            )
        },
        "/releases/notice": {
            "get": {
                **_op(
                    "The open-data notice of a month or quarter by city and department (auditors)"
                ),
                "parameters": [
                    {
                        "name": "period",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string", "example": "2026-Q4"},
                    }
                ],
            }
        },
    }


@bp.post("/releases")
@api_login_required
def create_release() -> ResponseReturnValue:
    """Create a draft release of a corpus."""
    release = services.create_release(current_user, json_object())
    return jsonify(release_json(release)), 201


@bp.get("/releases/<int:release_id>")
@api_login_required
def show_release(release_id: int) -> ResponseReturnValue:
    """One release."""
    return jsonify(release_json(services.get_release(current_user, release_id)))


@bp.post("/releases/<int:release_id>/analyse")
@api_login_required
def analyse(release_id: int) -> ResponseReturnValue:
    """Queue the analysis."""
    release = services.start_analysis(current_user, release_id, enqueue_analysis)
    return jsonify(release_json(services.get_release(current_user, release.id))), 202


@bp.get("/releases/<int:release_id>/sample")
@api_login_required
def sample(release_id: int) -> ResponseReturnValue:
    """The review sample and summary."""
    page = request.args.get("page", 1, type=int) or 1
    residual_only = request.args.get("residual") == "1"
    return jsonify(review.sample_page(current_user, release_id, max(page, 1), residual_only))


@bp.get("/releases/<int:release_id>/documents/<int:document_id>")
@api_login_required
def show_document(release_id: int, document_id: int) -> ResponseReturnValue:
    """A document for review."""
    return jsonify(review.document_json(current_user, release_id, document_id))


@bp.post("/releases/<int:release_id>/documents/<int:document_id>/decisions")
@api_login_required
def decide(release_id: int, document_id: int) -> ResponseReturnValue:
    """Review decisions on one document."""
    body = json_object()
    done = field(body, "done", bool, False)
    summary = review.record_decisions(
        current_user, release_id, document_id, body.get("decisions", []), done
    )
    return jsonify(summary)


# One rule for both methods (as /projects/{id}/reviewers): with two rules an id too large
# for the GET rule's converter fell through to a 405 on POST.
@bp.route("/releases/<int:release_id>/reviewers", methods=["GET", "POST"])
@api_login_required
def release_reviewers(release_id: int) -> ResponseReturnValue:
    """Named reviewers and candidates (GET); name a reviewer (POST)."""
    if request.method == "GET":
        return jsonify(reviewers.reviewers_of(current_user, release_id))
    named = reviewers.name_reviewer(current_user, release_id, json_object().get("user_id"))
    return jsonify(reviewers=[reviewers.reviewer_json(u) for u in named])


@bp.delete("/releases/<int:release_id>/reviewers/<int:user_id>")
@api_login_required
def drop_reviewer(release_id: int, user_id: int) -> ResponseReturnValue:
    """Take a named reviewer off."""
    named = reviewers.remove_reviewer(current_user, release_id, user_id)
    return jsonify(reviewers=[reviewers.reviewer_json(u) for u in named])


@bp.post("/releases/<int:release_id>/approve")
@api_login_required
def approve(release_id: int) -> ResponseReturnValue:
    """Approve the release."""
    return jsonify(release_json(approval.approve_release(current_user, release_id)))


@bp.post("/releases/<int:release_id>/publish")
@api_login_required
def publish(release_id: int) -> ResponseReturnValue:
    """Queue the publishing of the release."""
    release = publishing.request_publish(current_user, release_id, enqueue_publishing)
    return jsonify(release_json(services.get_release(current_user, release.id))), 202


@bp.post("/releases/<int:release_id>/withdraw")
@api_login_required
def withdraw(release_id: int) -> ResponseReturnValue:
    """Withdraw the release."""
    body = request.get_json(silent=True)
    reason = body.get("reason", "") if isinstance(body, dict) else ""
    release = services.withdraw_release(current_user, release_id, str(reason))
    return jsonify(release_json(release))


@bp.get("/releases/<int:release_id>/manifest")
def manifest(release_id: int) -> ResponseReturnValue:
    """The signed manifest of a published release (public), streamed from object storage."""
    try:
        body = catalog.signed_manifest(release_id, object_store())
    except StorageUnavailable:
        raise Unavailable(
            _("The manifest is unavailable: the object store does not answer. Try again later.")
        ) from None
    return Response(stream_with_context(body), content_type="application/json")


@bp.post("/releases/<int:release_id>/downloads")
@api_login_required
def download(release_id: int) -> ResponseReturnValue:
    """A logged, presigned download link."""
    path = field(json_object(), "file", str)
    return jsonify(catalog.download_link(current_user, release_id, path, release_file_link))


@bp.get("/release-files/<token>")
def release_file(token: str) -> ResponseReturnValue:
    """The file a presigned link names, streamed from object storage through the app."""
    filename, size, chunks = catalog.linked_file(token, object_store())
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, no-store",
    }
    if size is not None:
        headers["Content-Length"] = str(size)
    return Response(
        stream_with_context(chunks), content_type="application/octet-stream", headers=headers
    )


def release_file_link(token: str) -> str:
    """Absolute address of a presigned link on the host the client used."""
    return url_for("api.release_file", token=token, _external=True)


@bp.get("/releases/notice")
@api_login_required
def open_data_notice() -> ResponseReturnValue:
    """The open-data notice (auditors and admins)."""
    if current_user.role not in ("auditor", "admin"):
        raise Forbidden(_("Only the bureau reads the open-data notice."))
    return jsonify(notice.open_data_notice(request.args.get("period", "")))


@bp.get("/catalog")
def list_catalog() -> ResponseReturnValue:
    """The public catalog."""
    return jsonify(releases=catalog.catalog(request.args.get("city") or None))
