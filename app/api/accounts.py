"""Account routes: the caller's own API tokens (list, revoke one, revoke the one in use);
expert verification (an applicant's evidence, the bureau's and vendors' decisions)."""

from __future__ import annotations

import itertools
from typing import Any

from flask import Response, g, jsonify, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import expert_review, tokens, verification
from app.api.blueprint import api_login_required, bp, field, json_object
from app.api.schema import ERRORS, json_content, path_id, ref
from app.database import as_utc
from app.exceptions import Invalid, Unavailable
from app.storage import StorageUnavailable, object_store

SCHEMAS: dict[str, Any] = {
    "ApiToken": {
        "type": "object",
        "required": ["id", "created_at", "expires_at", "current"],
        "properties": {
            "id": {"type": "integer"},
            "created_at": {"type": "string", "format": "date-time"},
            "expires_at": {"type": "string", "format": "date-time"},
            "current": {"type": "boolean", "description": "The token this request was sent with"},
        },
    },
    "DeclaredDomain": {
        "type": "object",
        "required": ["domain", "status", "reason", "evidence"],
        "properties": {
            "domain": {"type": "string"},
            "status": {"type": "string", "enum": ["pending", "approved", "rejected"]},
            "reason": {"type": "string"},
            "evidence": {"type": "array", "items": ref("Evidence")},
            "vendor_decisions": {"type": "array", "items": {"type": "object"}},
        },
    },
    "Evidence": {
        "type": "object",
        "required": ["id", "domain", "kind", "content_type", "size"],
        "properties": {
            "id": {"type": "integer"},
            "domain": {"type": "string"},
            "kind": {"type": "string", "enum": ["certificate", "employer_letter"]},
            "filename": {"type": "string"},
            "content_type": {"type": "string"},
            "sha256": {"type": "string"},
            "size": {"type": "integer"},
            "url": {"type": "string"},
        },
    },
    "Applicant": {
        "type": "object",
        "required": ["id", "name", "email", "verified", "domains"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "email": {"type": "string"},
            "mobile": {"type": "string", "nullable": True},
            "verified": {"type": "boolean"},
            "domains": {"type": "array", "items": ref("DeclaredDomain")},
        },
    },
}


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    revoked = {"204": {"description": "Revoked: the token no longer works"}, **ERRORS}
    return {
        "/tokens": {
            "get": {
                "summary": "The caller's live API tokens (unexpired, unrevoked), newest first",
                "responses": {
                    "200": json_content({"type": "array", "items": ref("ApiToken")}),
                    **ERRORS,
                },
            }
        },
        "/tokens/current": {
            "delete": {
                "summary": "Revoke the bearer token this request is sent with",
                "responses": revoked,
            }
        },
        "/tokens/{token_id}": {
            "delete": {
                "summary": "Revoke one of the caller's tokens",
                "parameters": [path_id("token_id")],
                "responses": revoked,
            }
        },
        **_verification_paths(),
    }


def _verification_paths() -> dict[str, Any]:
    multipart = {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["domain", "kind", "file"],
                "properties": {
                    "domain": {"type": "string", "description": "one of the declared domains"},
                    "kind": {"type": "string", "enum": list(verification.EVIDENCE_KINDS)},
                    "file": {"type": "string", "format": "binary", "description": "PDF/PNG/JPEG"},
                },
            }
        }
    }
    decision = {
        "type": "object",
        "required": ["domain", "decision", "reason"],
        "properties": {
            "domain": {"type": "string"},
            "decision": {"type": "string", "enum": ["approve", "reject"]},
            "reason": {"type": "string", "maxLength": expert_review.MAX_REASON},
        },
    }
    return {
        "/experts/me/verification": {
            "get": {
                "summary": "The caller's declared domains, decisions and evidence",
                "responses": {"200": json_content(ref("Applicant")), **ERRORS},
            }
        },
        "/experts/me/evidence": {
            "post": {
                "summary": "Upload evidence (certificate, employer letter) for a declared domain",
                "requestBody": {"required": True, "content": multipart},
                "responses": {"201": json_content(ref("Evidence"), "Stored"), **ERRORS},
            }
        },
        "/evidence/{evidence_id}": {
            "get": {
                "summary": "Download evidence (its uploader, the bureau, a deciding vendor)",
                "parameters": [path_id("evidence_id")],
                "responses": {"200": {"description": "The document"}, **ERRORS},
            }
        },
        "/experts/applications": {
            "get": {
                "summary": "Applicants the caller may decide on (bureau: all; vendor: its "
                "projects' domains); ?all=1 includes decided ones",
                "responses": {
                    "200": json_content({"type": "array", "items": ref("Applicant")}),
                    **ERRORS,
                },
            }
        },
        "/experts/{user_id}/decisions": {
            "post": {
                "summary": "Approve or reject a declared domain with a reason (bureau: every "
                "project; vendor: its own projects)",
                "parameters": [path_id("user_id")],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": decision}},
                },
                "responses": {
                    "200": json_content(
                        {
                            "type": "object",
                            "required": ["domain", "status", "reason"],
                            "properties": {
                                "domain": {"type": "string"},
                                "status": {"type": "string", "enum": ["approved", "rejected"]},
                                "reason": {"type": "string"},
                                "organization_id": {
                                    "type": "integer",
                                    "nullable": True,
                                    "description": "null: the bureau's decision",
                                },
                            },
                        }
                    ),
                    **ERRORS,
                },
            }
        },
    }


def _token_json(token: Any, current_digest: str | None) -> dict[str, Any]:
    return {
        "id": token.id,
        "created_at": as_utc(token.created_at).isoformat(),
        "expires_at": as_utc(token.expires_at).isoformat(),
        "current": token.token_sha256 == current_digest,
    }


@bp.get("/tokens")
@api_login_required
def list_tokens() -> ResponseReturnValue:
    """The caller's live tokens."""
    presented = g.get("api_token")
    digest = tokens.token_digest(presented) if presented else None
    return jsonify([_token_json(t, digest) for t in tokens.live_tokens(current_user)])


@bp.delete("/tokens/current")
@api_login_required
def revoke_current_token() -> ResponseReturnValue:
    """Revoke the token of this request (a browser session has none: 422)."""
    presented = g.get("api_token")
    if not presented:
        raise Invalid(_("This request was not sent with a bearer token."), code="no_token")
    tokens.revoke_presented_token(current_user, presented)
    return "", 204


@bp.delete("/tokens/<int:token_id>")
@api_login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of the caller's tokens (another user's id is a 404)."""
    tokens.revoke_token(current_user, token_id)
    return "", 204


def _evidence_json(evidence: Any) -> dict[str, Any]:
    return {
        "id": evidence.id,
        "domain": evidence.domain,
        "kind": evidence.kind,
        "filename": evidence.filename,
        "content_type": evidence.content_type,
        "sha256": evidence.sha256,
        "size": evidence.size,
        "url": f"/api/v1/evidence/{evidence.id}",
    }


def _domain_json(state: verification.DomainState) -> dict[str, Any]:
    return {
        "domain": state.domain,
        "status": state.status,
        "reason": state.reason,
        "evidence": [_evidence_json(e) for e in state.evidence],
        "vendor_decisions": [
            {"organization_id": d.organization_id, "status": d.status, "reason": d.reason}
            for d in state.vendor_decisions
        ],
    }


def _applicant_json(applicant: verification.Applicant) -> dict[str, Any]:
    user = applicant.user
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "mobile": user.mobile,
        "verified": user.verified,
        "domains": [_domain_json(s) for s in applicant.domains],
    }


@bp.get("/experts/me/verification")
@api_login_required
def my_verification() -> ResponseReturnValue:
    """The caller's declared domains, the decisions on them and the evidence uploaded."""
    states = verification.domain_states(current_user)
    return jsonify(_applicant_json(verification.Applicant(current_user, states)))


@bp.post("/experts/me/evidence")
@api_login_required
def upload_qualification_evidence() -> ResponseReturnValue:
    """Upload a certificate or employer letter (multipart ``domain``, ``kind``, ``file``)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid(_("Choose a file to upload."), code="no_file")
    evidence = verification.upload_evidence(
        current_user,
        request.form.get("domain", ""),
        request.form.get("kind", ""),
        upload.filename,
        upload.stream,
        object_store(),
    )
    return jsonify(_evidence_json(evidence)), 201


@bp.get("/evidence/<int:evidence_id>")
@api_login_required
def evidence_file(evidence_id: int) -> ResponseReturnValue:
    """Download a piece of evidence, always as an attachment."""
    evidence = expert_review.evidence_for(current_user, evidence_id)
    try:
        chunks = object_store().iter_chunks(evidence.object_key)
        first = next(chunks, b"")
    except StorageUnavailable:
        raise Unavailable(_("Storage is unavailable. Try again in a moment.")) from None
    body = itertools.chain([first], chunks)
    return Response(
        stream_with_context(body),
        mimetype=evidence.content_type,
        headers={
            "Content-Disposition": f"attachment; filename=evidence-{evidence.id}."
            + evidence.object_key.rsplit(".", 1)[-1],
            "Cache-Control": "private, no-store",
        },
    )


@bp.get("/experts/applications")
@api_login_required
def expert_applications() -> ResponseReturnValue:
    """Applicants the caller may decide on; ``?all=1`` includes those already decided."""
    pending_only = request.args.get("all") != "1"
    found = expert_review.applicants_for(current_user, pending_only)
    return jsonify([_applicant_json(a) for a in found])


@bp.post("/experts/<int:user_id>/decisions")
@api_login_required
def decide_expert_domain(user_id: int) -> ResponseReturnValue:
    """Approve or reject one declared domain of an expert, with a reason."""
    body = json_object()
    choice = field(body, "decision", str)
    if choice not in ("approve", "reject"):
        raise Invalid(_("The decision is “approve” or “reject”."), code="bad_field")
    row = expert_review.decide_domain(
        current_user,
        user_id,
        field(body, "domain", str),
        choice == "approve",
        field(body, "reason", str),
    )
    return jsonify(
        domain=row.domain,
        status=row.status,
        reason=row.reason,
        organization_id=row.organization_id,
    )
