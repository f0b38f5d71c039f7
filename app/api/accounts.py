"""Account routes: the caller's own API tokens (list, revoke one, revoke the one in use)."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.accounts import tokens
from app.api.blueprint import api_login_required, bp
from app.api.schema import ERRORS, json_content, path_id, ref
from app.database import as_utc
from app.exceptions import Invalid

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
