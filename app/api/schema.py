"""Building blocks of the OpenAPI document shared by every API area."""

from __future__ import annotations

from typing import Any


def ref(name: str) -> dict[str, str]:
    """A reference to a schema of ``components/schemas``."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_content(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    """A response whose JSON body follows ``schema``."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def object_of(**types: str) -> dict[str, Any]:
    """An object whose named fields, all required, have the given JSON types."""
    return {
        "type": "object",
        "required": list(types),
        "properties": {name: {"type": kind} for name, kind in types.items()},
    }


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    """A required JSON request body following ``schema``."""
    return {"required": True, "content": {"application/json": {"schema": schema}}}


# ``{"email": …}``: an expert named by email address (invitations, reviewers, pools).
EMAIL_BODY = json_body(object_of(email="string"))


def path_id(name: str) -> dict[str, Any]:
    """An integer id in the path."""
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}


ERRORS = {
    str(code): json_content(ref("Error"), text)
    for code, text in (
        (
            400,
            "Malformed request: a multipart part without a name, JSON nested too deep, or a "
            "browser session's write without its CSRF token",
        ),
        (401, "No valid session or token"),
        (403, "The caller's role may not do this"),
        (404, "Not found, or another organization's id"),
        (409, "Lease expired or task already answered"),
        (413, "Upload or JSON body too large"),
        (422, "Invalid input"),
        (503, "Object storage unavailable"),
    )
}

INT_ID = {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "details": {"type": "array"},
                },
            }
        },
    },
}
