"""The statement document a vendor downloads: its entries with proofs, and the computation.

``statement_document`` assembles plain values (leaf records, their leaf bytes and audit paths,
a signed tree head, a ``VendorSubsidy``) into the JSON that ``verify_statement.py`` checks
offline. Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping, Sequence
from typing import Any

from app.ledger.subsidy import VendorSubsidy, yuan
from app.ledger.verify_statement import LINE_FIELDS

FORMAT = "wanbiao-ledger-statement/1"


def statement_line(
    record: Mapping[str, Any], leaf: bytes, audit_path_hex: Sequence[str]
) -> dict[str, Any]:
    """One line: the entry's own fields, its leaf (base64) and its RFC 6962 audit path (hex)."""
    line = dict(zip(LINE_FIELDS, map(record.get, LINE_FIELDS), strict=True))
    line["leaf_index"] = record["seq"] - 1
    line["leaf"] = binascii.b2a_base64(leaf, newline=False).decode("ascii")
    line["audit_path"] = list(audit_path_hex)
    return line


def statement_lines(
    records: Sequence[Mapping[str, Any]],
    leaves: Sequence[bytes],
    audit_paths_hex: Sequence[list[str]],
) -> list[dict[str, Any]]:
    """``statement_line`` of many entries at once (a statement may have 100,000 lines).

    The paths become the lines' own (not copied); the leaves are encoded in one pass.
    """
    encoded = b"\n".join([binascii.b2a_base64(leaf, newline=False) for leaf in leaves])
    leaves_base64 = encoded.decode("ascii").split("\n") if leaves else []
    lines = []
    for record, leaf, path in zip(records, leaves_base64, audit_paths_hex, strict=True):
        get = record.get
        lines.append(
            {
                "seq": get("seq"),
                "type": get("type"),
                "kind": get("kind"),
                "amount_fen": get("amount_fen"),
                "contract_date": get("contract_date"),
                "refers_to": get("refers_to"),
                "counterparty_name": get("counterparty_name"),
                "counterparty_uscc": get("counterparty_uscc"),
                "leaf_index": record["seq"] - 1,
                "leaf": leaf,
                "audit_path": path,
            }
        )
    return lines


def statement_document(
    vendor: Mapping[str, Any],
    head: Mapping[str, Any],
    lines: list[dict[str, Any]],
    result: VendorSubsidy,
) -> dict[str, Any]:
    """The whole statement: vendor, signed tree head, lines marked counted or not, computation.

    ``lines`` come from ``statement_line``; each gets ``counted`` and ``reason`` from the
    subsidy's own lines (status entries such as confirmations carry neither).
    """
    verdicts = {line.seq: line for line in result.lines}
    for line in lines:
        verdict = verdicts.get(line["seq"])
        if verdict is not None:
            line["counted"], line["reason"] = verdict.counted, verdict.reason
    return {
        "format": FORMAT,
        "vendor": dict(vendor),
        "year": result.year,
        "tree_head": dict(head),
        "lines": lines,
        "subsidy": subsidy_summary(result),
    }


def subsidy_summary(result: VendorSubsidy) -> dict[str, Any]:
    """The computation as JSON: volumes by kind, each step with its formula, the subsidy."""
    return {
        "policy_version": result.policy_version,
        "city": result.city,
        "volume_by_kind_fen": dict(result.volume_by_kind),
        "volume_fen": result.volume_fen,
        "steps": [
            {"code": step.code, "formula": step.formula, "value_yuan": yuan(step.value_fen)}
            for step in result.steps
        ],
        "subsidy_fen": result.subsidy_fen,
        "capped": result.capped,
    }
