"""The OpenAPI 3 description of /api/v1, served at /api/v1/openapi.json: each API area
module owns its paths and schemas; this module puts them together."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask.typing import ResponseReturnValue

from app.api import (
    accounts,
    audit_log,
    corpora,
    corpus_items,
    exports,
    labeling,
    ledger_schema,
    pools,
    projects,
    quality,
    releases,
    review,
    schema,
    uploads,
)
from app.api.blueprint import bp

AREAS = (
    accounts,
    audit_log,
    corpora,
    corpus_items,
    pools,
    projects,
    uploads,
    labeling,
    review,
    exports,
    quality,
    ledger_schema,
    releases,
)


def _paths() -> dict[str, Any]:
    """Every documented path, one area of the API after another."""
    paths: dict[str, Any] = {}
    for area in AREAS:
        paths.update(area.openapi_paths())
    return paths


def _schemas() -> dict[str, Any]:
    schemas = dict(schema.SCHEMAS)
    for area in AREAS:
        schemas.update(getattr(area, "SCHEMAS", {}))
    return schemas


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Wanbiao API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Created on the account page (/account/tokens) or with "
                    "`flask --app wsgi users token EMAIL`; expires after "
                    "WANBIAO_API_TOKEN_DAYS days",
                }
            },
        },
        "paths": _paths(),
    }


@bp.get("/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """The API description."""
    return jsonify(openapi_document())
