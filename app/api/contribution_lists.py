"""What the two lists of collected contributions share: the reviewers' list of a project
(:mod:`app.api.review`, keyset pages by ``after`` and ``limit``) and an expert's own list
(:mod:`app.api.labeling`, numbered pages), in the OpenAPI document and in reading their query.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _

from app.api.schema import json_content
from app.exceptions import Invalid
from app.models.contributions import CONTRIBUTION_STATUSES

STATUS = {"type": "string", "enum": list(CONTRIBUTION_STATUSES)}
STATUS_FILTER = {
    "name": "status",
    "in": "query",
    "schema": STATUS,
    "description": "Only the contributions of this status",
}
KIND = {"type": "string", "enum": ["text", "image"]}
# What was decided on a contribution and when, as both lists show it.
DECISION_FIELDS = {
    "status": STATUS,
    "reason": {"type": ["string", "null"], "description": "Why it was rejected"},
    "created_at": {"type": "string", "format": "date-time"},
    "decided_at": {"type": ["string", "null"], "format": "date-time"},
}
COUNTS = {
    "type": "object",
    "additionalProperties": {"type": "integer"},
    "description": "How many contributions of each status, over every page",
}


def contribution_list(rows: dict[str, Any], **paging: dict[str, Any]) -> dict[str, Any]:
    """The 200 response of a contribution list: ``counts`` per status, the list's paging
    fields (``paging``: name → schema) and ``contributions``, each following ``rows``."""
    return json_content(
        {
            "type": "object",
            "properties": {
                "counts": COUNTS,
                **paging,
                "contributions": {"type": "array", "items": rows},
            },
        }
    )


def query_number(name: str, default: int) -> int:
    """A whole-number query parameter (``default`` when absent or empty); Invalid
    (``bad_query``) for a sign, a fraction, other digits than ASCII or more than 18 of them,
    before anything is read."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise Invalid(
            _("Query parameter “%(name)s” must be a whole number.", name=name), code="bad_query"
        )
    return int(raw)
