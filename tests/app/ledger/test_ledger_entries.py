"""Declarations are checked before they become leaves; leaves are canonical JSON without floats."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from app.ledger import entries

TODAY = date(2026, 12, 3)


def uscc(seed: int) -> str:
    from deid.checksums import uscc_check_char

    body = f"913401{seed:011d}"
    return body + uscc_check_char(body)


def good_body(**change: Any) -> dict[str, Any]:
    body = {
        "counterparty_name": "合肥某人工智能有限公司",
        "counterparty_uscc": uscc(42),
        "kind": "labeling",
        "quantity": 12_000,
        "unit": "条",
        "amount_fen": 1_250_000,
        "contract_date": "2026-11-30",
        "evidence": [3, 4],
    }
    return body | change


def test_a_good_declaration_is_parsed() -> None:
    declaration = entries.parse_declaration(good_body(), TODAY)
    assert declaration.amount_fen == 1_250_000
    assert declaration.contract_date == date(2026, 11, 30)
    assert declaration.evidence_ids == (3, 4)


@pytest.mark.parametrize(
    "amount",
    [
        json.loads("0.1"),
        json.loads("1e309"),
        json.loads("NaN"),
        -5,
        "12,50",
        0,
        True,
        100.0,
        "-5",
        "0012",
        "１２",
        10**19,
        12345678901234567890,
        "12345678901234567890",
        None,
        [5],
    ],
)
def test_amounts_that_are_not_whole_positive_fen_are_refused(amount: Any) -> None:
    with pytest.raises(entries.InvalidEntry) as refused:
        entries.parse_declaration(good_body(amount_fen=amount), TODAY)
    assert refused.value.field == "amount_fen"


def test_an_amount_may_come_as_a_digit_string_from_a_form() -> None:
    assert entries.parse_amount_fen("1250") == 1250
    assert entries.parse_amount_fen(entries.MAX_AMOUNT_FEN) == entries.MAX_AMOUNT_FEN
    with pytest.raises(entries.InvalidEntry):
        entries.parse_amount_fen(entries.MAX_AMOUNT_FEN + 1)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"counterparty_uscc": uscc(42)[:-1] + ("0" if uscc(42)[-1] != "0" else "1")},
            "counterparty_uscc",
        ),
        ({"counterparty_uscc": "not a code"}, "counterparty_uscc"),
        ({"counterparty_name": "  "}, "counterparty_name"),
        ({"counterparty_name": "公司\u202e"}, "counterparty_name"),
        ({"kind": "consulting"}, "kind"),
        ({"quantity": 1.5}, "quantity"),
        ({"unit": "x" * 21}, "unit"),
        ({"contract_date": "2026-02-30"}, "contract_date"),
        ({"contract_date": "20261130"}, "contract_date"),
        ({"contract_date": "2026-12-04"}, "contract_date"),
        ({"evidence": []}, "evidence"),
        ({"evidence": [3, 3]}, "evidence"),
        ({"evidence": [2**63]}, "evidence"),
        ({"evidence": "3"}, "evidence"),
        ({"amount": 5}, "amount"),
    ],
)
def test_bad_fields_are_named(change: dict[str, Any], field: str) -> None:
    with pytest.raises(entries.InvalidEntry) as refused:
        entries.parse_declaration(good_body(**change), TODAY)
    assert refused.value.field == field


def test_a_body_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(entries.InvalidEntry):
        entries.parse_declaration([good_body()], TODAY)


def test_a_leaf_is_canonical_utf8_json_without_nulls() -> None:
    declaration = entries.parse_declaration(good_body(), TODAY)
    evidence = [{"sha256": "ab" * 32, "media_type": "application/pdf"}]
    record = entries.entry_record(
        7,
        "declaration",
        3,
        11,
        "2026-12-03T07:00:00Z",
        **entries.declaration_fields(declaration, evidence),
        refers_to=None,
    )
    leaf = entries.leaf_bytes(record)
    assert leaf.startswith(b'{"actor_id":11,"amount_fen":1250000,"contract_date":"2026-11-30"')
    assert "合肥某人工智能有限公司".encode() in leaf  # UTF-8, not \\u escapes
    assert b" " not in leaf and b"refers_to" not in leaf
    assert json.loads(leaf)["seq"] == 7


def test_leaves_refuse_floats_and_status_entries_need_a_target() -> None:
    with pytest.raises(ValueError):
        entries.leaf_bytes({"alpha": 0.81})
    with pytest.raises(ValueError):
        entries.entry_record(8, "confirmation", 3, 1, "2026-12-03T07:00:00Z")
    with pytest.raises(ValueError):
        entries.entry_record(8, "delivery", 3, 1, "2026-12-03T07:00:00Z")
    assert entries.fixed_point(0.81234) == "0.8123"
    assert entries.fixed_point(float("nan")) is None
