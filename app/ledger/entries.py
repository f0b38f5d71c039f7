"""Ledger entries as plain data: checked declarations and the canonical bytes of each leaf.

Every entry is one leaf of the Merkle tree. Its leaf is the canonical JSON (sorted keys, no
spaces, UTF-8) of a flat object with ``"v": 1``, ``"seq"``, ``"type"``, ``"vendor_id"``,
``"actor_id"``, ``"recorded_at"`` and the fields of its type. Money is integer fen and there
are no floats in a leaf at all (quality figures are fixed-point strings), so every language
re-serialises a leaf to the same bytes. Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.ledger.verify_statement import canonical_json
from deid.checksums import is_uscc

KINDS = ("collection", "cleaning", "labeling", "dataset_sale", "dataset_licence")
# declaration / delivery carry a transaction; the other three refer to one by its seq.
ENTRY_TYPES = ("declaration", "delivery", "confirmation", "rejection", "reversal")
TRANSACTION_TYPES = ("declaration", "delivery")
LEAF_VERSION = 1
# 15 digits of fen (just under 10 trillion yuan): sums of a million entries stay in BIGINT.
MAX_AMOUNT_FEN = 10**15 - 1
MAX_QUANTITY = 10**12
MAX_ID = 2**63 - 1
MAX_EVIDENCE = 20
DECLARATION_FIELDS = frozenset(
    {
        "counterparty_name",
        "counterparty_uscc",
        "kind",
        "quantity",
        "unit",
        "amount_fen",
        "contract_date",
        "evidence",
    }
)
_DIGITS = re.compile(r"[1-9][0-9]{0,19}")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN = (str, int, bool, type(None))  # what a leaf mostly holds: no float inside
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


class InvalidEntry(ValueError):
    """Input that cannot become a ledger entry; ``field`` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Declaration:
    """A vendor's checked declaration of an external transaction."""

    counterparty_name: str
    counterparty_uscc: str
    kind: str
    quantity: int
    unit: str
    amount_fen: int
    contract_date: date
    evidence_ids: tuple[int, ...]


def positive_int(value: object, field: str, maximum: int) -> int:
    """A JSON integer (or a string of ASCII digits) in 1..``maximum``; else ``InvalidEntry``.

    Refuses booleans, floats (``0.1``, ``1e309``, ``NaN``, even ``100.0``), signs, separators
    (``"12,50"``), leading zeros and anything longer than 20 digits before converting it.
    """
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value):
            raise InvalidEntry(field, "must be a whole positive number")
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidEntry(field, "must be a whole positive number")
    if not 1 <= value <= maximum:
        raise InvalidEntry(field, f"must be between 1 and {maximum}")
    return value


def parse_amount_fen(value: object) -> int:
    """Money in integer fen: 1 ≤ amount ≤ MAX_AMOUNT_FEN (see ``positive_int``)."""
    return positive_int(value, "amount_fen", MAX_AMOUNT_FEN)


def parse_uscc(value: object, field: str = "counterparty_uscc") -> str:
    """An upper-cased 统一社会信用代码 whose check character is right (GB 32100-2015)."""
    if not isinstance(value, str) or not is_uscc(value.strip().upper()):
        raise InvalidEntry(field, "is not a valid unified social credit code (GB 32100-2015)")
    return value.strip().upper()


def parse_text(value: object, field: str, longest: int) -> str:
    """Stripped text of 1..``longest`` characters without control or bidi-override characters."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidEntry(field, "is required")
    text = value.strip()
    if len(text) > longest or _CONTROL.search(text):
        raise InvalidEntry(field, f"must be at most {longest} plain characters")
    return text


def parse_contract_date(value: object, today: date) -> date:
    """An ISO 8601 calendar date ``YYYY-MM-DD`` from 2000-01-01 up to ``today``."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise InvalidEntry("contract_date", "must be a date written YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError as error:
        raise InvalidEntry("contract_date", "is not a calendar date") from error
    if not date(2000, 1, 1) <= parsed <= today:
        raise InvalidEntry("contract_date", "must not lie in the future or before 2000")
    return parsed


def parse_kind(value: object) -> str:
    """One of ``KINDS``."""
    if value not in KINDS:
        raise InvalidEntry("kind", "must be one of " + ", ".join(KINDS))
    return str(value)


def parse_evidence_ids(value: object) -> tuple[int, ...]:
    """One to MAX_EVIDENCE distinct evidence ids (positive integers below 2**63)."""
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_EVIDENCE:
        raise InvalidEntry("evidence", f"must list 1 to {MAX_EVIDENCE} uploaded evidence ids")
    ids = tuple(positive_int(item, "evidence", MAX_ID) for item in value)
    if len(set(ids)) != len(ids):
        raise InvalidEntry("evidence", "lists the same file twice")
    return ids


def parse_declaration(body: object, today: date) -> Declaration:
    """Check a ``POST /api/v1/ledger/entries`` body (issue 12's shape); raise ``InvalidEntry``.

    Unknown fields are refused rather than ignored: a typo must not silently drop a figure.
    """
    if not isinstance(body, Mapping):
        raise InvalidEntry("body", "must be a JSON object")
    unknown = sorted(set(body) - DECLARATION_FIELDS)
    if unknown:
        raise InvalidEntry(str(unknown[0]), "is not a field of a declaration")
    return Declaration(
        counterparty_name=parse_text(body.get("counterparty_name"), "counterparty_name", 200),
        counterparty_uscc=parse_uscc(body.get("counterparty_uscc")),
        kind=parse_kind(body.get("kind")),
        quantity=positive_int(body.get("quantity"), "quantity", MAX_QUANTITY),
        unit=parse_text(body.get("unit"), "unit", 20),
        amount_fen=parse_amount_fen(body.get("amount_fen")),
        contract_date=parse_contract_date(body.get("contract_date"), today),
        evidence_ids=parse_evidence_ids(body.get("evidence")),
    )


def fixed_point(value: float | None, places: int = 4) -> str | None:
    """A quality figure (α, accuracy) as a fixed-point string, so leaves hold no floats."""
    if value is None or value != value:  # NaN: the figure is undefined
        return None
    return f"{value:.{places}f}"


def entry_record(
    seq: int,
    entry_type: str,
    vendor_id: int,
    actor_id: int | None,
    recorded_at: str,
    **fields: Any,
) -> dict[str, Any]:
    """The flat object a leaf serialises; ``None`` fields are left out.

    Raises ``ValueError`` for an unknown type, a transaction without an amount, or a status
    entry without ``refers_to``.
    """
    if entry_type not in ENTRY_TYPES:
        raise ValueError(f"unknown entry type {entry_type!r}")
    if entry_type in TRANSACTION_TYPES and not isinstance(fields.get("amount_fen"), int):
        raise ValueError("a transaction entry carries an amount in fen")
    if entry_type not in TRANSACTION_TYPES and not isinstance(fields.get("refers_to"), int):
        raise ValueError(f"a {entry_type} entry refers to a transaction by its seq")
    record = {
        "v": LEAF_VERSION,
        "seq": seq,
        "type": entry_type,
        "vendor_id": vendor_id,
        "actor_id": actor_id,
        "recorded_at": recorded_at,
        **fields,
    }
    return {key: value for key, value in record.items() if value is not None}


def declaration_fields(declaration: Declaration, evidence: list[dict[str, str]]) -> dict[str, Any]:
    """The leaf fields of a declaration; ``evidence`` is ``[{"sha256", "media_type"}]``."""
    return {
        "counterparty_name": declaration.counterparty_name,
        "counterparty_uscc": declaration.counterparty_uscc,
        "kind": declaration.kind,
        "quantity": declaration.quantity,
        "unit": declaration.unit,
        "amount_fen": declaration.amount_fen,
        "contract_date": declaration.contract_date.isoformat(),
        "evidence": evidence,
    }


def leaf_bytes(record: Mapping[str, Any]) -> bytes:
    """The exact leaf bytes of ``record``: canonical JSON, UTF-8. Refuses floats anywhere."""
    _refuse_floats(record)
    return canonical_json(record)


def _refuse_floats(value: object) -> None:
    if type(value) in _PLAIN:
        return
    if isinstance(value, float):
        raise ValueError("a ledger leaf holds no floats")
    if isinstance(value, Mapping):
        for item in value.values():
            _refuse_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_floats(item)
