"""The ledger API's part of the OpenAPI document: its schemas and paths (issue 12's shapes)."""

from __future__ import annotations

from typing import Any

from app.api.schema import ERRORS, json_content, path_id, ref
from app.ledger.entries import DECLARATION_FIELDS, KINDS, MAX_AMOUNT_FEN

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
            "evidence_ids": {
                "type": "array",
                "items": {"type": "integer"},
                "description": "Uploaded evidence files, for GET /ledger/evidence/{evidence_id}",
            },
        },
    },
    "LedgerDeclaration": {
        "type": "object",
        "additionalProperties": False,
        "required": sorted(DECLARATION_FIELDS),
        "properties": {
            "counterparty_name": {"type": "string"},
            "counterparty_uscc": {"type": "string"},
            "kind": {"enum": list(KINDS)},
            "quantity": {"type": "integer", "minimum": 1},
            "unit": {"type": "string"},
            "amount_fen": {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT_FEN},
            "contract_date": {"type": "string", "format": "date"},
            "evidence": {"type": "array", "items": {"type": "integer"}},
        },
    },
    "LedgerImport": {
        "type": "object",
        "additionalProperties": False,
        "required": ["entries"],
        "properties": {
            "entries": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1000,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["idempotency_key", "declaration"],
                    "properties": {
                        "idempotency_key": {"type": "string", "maxLength": 100},
                        "declaration": ref("LedgerDeclaration"),
                    },
                },
            }
        },
    },
    "LedgerImported": {
        "type": "object",
        "required": ["entries"],
        "properties": {
            "entries": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["seq", "leaf", "leaf_hash", "new"],
                    "properties": {
                        "seq": {"type": "integer"},
                        "leaf": {"type": "string", "contentEncoding": "base64"},
                        "leaf_hash": {"type": "string"},
                        "new": {
                            "type": "boolean",
                            "description": "false: an earlier request had declared it",
                        },
                    },
                },
            }
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


SEQ = [path_id("seq")]
REASON = {
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": {"reason": {"type": "string"}}}
        }
    }
}
ENTRY = json_content(ref("LedgerEntry"))
MULTIPART = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}},
        }
    }
}

# Declaring, listing and deciding entries.
ENTRY_PATHS: dict[str, Any] = {
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
                        "properties": {"entries": {"type": "array", "items": ref("LedgerEntry")}},
                    }
                ),
                **ERRORS,
            },
        },
    },
    "/ledger/entries/batch": {
        "post": {
            "summary": "Import up to 1,000 declarations at once, all or nothing (vendor)",
            "description": "Each line has its own idempotency key, as the header of a single "
            "declaration; the entries get consecutive sequence numbers in the request's order.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref("LedgerImport")}},
            },
            "responses": {"201": json_content(ref("LedgerImported")), **ERRORS},
        }
    },
    "/ledger/entries/{seq}": {
        "get": {
            "summary": "One entry",
            "parameters": SEQ,
            "responses": {"200": ENTRY, **ERRORS},
        }
    },
    "/ledger/entries/{seq}/confirm": {
        "post": {
            "summary": "Confirm a declaration (auditor)",
            "parameters": SEQ,
            "responses": {"201": ENTRY, **ERRORS},
        }
    },
    "/ledger/entries/{seq}/reject": {
        "post": {
            "summary": "Reject a declaration with a reason (auditor)",
            "parameters": SEQ,
            "requestBody": REASON,
            "responses": {"201": ENTRY, **ERRORS},
        }
    },
    "/ledger/entries/{seq}/reverse": {
        "post": {
            "summary": "Reverse a transaction with a reason (its vendor or an auditor)",
            "parameters": SEQ,
            "requestBody": REASON,
            "responses": {"201": ENTRY, **ERRORS},
        }
    },
}

# Inclusion and consistency proofs.
PROOF_PATHS: dict[str, Any] = {
    "/ledger/entries/{seq}/proof": {
        "get": {
            "summary": "RFC 9162 inclusion proof of the entry in the tree of tree_size",
            "parameters": [*SEQ, _query_int("tree_size", "default: the latest signed head")],
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
}

# Evidence, tree heads, statements and the verifier.
DOCUMENT_PATHS: dict[str, Any] = {
    "/ledger/evidence": {
        "post": {
            "summary": "Upload a contract or invoice (PDF, PNG or JPEG) as evidence",
            "requestBody": {"required": True, "content": MULTIPART},
            "responses": {"201": json_content({"type": "object"}), **ERRORS},
        }
    },
    "/ledger/evidence/{evidence_id}": {
        "get": {
            "summary": "Download an evidence file (logged)",
            "description": "For the vendor that uploaded it, the bureau's auditors and the "
            "officials of the vendor's city; 404 for anyone else. The Digest header carries "
            "its SHA-256, as in the entry's leaf.",
            "parameters": [path_id("evidence_id")],
            "responses": {
                "200": {
                    "description": "The file's bytes, as an attachment",
                    "content": {
                        media: {"schema": {"type": "string", "format": "binary"}}
                        for media in ("application/pdf", "image/png", "image/jpeg")
                    },
                },
                **ERRORS,
            },
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


# Work done on the platform: a project's delivery accepted becomes an entry.
DELIVERY_PATHS: dict[str, Any] = {
    "/projects/{project_id}/delivery": {
        "post": {
            "summary": "Mark a project's delivery accepted (vendor): appends a delivery entry",
            "description": (
                "Quantity: the items with a final answer; amount: unit price × quantity; kind "
                "from the task type (collect → collection, clean → cleaning, classify, ner, "
                "bbox → labeling); evidence: the SHA-256 of the newest ready export; the "
                "project's α and check-item accuracy. Once per project (409 after)."
            ),
            "parameters": [path_id("project_id")],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": [
                                "unit_price_fen",
                                "counterparty_name",
                                "counterparty_uscc",
                            ],
                            "properties": {
                                "unit_price_fen": {
                                    "type": "integer",
                                    "minimum": 1,
                                    "maximum": MAX_AMOUNT_FEN,
                                },
                                "counterparty_name": {
                                    "type": "string",
                                    "maxLength": 200,
                                    "description": "The client who accepted the delivery",
                                },
                                "counterparty_uscc": {
                                    "type": "string",
                                    "description": "The client's 统一社会信用代码",
                                },
                            },
                        }
                    }
                },
            },
            "responses": {"201": json_content(ref("LedgerEntry"), "Delivery entry"), **ERRORS},
        }
    }
}


def openapi_paths() -> dict[str, Any]:
    """This area's part of the OpenAPI document."""
    return ENTRY_PATHS | PROOF_PATHS | DOCUMENT_PATHS | DELIVERY_PATHS
