"""Project routes: create, read, check items, the managers' task list."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, stream_with_context
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.api.blueprint import api_login_required, bp, field, json_object
from app.api.schema import EMAIL_BODY, ERRORS, INT_ID, json_content, path_id, ref
from app.csv_export import csv_lines
from app.exceptions import Invalid
from app.models import Project
from app.projects import gold, invitations, task_list
from app.projects import services as projects
from app.scoping import get_managed, get_owned

SCHEMAS: dict[str, Any] = {
    "NewProject": {
        "type": "object",
        "required": ["name", "corpus_id", "type", "overlap"],
        "properties": {
            "name": {"type": "string"},
            "corpus_id": {"type": "integer"},
            "type": {"type": "string", "enum": ["classify", "ner", "clean", "bbox", "collect"]},
            "multi": {"type": "boolean"},
            "allow_overlap": {"type": "boolean"},
            "domains": {"type": "array", "items": {"type": "string"}},
            "gold_ratio": {"type": "number", "minimum": 0, "maximum": 0.5},
            "gold_pass_mark": {"type": "number", "minimum": 0, "maximum": 1},
            "gold_item_threshold": {
                "type": "number",
                "minimum": 0.05,
                "maximum": 1,
                "description": "Score a check answer needs to count as right: Jaccard of the "
                "label sets (multi-label), F1 of exact spans, F1 of boxes matched at IoU 0.5 "
                "with the same label, or 1 - normalised edit distance (cleaning); default 0.8",
            },
            "gold_feedback": {"type": "boolean"},
            "qualification_size": {"type": "integer", "minimum": 1, "maximum": 100},
            "lease_seconds": {"type": "integer", "minimum": 60, "maximum": 86400},
            "daily_cap": {
                "type": "integer",
                "minimum": 1,
                "description": "Tasks one expert may answer or skip per day",
            },
            "skip_ratio": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": "Share of opened tasks an expert may skip (after 10) before "
                "the project pauses them",
            },
            "invitation_only": {
                "type": "boolean",
                "description": "Only experts the vendor invited get this project's items",
            },
            "prompt": {"type": "string"},
            "labels": {"type": "array", "items": {"type": "string"}, "maxItems": 50},
            "overlap": {"type": "integer", "minimum": 1, "maximum": 5},
            "instructions": {"type": "string"},
        },
    },
}


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    return {
        "/projects": {
            "post": {
                "summary": "Create a project over a ready corpus",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("NewProject")}},
                },
                "responses": {"201": json_content(INT_ID, "Created"), **ERRORS},
            }
        },
        "/projects/{project_id}": {
            "get": {
                "summary": "A project's settings, options and progress",
                "parameters": [path_id("project_id")],
                "responses": {"200": {"description": "The project"}, **ERRORS},
            }
        },
        **_invitation_paths(),
        "/projects/{project_id}/tasks": {
            "get": {
                "summary": "Managers' task list (50 a page, no total: has_next instead)",
                "parameters": [path_id("project_id")]
                + [
                    {"name": n, "in": "query", "required": False, "schema": schema}
                    for n, schema in (
                        ("status", {"enum": list(task_list.STATUSES)}),
                        ("annotator", {"type": "integer"}),
                        ("label", {"type": "string"}),
                        ("sort", {"enum": ["id", "-id", "last_answer_at", "-last_answer_at"]}),
                        ("page", {"type": "integer", "minimum": 1}),
                    )
                ],
                "responses": {"200": {"description": "One page of tasks"}, **ERRORS},
            }
        },
        "/projects/{project_id}/tasks.csv": {
            "get": {
                "summary": "The whole task list, filtered like /tasks (status, annotator, "
                "label), as streamed formula-safe CSV",
                "parameters": [path_id("project_id")],
                "responses": {"200": {"description": "text/csv"}, **ERRORS},
            }
        },
        "/projects/{project_id}/gold": {
            "post": {
                "summary": "Mark items as check (gold) items with their known answers",
                "parameters": [path_id("project_id")],
                "requestBody": {
                    "required": True,
                    "content": {
                        "text/csv": {
                            "schema": {
                                "type": "string",
                                "description": "A header with item_id and label (several "
                                "labels joined by |), text (the cleaned text) or answer "
                                "(JSON); UTF-8",
                            }
                        },
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["items"],
                                "properties": {
                                    "items": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["item_id", "answer"],
                                            "properties": {
                                                "item_id": {"type": "integer"},
                                                "answer": {"type": "object"},
                                            },
                                        },
                                    }
                                },
                            }
                        },
                    },
                },
                "responses": {"200": {"description": "Count of check items set"}, **ERRORS},
            },
            "get": {
                "summary": "The project's check items: item_id, answer, answered_by, text",
                "parameters": [path_id("project_id")],
                "responses": {"200": {"description": "The check items"}, **ERRORS},
            },
        },
        "/projects/{project_id}/gold/{item_id}": {
            "delete": {
                "summary": "Make a check item an ordinary task again (409 once answered)",
                "parameters": [path_id("project_id"), path_id("item_id")],
                "responses": {"204": {"description": "Removed"}, **ERRORS},
            }
        },
    }


def _invitation_paths() -> dict[str, Any]:
    expert = {
        "type": "object",
        "required": ["user_id", "email", "name"],
        "properties": {
            "user_id": {"type": "integer"},
            "email": {"type": "string"},
            "name": {"type": "string"},
        },
    }
    return {
        "/projects/{project_id}/invitations": {
            "get": {
                "summary": "Experts invited to the project (its vendor)",
                "parameters": [path_id("project_id")],
                "responses": {
                    "200": json_content({"type": "array", "items": expert}),
                    **ERRORS,
                },
            },
            "post": {
                "summary": "Invite a named expert (by email) to the project",
                "parameters": [path_id("project_id")],
                "requestBody": EMAIL_BODY,
                "responses": {"201": json_content(expert, "Invited"), **ERRORS},
            },
        },
        "/projects/{project_id}/invitations/{user_id}": {
            "delete": {
                "summary": "Withdraw an expert's invitation",
                "parameters": [path_id("project_id"), path_id("user_id")],
                "responses": {"204": {"description": "Withdrawn"}, **ERRORS},
            }
        },
    }


PROJECT_OPTIONS = (
    "multi",
    "allow_overlap",
    "domains",
    "gold_ratio",
    "gold_pass_mark",
    "gold_item_threshold",
    "gold_feedback",
    "qualification_size",
    "lease_seconds",
    "daily_cap",
    "skip_ratio",
    "invitation_only",
    "prompt",
    "contributions",
)


@bp.post("/projects")
@api_login_required
def create_project() -> ResponseReturnValue:
    """Create a project over a ready corpus."""
    body = json_object()
    labels = field(body, "labels", list, [])
    if not all(isinstance(label, str) for label in labels):
        raise Invalid(_("Labels must be strings."), code="bad_field")
    spec = projects.ProjectSpec(
        name=field(body, "name", str),
        corpus_id=field(body, "corpus_id", int),
        task_type=field(body, "type", str),
        labels=tuple(labels),
        overlap=field(body, "overlap", int),
        instructions=field(body, "instructions", str, ""),
        options={name: body[name] for name in PROJECT_OPTIONS if name in body},
    )
    project = projects.create_project(current_user, spec)
    return jsonify(id=project.id), 201


@bp.get("/projects/<int:project_id>")
@api_login_required
def show_project(project_id: int) -> ResponseReturnValue:
    """A project's settings and progress."""
    project = get_owned(Project, project_id, current_user)
    progress = projects.project_progress(project)
    return jsonify(
        id=project.id,
        name=project.name,
        type=project.task_type,
        corpus_id=project.corpus_id,
        labels=project.labels,
        overlap=project.overlap,
        options=project.options,
        instructions=project.instructions,
        items_total=progress.items_total,
        items_complete=progress.items_complete,
    )


@bp.post("/projects/<int:project_id>/gold")
@api_login_required
def set_gold(project_id: int) -> ResponseReturnValue:
    """Mark items as gold (check) items: ``{"items": [{"item_id", "answer"}, ...]}``."""
    project = get_managed(Project, project_id, current_user)
    if request.mimetype == "text/csv":
        count = gold.set_gold_answers(current_user, project, gold.parse_gold_csv(request.stream))
        return jsonify(gold_items=count)
    entries = field(json_object(), "items", list)
    if not all(isinstance(e, dict) and isinstance(e.get("item_id"), int) for e in entries):
        raise Invalid(_("Each check item needs an item_id and an answer."), code="bad_field")
    count = gold.set_gold_answers(
        current_user, project, [(e["item_id"], e.get("answer")) for e in entries]
    )
    return jsonify(gold_items=count)


@bp.get("/projects/<int:project_id>/gold")
@api_login_required
def list_gold(project_id: int) -> ResponseReturnValue:
    """The project's check items with their known answers."""
    project = get_managed(Project, project_id, current_user)
    return jsonify(gold.gold_items(project))


@bp.delete("/projects/<int:project_id>/gold/<int:item_id>")
@api_login_required
def remove_gold(project_id: int, item_id: int) -> ResponseReturnValue:
    """Make a check item an ordinary task again (before any expert answered it)."""
    gold.remove_gold(current_user, get_managed(Project, project_id, current_user), item_id)
    return "", 204


@bp.get("/projects/<int:project_id>/tasks")
@api_login_required
def tasks(project_id: int) -> ResponseReturnValue:
    """Managers' task list: ``status``, ``annotator``, ``label``, ``sort``, ``page``."""
    project = get_owned(Project, project_id, current_user)
    return jsonify(task_list.list_tasks(project, task_list.parse_task_query(request.args)))


@bp.get("/projects/<int:project_id>/tasks.csv")
@api_login_required
def tasks_csv(project_id: int) -> ResponseReturnValue:
    """The filtered task list as streamed CSV."""
    project = get_owned(Project, project_id, current_user)
    query = task_list.parse_task_query(request.args)
    return Response(
        stream_with_context(csv_lines(task_list.task_csv_rows(project, query))),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=project-{project.id}-tasks.csv"},
    )


def _expert_json(user: Any) -> dict[str, Any]:
    return {"user_id": user.id, "email": user.email, "name": user.name}


@bp.get("/projects/<int:project_id>/invitations")
@api_login_required
def list_invitations(project_id: int) -> ResponseReturnValue:
    """The experts invited to a project of the caller's organization."""
    project = get_managed(Project, project_id, current_user)
    return jsonify([_expert_json(u) for u in invitations.invited_experts(project)])


@bp.post("/projects/<int:project_id>/invitations")
@api_login_required
def invite(project_id: int) -> ResponseReturnValue:
    """Invite an expert by email to an invitation-only project."""
    email = field(json_object(), "email", str)
    expert = invitations.invite_expert(current_user, project_id, email)
    return jsonify(_expert_json(expert)), 201


@bp.delete("/projects/<int:project_id>/invitations/<int:user_id>")
@api_login_required
def withdraw_invitation(project_id: int, user_id: int) -> ResponseReturnValue:
    """Withdraw an expert's invitation."""
    invitations.withdraw_invitation(current_user, project_id, user_id)
    return "", 204
