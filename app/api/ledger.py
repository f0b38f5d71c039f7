"""Ledger routes (issue 12): entries, evidence, status changes, proofs, tree heads, statements.

The shapes are contracts other tools verify: a tree head is ``{"tree_size", "root_hash",
"timestamp", "signature", "public_key"}``, an entry carries ``"seq"`` and ``"leaf"``, a proof
is ``{"leaf_index", "tree_size", "audit_path"}``, a consistency proof ``{"from", "to",
"proof"}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Response, current_app, jsonify, request, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.api.blueprint import api_login_required, bp
from app.api.schema import ERRORS, json_content, path_id, ref
from app.csv_export import csv_lines
from app.database import begin_write
from app.exceptions import Forbidden, Invalid, NotFound
from app.ledger import log, services, statement_service, verify_statement
from app.ledger.evidence import store_evidence
from app.models import Role
from app.signing import platform_signing_key
from app.storage import object_store

HEX_LIST = {"type": "array", "items": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}
SCHEMAS: dict[str, Any] = {
    "LedgerEntry": {
        "type": "object",
        "required": ["seq", "leaf", "type", "vendor_id"],
        "properties": {
            "seq": {"type": "integer"},
            "leaf": {
                "type": "string",
                "contentEncoding": "base64",
                "description": "The exact bytes whose RFC 6962 leaf hash is in the tree",
            },
            "leaf_hash": {"type": "string"},
            "type": {"type": "string"},
            "vendor_id": {"type": "integer"},
            "amount_fen": {"type": "integer"},
            "status": {"enum": ["declared", "confirmed", "rejected", "reversed"]},
        },
    },
    "LedgerDeclaration": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "counterparty_name",
            "counterparty_uscc",
            "kind",
            "quantity",
            "unit",
            "amount_fen",
            "contract_date",
            "evidence",
        ],
        "properties": {
            "counterparty_name": {"type": "string"},
            "counterparty_uscc": {"type": "string"},
            "kind": {
                "enum": ["collection", "cleaning", "labeling", "dataset_sale", "dataset_licence"]
            },
            "quantity": {"type": "integer", "minimum": 1},
            "unit": {"type": "string"},
            "amount_fen": {"type": "integer", "minimum": 1, "maximum": 999999999999999},
            "contract_date": {"type": "string", "format": "date"},
            "evidence": {"type": "array", "items": {"type": "integer"}},
        },
    },
    "TreeHead": {
        "type": "object",
        "required": ["tree_size", "root_hash", "timestamp", "signature", "public_key"],
        "properties": {
            "tree_size": {"type": "integer"},
            "root_hash": {"type": "string"},
            "timestamp": {"type": "string"},
            "signature": {"type": "string"},
            "public_key": {"type": "string"},
        },
    },
    "InclusionProof": {
        "type": "object",
        "required": ["leaf_index", "tree_size", "audit_path"],
        "properties": {
            "leaf_index": {"type": "integer"},
            "tree_size": {"type": "integer"},
            "audit_path": HEX_LIST,
        },
    },
    "ConsistencyProof": {
        "type": "object",
        "required": ["from", "to", "proof"],
        "properties": {"from": {"type": "integer"}, "to": {"type": "integer"}, "proof": HEX_LIST},
    },
}


def _query_int(name: str, value: str | None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": value is None,
        "schema": {"type": "integer"},
        **({"description": value} if value else {}),
    }


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    seq, reason = (
        [path_id("seq")],
        {
            "content": {
                "application/json": {
                    "schema": {"type": "object", "properties": {"reason": {"type": "string"}}}
                }
            }
        },
    )
    entry = json_content(ref("LedgerEntry"))
    multipart = {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    }
    return {
        "/ledger/entries": {
            "post": {
                "summary": "Declare an external transaction (vendor)",
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 100},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("LedgerDeclaration")}},
                },
                "responses": {
                    "201": json_content(
                        ref("LedgerEntry"),
                        "Appended, or the entry of an earlier request with the same key and body",
                    ),
                    **ERRORS,
                },
            },
            "get": {
                "summary": "Entries in sequence order (a vendor sees its own)",
                "parameters": [
                    _query_int("limit", "1 to 1000, default 100"),
                    _query_int("after", "a sequence number, default 0"),
                ],
                "responses": {
                    "200": json_content(
                        {
                            "type": "object",
                            "properties": {
                                "entries": {"type": "array", "items": ref("LedgerEntry")}
                            },
                        }
                    ),
                    **ERRORS,
                },
            },
        },
        "/ledger/entries/{seq}": {
            "get": {
                "summary": "One entry",
                "parameters": seq,
                "responses": {"200": entry, **ERRORS},
            }
        },
        "/ledger/entries/{seq}/confirm": {
            "post": {
                "summary": "Confirm a declaration (auditor)",
                "parameters": seq,
                "responses": {"201": entry, **ERRORS},
            }
        },
        "/ledger/entries/{seq}/reject": {
            "post": {
                "summary": "Reject a declaration with a reason (auditor)",
                "parameters": seq,
                "requestBody": reason,
                "responses": {"201": entry, **ERRORS},
            }
        },
        "/ledger/entries/{seq}/reverse": {
            "post": {
                "summary": "Reverse a transaction with a reason (its vendor or an auditor)",
                "parameters": seq,
                "requestBody": reason,
                "responses": {"201": entry, **ERRORS},
            }
        },
        "/ledger/entries/{seq}/proof": {
            "get": {
                "summary": "RFC 9162 inclusion proof of the entry in the tree of tree_size",
                "parameters": [*seq, _query_int("tree_size", "default: the latest signed head")],
                "responses": {"200": json_content(ref("InclusionProof")), **ERRORS},
            }
        },
        "/ledger/consistency": {
            "get": {
                "summary": "RFC 9162 consistency proof between two tree sizes",
                "parameters": [_query_int("from", None), _query_int("to", None)],
                "responses": {"200": json_content(ref("ConsistencyProof")), **ERRORS},
            }
        },
        "/ledger/evidence": {
            "post": {
                "summary": "Upload a contract or invoice (PDF, PNG or JPEG) as evidence",
                "requestBody": {"required": True, "content": multipart},
                "responses": {"201": json_content({"type": "object"}), **ERRORS},
            }
        },
        "/ledger/tree-heads/latest": {
            "get": {
                "summary": "The newest signed tree head",
                "responses": {"200": json_content(ref("TreeHead")), **ERRORS},
            }
        },
        "/ledger/tree-heads": {
            "post": {
                "summary": "Sign a tree head of the log now (auditor)",
                "responses": {"201": json_content(ref("TreeHead")), **ERRORS},
            }
        },
        "/ledger/statements/{organization_id}/{year}": {
            "get": {
                "summary": "A vendor's yearly statement with proofs; ?format=csv or xlsx",
                "parameters": [
                    path_id("organization_id"),
                    path_id("year"),
                    {"name": "format", "in": "query", "schema": {"enum": ["json", "csv", "xlsx"]}},
                ],
                "responses": {"200": {"description": "JSON statement, CSV or XLSX"}, **ERRORS},
            }
        },
        "/ledger/verifier.py": {
            "get": {
                "summary": "The stand-alone statement verifier (Python, needs `cryptography`)",
                "responses": {"200": {"description": "text/x-python"}},
            }
        },
    }


def _int_arg(name: str, default: int | None) -> int:
    raw = request.args.get(name)
    if raw is None and default is not None:
        return default
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise Invalid(_("“%(name)s” must be a whole number.", name=name), code="bad_query")
    return int(raw)


@bp.post("/ledger/entries")
@api_login_required
def declare_entry() -> ResponseReturnValue:
    """Declare an external transaction (Idempotency-Key header required)."""
    entry, _new = services.declare_transaction(
        current_user, request.get_json(silent=True), request.headers.get("Idempotency-Key")
    )
    return jsonify(services.entries_json([entry])[0]), 201


@bp.get("/ledger/entries")
@api_login_required
def list_entries() -> ResponseReturnValue:
    """Entries after a sequence number, in order."""
    rows = services.list_entries(current_user, _int_arg("after", 0), _int_arg("limit", 100))
    return jsonify(entries=services.entries_json(rows))


@bp.get("/ledger/entries/<int:seq>")
@api_login_required
def show_entry(seq: int) -> ResponseReturnValue:
    """One entry."""
    return jsonify(services.entries_json([services.visible_entry(current_user, seq)])[0])


def _status_change(seq: int, entry_type: str) -> ResponseReturnValue:
    body = request.get_json(silent=True) or {}
    reason = body.get("reason") if isinstance(body, dict) else None
    if reason is not None and not isinstance(reason, str):
        raise Invalid(_("The reason must be text."), code="bad_field")
    entry = services.change_status(current_user, seq, entry_type, reason)
    return jsonify(services.entry_json(entry)), 201


@bp.post("/ledger/entries/<int:seq>/confirm")
@api_login_required
def confirm_entry(seq: int) -> ResponseReturnValue:
    """Confirm a declaration (auditors)."""
    return _status_change(seq, "confirmation")


@bp.post("/ledger/entries/<int:seq>/reject")
@api_login_required
def reject_entry(seq: int) -> ResponseReturnValue:
    """Reject a declaration with a reason (auditors)."""
    return _status_change(seq, "rejection")


@bp.post("/ledger/entries/<int:seq>/reverse")
@api_login_required
def reverse_entry(seq: int) -> ResponseReturnValue:
    """Reverse a transaction with a reason."""
    return _status_change(seq, "reversal")


@bp.get("/ledger/entries/<int:seq>/proof")
@api_login_required
def entry_proof(seq: int) -> ResponseReturnValue:
    """Inclusion proof of one entry."""
    services.visible_entry(current_user, seq)
    head = log.latest_head()
    size = _int_arg("tree_size", head.tree_size if head else log.tree_size())
    return jsonify(log.inclusion_proof(seq, size))


@bp.get("/ledger/consistency")
@api_login_required
def consistency() -> ResponseReturnValue:
    """Consistency proof between two tree sizes."""
    return jsonify(log.consistency_proof(_int_arg("from", None), _int_arg("to", None)))


@bp.post("/ledger/evidence")
@api_login_required
def upload_evidence() -> ResponseReturnValue:
    """Upload one evidence file (multipart ``file``)."""
    upload = request.files.get("file")
    if upload is None:
        raise Invalid(_("Choose a file to upload."), code="no_file")
    evidence = store_evidence(
        current_user, upload.filename or "evidence", upload.stream, object_store()
    )
    return jsonify(
        id=evidence.id,
        sha256=evidence.sha256,
        media_type=evidence.media_type,
        size_bytes=evidence.size_bytes,
    ), 201


@bp.get("/ledger/tree-heads/latest")
@api_login_required
def latest_tree_head() -> ResponseReturnValue:
    """The newest signed tree head."""
    head = log.latest_head()
    if head is None:
        raise NotFound(_("No tree head has been signed yet."))
    return jsonify(head.as_json())


@bp.post("/ledger/tree-heads")
@api_login_required
def sign_tree_head() -> ResponseReturnValue:
    """Sign a tree head now (auditors)."""
    if current_user.role != Role.AUDITOR:
        raise Forbidden(_("Only the bureau's auditors sign tree heads on demand."))
    begin_write()
    head = log.sign_head(platform_signing_key(current_app.config), current_user)
    return jsonify(head.as_json()), 201


@bp.get("/ledger/statements/<int:organization_id>/<int:year>")
@api_login_required
def statement(organization_id: int, year: int) -> ResponseReturnValue:
    """A vendor's statement for a year: JSON, or ``?format=csv`` / ``xlsx``."""
    document = statement_service.vendor_statement(current_user, organization_id, year)
    kind = request.args.get("format", "json")
    name = f"ledger-statement-{organization_id}-{year}"
    if kind == "csv":
        return Response(
            csv_lines(statement_service.statement_rows(document)),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={name}.csv"},
        )
    if kind == "xlsx":
        return Response(
            statement_service.statement_xlsx(document),
            headers={"Content-Disposition": f"attachment; filename={name}.xlsx"},
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return jsonify(document)


@bp.get("/ledger/verifier.py")
def verifier_script() -> ResponseReturnValue:
    """The stand-alone verifier, to check a statement offline."""
    return send_file(
        Path(verify_statement.__file__),
        mimetype="text/x-python",
        as_attachment=True,
        download_name="verify_statement.py",
    )
