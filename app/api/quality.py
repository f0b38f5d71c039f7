"""Quality routes: a project's report, its per-item table, one expert's reliability."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.api.blueprint import api_login_required, bp
from app.api.schema import ERRORS, json_content, path_id, ref
from app.jobs import enqueue_quality_refresh
from app.models import Project
from app.quality.collection import acceptance
from app.quality.experts import expert_reliability
from app.quality.item_table import SORTS as ITEM_SORTS
from app.quality.item_table import parse_item_query
from app.quality.stored import item_table, latest_report, project_quality
from app.scoping import get_owned

_QUALITY_ITEM = {
    "type": "object",
    "properties": {
        "item_id": {"type": "integer"},
        "answers": {"type": "integer"},
        "agreement": {"type": ["number", "null"]},
        "consensus": {
            "type": ["string", "null"],
            "description": "Dawid–Skene label (classify) or a summary of the majority "
            "answer; null without a majority",
        },
        "posterior": {"type": ["number", "null"]},
        "is_gold": {"type": "boolean"},
        "adjudicated": {"type": "boolean"},
        "text_preview": {"type": ["string", "null"]},
    },
}

_ACCEPTANCE_FIGURES = {
    "accepted": {"type": "integer"},
    "rejected": {"type": "integer"},
    "pending": {"type": "integer", "description": "Waiting for a decision"},
    "decided": {"type": "integer", "description": "accepted + rejected"},
    "acceptance_rate": {
        "type": ["number", "null"],
        "description": "accepted / decided; null before any decision",
    },
}

SCHEMAS: dict[str, Any] = {
    "Acceptance": {
        "type": "object",
        "properties": {
            "overall": {
                "type": "object",
                "properties": {
                    **_ACCEPTANCE_FIGURES,
                    "wanted": {"type": "integer", "description": "Contributions asked for"},
                },
            },
            "experts": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "user_id": {"type": "integer"},
                        "name": {"type": "string"},
                        **_ACCEPTANCE_FIGURES,
                    },
                },
            },
        },
    },
    "ExpertReliability": {
        "type": "object",
        "properties": {
            "project_id": {"type": "integer"},
            "user_id": {"type": "integer"},
            "name": {"type": "string"},
            "kind": {"type": ["string", "null"]},
            "answers": {"type": "integer"},
            "gold_correct": {"type": "integer"},
            "gold_total": {"type": "integer"},
            "gold_low": {"type": ["number", "null"]},
            "gold_high": {"type": ["number", "null"]},
            "ds_accuracy": {"type": ["number", "null"]},
            "label_reliability": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "label": {"type": "string"},
                        "reliability": {"type": ["number", "null"]},
                    },
                },
            },
            "computed_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "QualityItems": {
        "type": "object",
        "properties": {
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "has_next": {"type": "boolean"},
            "sort": {"type": "string"},
            "items": {"type": "array", "items": _QUALITY_ITEM},
        },
    },
    "Quality": {
        "type": "object",
        "properties": {
            "items_total": {"type": "integer"},
            "items_complete": {"type": "integer"},
            "annotations": {"type": "integer"},
            "krippendorff_alpha": {"type": ["number", "null"]},
            "computed_at": {"type": ["string", "null"], "format": "date-time"},
            "stale": {"type": "boolean"},
            "acceptance": {
                "oneOf": [{"$ref": "#/components/schemas/Acceptance"}, {"type": "null"}],
                "description": "Collection projects: the review decisions so far (null for "
                "the other task types)",
            },
            "report": {
                "type": ["object", "null"],
                "description": (
                    "The newest report: kind (classify, ner, clean, bbox), overall, per_label, "
                    "experts (answers, agreement figures of the kind, gold_correct/gold_total with "
                    "the Wilson interval gold_low..gold_high, and for classify ds_accuracy and "
                    "ds_diagonal, P(answer = true label) per label), review, review_total, "
                    "item_lines; the per-item lines page at /projects/{id}/quality/items"
                ),
            },
        },
    },
}


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    return {
        "/projects/{project_id}/quality": {
            "get": {
                "summary": "Progress and Krippendorff's alpha (nominal)",
                "parameters": [path_id("project_id")],
                "responses": {"200": json_content(ref("Quality")), **ERRORS},
            }
        },
        "/projects/{project_id}/quality/items": {
            "get": {
                "summary": "The per-item table of the newest quality report, one page",
                "parameters": [
                    path_id("project_id"),
                    {
                        "name": "sort",
                        "in": "query",
                        "schema": {"enum": list(ITEM_SORTS)},
                        "description": "'-' before a column sorts descending; empty "
                        "values sort last",
                    },
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                ],
                "responses": {
                    "200": json_content(ref("QualityItems")),
                    "400": json_content(ref("Error"), "Unknown sort or page"),
                    **ERRORS,
                },
            }
        },
        "/projects/{project_id}/quality/experts/{user_id}": {
            "get": {
                "summary": "One expert's reliability: check-item accuracy with its Wilson "
                "interval, agreement figures and, for classify, the Dawid–Skene confusion "
                "diagonal per label. Experts may read only their own (else 404)",
                "parameters": [path_id("project_id"), path_id("user_id")],
                "responses": {"200": json_content(ref("ExpertReliability")), **ERRORS},
            }
        },
    }


@bp.get("/projects/<int:project_id>/quality")
@api_login_required
def quality(project_id: int) -> ResponseReturnValue:
    """Progress and Krippendorff's α of a project."""
    project = get_owned(Project, project_id, current_user)
    summary = project_quality(project, enqueue_quality_refresh)
    report = latest_report(project.id)
    return jsonify(
        {
            **summary,
            "acceptance": acceptance(project) if project.task_type == "collect" else None,
            "report": report.payload if report else None,
        }
    )


@bp.get("/projects/<int:project_id>/quality/items")
@api_login_required
def quality_items(project_id: int) -> ResponseReturnValue:
    """The per-item table of the newest report: ``sort`` (allow-list) and ``page``."""
    project = get_owned(Project, project_id, current_user)
    query = parse_item_query(request.args.to_dict())
    return jsonify(item_table(project, query, enqueue_quality_refresh))


@bp.get("/projects/<int:project_id>/quality/experts/<int:user_id>")
@api_login_required
def expert_quality(project_id: int, user_id: int) -> ResponseReturnValue:
    """One expert's reliability (an expert may read only their own)."""
    return jsonify(
        expert_reliability(current_user, project_id, user_id, enqueue_quality_refresh).as_json()
    )
