"""Review routes: reviewers, the queue of disputed items, adjudication, and the decisions on a
collection project's contributions."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.api.blueprint import api_login_required, bp, field, json_object
from app.api.contribution_lists import (
    DECISION_FIELDS,
    KIND,
    STATUS_FILTER,
    contribution_list,
    query_number,
)
from app.api.schema import EMAIL_BODY, ERRORS, json_body, json_content, path_id, ref
from app.jobs import enqueue_quality_refresh
from app.models import Project
from app.review import contributions as collected
from app.review import services as review
from app.scoping import get_owned

USER_ID = {
    "type": "object",
    "properties": {"user_id": {"type": "integer"}},
    "required": ["user_id"],
}
SCHEMAS: dict[str, Any] = {
    "Contribution": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "item_id": {"type": "integer"},
            "expert_id": {"type": "integer"},
            "expert": {"type": "string"},
            "kind": KIND,
            "text": {
                "type": "string",
                "description": "The text (first 20,000 characters) or the picture's file "
                "name; the picture itself at /items/{item_id}/image",
            },
            "truncated": {"type": "boolean"},
            **DECISION_FIELDS,
        },
    },
    "Decision": {
        "type": "object",
        "required": ["decision"],
        "properties": {
            "decision": {"type": "string", "enum": ["accept", "reject"]},
            "reason": {
                "type": "string",
                "maxLength": 500,
                "description": "Required to reject (1–500 characters); the expert reads it",
            },
        },
    },
}
CONTRIBUTION_PATHS: dict[str, Any] = {
    "/projects/{project_id}/contributions": {
        "get": {
            "summary": "A collection project's contributions in arrival order, with the "
            "counts per status (its vendor, reviewers, auditors)",
            "parameters": [
                path_id("project_id"),
                STATUS_FILTER,
                {
                    "name": "after",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 0},
                    "description": "Only ids above this one (the last id of the previous page)",
                },
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                },
            ],
            "responses": {
                "200": contribution_list(ref("Contribution"), may_decide={"type": "boolean"}),
                **ERRORS,
            },
        }
    },
    "/projects/{project_id}/contributions/{contribution_id}": {
        "get": {
            "summary": "One contribution of a collection project",
            "parameters": [path_id("project_id"), path_id("contribution_id")],
            "responses": {"200": json_content(ref("Contribution")), **ERRORS},
        }
    },
    "/projects/{project_id}/contributions/{contribution_id}/decision": {
        "post": {
            "summary": "Accept a pending contribution (it joins the corpus, the final answers "
            "and the exports) or reject it with a reason the expert reads. The project's "
            "vendor or one of its reviewers, never on their own contribution; once",
            "parameters": [path_id("project_id"), path_id("contribution_id")],
            "requestBody": json_body(ref("Decision")),
            "responses": {
                "200": json_content(ref("Contribution"), "Decided"),
                "403": json_content(ref("Error"), "Reads only (an auditor)"),
                "409": json_content(
                    ref("Error"), "Decided already, or the caller's own contribution"
                ),
                **{code: ERRORS[code] for code in ("401", "404", "422")},
            },
        }
    },
}


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    return {
        **CONTRIBUTION_PATHS,
        "/projects/{project_id}/reviewers": {
            "get": {
                "summary": "The project's reviewers",
                "parameters": [path_id("project_id")],
                "responses": {"200": {"description": "reviewers"}, **ERRORS},
            },
            "post": {
                "summary": "Make an expert (by email) a reviewer of the project",
                "parameters": [path_id("project_id")],
                "requestBody": EMAIL_BODY,
                "responses": {"201": json_content(USER_ID, "Reviewer added"), **ERRORS},
            },
        },
        "/projects/{project_id}/reviewers/{user_id}": {
            "delete": {
                "summary": "Stop an expert reviewing the project (their decisions stay)",
                "parameters": [path_id("project_id"), path_id("user_id")],
                "responses": {"204": {"description": "Removed"}, **ERRORS},
            }
        },
        "/projects/{project_id}/review": {
            "get": {
                "summary": "Disputed items waiting for adjudication",
                "parameters": [path_id("project_id")],
                "responses": {
                    "200": {
                        "description": "The review queue: items (at most 1,000, "
                        "least agreement first) and total (all "
                        "that wait)"
                    },
                    **ERRORS,
                },
            }
        },
        "/projects/{project_id}/items/{item_id}": {
            "get": {
                "summary": "One item with every expert's answer side by side",
                "parameters": [path_id("project_id"), path_id("item_id")],
                "responses": {"200": {"description": "Item and answers"}, **ERRORS},
            }
        },
        "/projects/{project_id}/items/{item_id}/adjudication": {
            "post": {
                "summary": "A reviewer's final answer for a disputed item: a result, or the id of "
                "one of the item's answers (as listed by the item's detail)",
                "parameters": [path_id("project_id"), path_id("item_id")],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    {
                                        "type": "object",
                                        "required": ["result"],
                                        "properties": {"result": {"type": "object"}},
                                    },
                                    {
                                        "type": "object",
                                        "required": ["answer_id"],
                                        "properties": {"answer_id": {"type": "integer"}},
                                    },
                                ]
                            }
                        }
                    },
                },
                "responses": {
                    "201": {"description": "Recorded"},
                    "409": {"description": "The reviewer answered this item"},
                    **ERRORS,
                },
            }
        },
    }


@bp.delete("/projects/<int:project_id>/reviewers/<int:user_id>")
@api_login_required
def remove_reviewer(project_id: int, user_id: int) -> ResponseReturnValue:
    """Stop an expert reviewing the project."""
    review.remove_reviewer(current_user, project_id, user_id)
    return "", 204


# One rule for both methods: with two rules on one path, an id past BIGINT (which the id
# converter refuses) made Werkzeug answer 405 instead of 404.
@bp.route("/projects/<int:project_id>/reviewers", methods=["GET", "POST"])
@api_login_required
def reviewers(project_id: int) -> ResponseReturnValue:
    """The project's reviewers (its vendor, auditors); POST ``{"email"}`` makes an expert
    one (the project's vendor)."""
    if request.method == "POST":
        expert = review.add_reviewer(current_user, project_id, field(json_object(), "email", str))
        return jsonify(user_id=expert.id), 201
    project = get_owned(Project, project_id, current_user)
    return jsonify(
        reviewers=[
            {"user_id": u.id, "name": u.name, "email": u.email}
            for u in review.project_reviewers(project)
        ]
    )


@bp.get("/projects/<int:project_id>/review")
@api_login_required
def review_items(project_id: int) -> ResponseReturnValue:
    """The items waiting for adjudication (reviewers, the vendor, auditors)."""
    project = review.reviewable_project(current_user, project_id)
    items, total = review.waiting_items(project, enqueue_quality_refresh)
    return jsonify(items=items, total=total)


@bp.get("/projects/<int:project_id>/items/<int:item_id>")
@api_login_required
def item_detail(project_id: int, item_id: int) -> ResponseReturnValue:
    """One item with every expert's answer side by side."""
    project = review.reviewable_project(current_user, project_id)
    detail = review.item_answers(project, item_id)
    answers = [
        {"id": a["id"], "expert": a["expert"], "result": a["result"]} for a in detail.answers
    ]
    return jsonify(
        id=detail.item_id, text=detail.text, answers=answers, adjudication=detail.adjudication
    )


@bp.post("/projects/<int:project_id>/items/<int:item_id>/adjudication")
@api_login_required
def adjudicate(project_id: int, item_id: int) -> ResponseReturnValue:
    """A reviewer's final answer for a disputed item: ``result``, or ``answer_id`` (one of
    the item's answers)."""
    body = json_object()
    if "answer_id" in body:
        done = review.adopt_answer(
            current_user, project_id, item_id, body["answer_id"], enqueue_quality_refresh
        )
    else:
        done = review.adjudicate(
            current_user, project_id, item_id, body.get("result"), enqueue_quality_refresh
        )
    return jsonify(item_id=done.item_id, result=done.result), 201


@bp.get("/projects/<int:project_id>/contributions")
@api_login_required
def contributions(project_id: int) -> ResponseReturnValue:
    """A collection project's contributions (``status``, ``after``, ``limit``) and counts."""
    project = collected.contribution_project(current_user, project_id)
    rows = collected.list_contributions(
        project,
        request.args.get("status") or None,
        query_number("after", 0),
        query_number("limit", collected.PAGE_SIZE),
    )
    return jsonify(
        counts=collected.status_counts(project),
        may_decide=collected.may_decide(current_user, project),
        contributions=rows,
    )


@bp.get("/projects/<int:project_id>/contributions/<int:contribution_id>")
@api_login_required
def contribution(project_id: int, contribution_id: int) -> ResponseReturnValue:
    """One contribution of a collection project."""
    project = collected.contribution_project(current_user, project_id)
    return jsonify(collected.contribution_detail(project, contribution_id))


@bp.post("/projects/<int:project_id>/contributions/<int:contribution_id>/decision")
@api_login_required
def decide_contribution(project_id: int, contribution_id: int) -> ResponseReturnValue:
    """Accept, or reject with a reason, a pending contribution."""
    body = json_object()
    return jsonify(
        collected.decide(
            current_user, project_id, contribution_id, body.get("decision"), body.get("reason")
        )
    )
