"""Expert pool routes: a vendor's named groups of experts, and the pools invited to a project."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.api.blueprint import api_login_required, bp, field, json_object
from app.api.schema import (
    EMAIL_BODY,
    ERRORS,
    json_body,
    json_content,
    object_of,
    path_id,
    ref,
)
from app.models import ExpertPool, Project, User
from app.projects import pools
from app.scoping import get_managed

_EXPERT = {
    "type": "object",
    "required": ["user_id", "email", "name"],
    "properties": {
        "user_id": {"type": "integer"},
        "email": {"type": "string"},
        "name": {"type": "string"},
    },
}

SCHEMAS: dict[str, Any] = {
    "Pool": {
        "type": "object",
        "required": ["id", "name", "members"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "members": {
                "type": "array",
                "items": _EXPERT,
                "description": "The experts of the pool (a count in lists)",
            },
        },
    },
    "PoolSummary": {
        "type": "object",
        "required": ["id", "name", "members"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "members": {"type": "integer", "description": "How many experts it holds"},
        },
    },
}
_NAME_BODY = json_body(object_of(name="string"))
_POOL = json_content(ref("Pool"))


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    pool, project, user = path_id("pool_id"), path_id("project_id"), path_id("user_id")
    summaries = json_content({"type": "array", "items": ref("PoolSummary")})
    return {
        "/pools": {
            "get": {
                "summary": "The expert pools of the caller's organization (vendors)",
                "responses": {"200": summaries, **ERRORS},
            },
            "post": {
                "summary": "Create an empty expert pool",
                "requestBody": _NAME_BODY,
                "responses": {"201": json_content(ref("Pool"), "Created"), **ERRORS},
            },
        },
        "/pools/{pool_id}": {
            "get": {
                "summary": "A pool and its experts",
                "parameters": [pool],
                "responses": {"200": _POOL, **ERRORS},
            },
            "patch": {
                "summary": "Rename a pool",
                "parameters": [pool],
                "requestBody": _NAME_BODY,
                "responses": {"200": _POOL, **ERRORS},
            },
            "delete": {
                "summary": "Delete a pool: its experts lose the projects it was invited to",
                "parameters": [pool],
                "responses": {"204": {"description": "Deleted"}, **ERRORS},
            },
        },
        "/pools/{pool_id}/members": {
            "post": {
                "summary": "Add an expert (by email): they get the pool's invited projects",
                "parameters": [pool],
                "requestBody": EMAIL_BODY,
                "responses": {"201": json_content(_EXPERT, "Added"), **ERRORS},
            }
        },
        "/pools/{pool_id}/members/{user_id}": {
            "delete": {
                "summary": "Take an expert out of a pool (their leases on its projects end)",
                "parameters": [pool, user],
                "responses": {"204": {"description": "Removed"}, **ERRORS},
            }
        },
        "/projects/{project_id}/pools": {
            "get": {
                "summary": "Pools invited to the project (its vendor)",
                "parameters": [project],
                "responses": {"200": summaries, **ERRORS},
            },
            "post": {
                "summary": "Invite a whole pool, present and future members, to the project",
                "parameters": [project],
                "requestBody": json_body(object_of(pool_id="integer")),
                "responses": {"201": json_content(ref("PoolSummary"), "Invited"), **ERRORS},
            },
        },
        "/projects/{project_id}/pools/{pool_id}": {
            "delete": {
                "summary": "Withdraw a pool's invitation (its members' leases end)",
                "parameters": [project, pool],
                "responses": {"204": {"description": "Withdrawn"}, **ERRORS},
            }
        },
    }


def _expert_json(user: User) -> dict[str, Any]:
    return {"user_id": user.id, "email": user.email, "name": user.name}


def _pool_json(pool: ExpertPool) -> dict[str, Any]:
    members = [_expert_json(u) for u in pools.pool_members(pool)]
    return {"id": pool.id, "name": pool.name, "members": members}


def _summary_json(pool: ExpertPool) -> dict[str, Any]:
    return {"id": pool.id, "name": pool.name, "members": len(pools.pool_members(pool))}


# One rule per path for all its methods: with several rules, an id past BIGINT (which the id
# converter refuses) made Werkzeug answer 405 instead of 404.
@bp.route("/pools", methods=["GET", "POST"])
@api_login_required
def expert_pools() -> ResponseReturnValue:
    """The organization's pools (GET); create one from ``{"name"}`` (POST)."""
    if request.method == "POST":
        pool = pools.create_pool(current_user, field(json_object(), "name", str))
        return jsonify(_pool_json(pool)), 201
    return jsonify([s.__dict__ for s in pools.list_pools(current_user)])


@bp.route("/pools/<int:pool_id>", methods=["GET", "PATCH", "DELETE"])
@api_login_required
def expert_pool(pool_id: int) -> ResponseReturnValue:
    """A pool with its experts (GET), renamed (PATCH ``{"name"}``) or deleted (DELETE)."""
    if request.method == "PATCH":
        pool = pools.rename_pool(current_user, pool_id, field(json_object(), "name", str))
    elif request.method == "DELETE":
        pools.delete_pool(current_user, pool_id)
        return "", 204
    else:
        pool = pools.get_pool(current_user, pool_id)
    return jsonify(_pool_json(pool))


@bp.post("/pools/<int:pool_id>/members")
@api_login_required
def add_pool_member(pool_id: int) -> ResponseReturnValue:
    """Add an expert by email."""
    expert = pools.add_member(current_user, pool_id, field(json_object(), "email", str))
    return jsonify(_expert_json(expert)), 201


@bp.delete("/pools/<int:pool_id>/members/<int:user_id>")
@api_login_required
def remove_pool_member(pool_id: int, user_id: int) -> ResponseReturnValue:
    """Take an expert out of a pool."""
    pools.remove_member(current_user, pool_id, user_id)
    return "", 204


@bp.route("/projects/<int:project_id>/pools", methods=["GET", "POST"])
@api_login_required
def project_pools(project_id: int) -> ResponseReturnValue:
    """Pools invited to a project (GET); invite one from ``{"pool_id"}`` (POST)."""
    if request.method == "POST":
        pool = pools.invite_pool(current_user, project_id, field(json_object(), "pool_id", int))
        return jsonify(_summary_json(pool)), 201
    project = get_managed(Project, project_id, current_user)
    return jsonify([_summary_json(p) for p in pools.invited_pools(project)])


@bp.delete("/projects/<int:project_id>/pools/<int:pool_id>")
@api_login_required
def withdraw_project_pool(project_id: int, pool_id: int) -> ResponseReturnValue:
    """Withdraw a pool's invitation."""
    pools.withdraw_pool(current_user, project_id, pool_id)
    return "", 204
