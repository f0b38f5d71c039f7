"""What a statement holds, pinned: every line's fields, leaf and audit path, and the CSV bytes.

The expected lines are built from other routes (an entry's own JSON and its inclusion proof,
one at a time), so a faster way of building statements must give exactly the same document.
"""

from __future__ import annotations

import json
from base64 import b64decode
from typing import Any

import pytest

from app.ledger.verify_statement import LINE_FIELDS
from tests.app.builders import Api, World
from tests.app.ledger.ledger_client import COUNTERPARTY, declare, post

# (vendor's declaration: amount, kind, contract date) in the order declared; "o" is the other
# vendor declaring in between, so the vendor's leaves are not one contiguous run.
PLAN: list[tuple[int, str, str] | str] = [
    (1_000_000, "labeling", "2026-01-05"),
    "o",
    (250_050, "cleaning", "2026-02-01"),
    (400_000, "labeling", "2026-03-01"),
    "o",
    "o",
    (5, "labeling", "2026-04-01"),
    (70_000, "dataset_sale", "2026-05-01"),
    (9_999, "labeling", "2025-12-31"),
    "o",
    (123_456, "collection", "2026-11-30"),
    (88_800, "labeling", "2026-06-30"),
    "o",
    (31_000, "cleaning", "2026-07-07"),
]


@pytest.fixture
def pinned_world(world: World) -> tuple[Api, Api, int, dict[str, int]]:
    """The plan declared, then confirmations, a rejection and reversals by seq."""
    organization = world.org("皖北数据公司", "阜阳")
    vendor, auditor = world.vendor_api(organization), world.api(world.user("auditor"))
    other = world.vendor_api(world.org("别家公司", "合肥"))
    seqs: dict[str, int] = {}
    for n, step in enumerate(PLAN):
        api, body = (other, {"amount_fen": 7}) if step == "o" else (vendor, {})
        if step != "o":
            fen, kind, day = step
            body = {"amount_fen": fen, "kind": kind, "contract_date": day}
        response = declare(api, f"k{n}", **body)
        assert response.status_code == 201, response.json
        seqs[f"{'o' if step == 'o' else 'v'}{n}"] = response.json["seq"]
    for name in ("v0", "v2", "v3", "v7", "v8", "v10", "v11", "o1"):
        assert post(auditor, f"/api/v1/ledger/entries/{seqs[name]}/confirm").status_code == 201
    reason = {"reason": "合同作废"}
    assert post(auditor, f"/api/v1/ledger/entries/{seqs['v13']}/reject", reason).status_code == 201
    for name in ("v3", "v11"):
        url = f"/api/v1/ledger/entries/{seqs[name]}/reverse"
        assert post(vendor, url, reason).status_code == 201
    return vendor, auditor, organization, seqs


def expected_line(api: Api, seq: int, size: int, verdict: tuple[bool, str] | None) -> dict:
    """A statement line as the entry route and the proof route show that entry."""
    entry = api.get(f"/api/v1/ledger/entries/{seq}").json
    record = json.loads(b64decode(entry["leaf"]))
    line: dict[str, Any] = {field: record.get(field) for field in LINE_FIELDS}
    proof = api.get(f"/api/v1/ledger/entries/{seq}/proof?tree_size={size}").json
    line |= {"leaf_index": seq - 1, "leaf": entry["leaf"], "audit_path": proof["audit_path"]}
    if verdict is not None:
        line["counted"], line["reason"] = verdict
    return line


def expected_verdicts(seqs: dict[str, int]) -> dict[int, tuple[bool, str] | None]:
    """Each line the statement shows, by seq: (counted, reason), None for status entries."""
    counted, unconfirmed = (True, "counted"), (False, "not_confirmed_by_deadline")
    shown: dict[int, tuple[bool, str] | None] = {
        seqs["v0"]: counted,
        seqs["v2"]: counted,
        seqs["v3"]: counted,
        seqs["v6"]: unconfirmed,
        seqs["v7"]: (False, "kind_not_counted"),
        seqs["v10"]: counted,
        seqs["v11"]: counted,
        seqs["v13"]: (False, "rejected"),
    }
    # the status entries follow the declarations: confirmations, the rejection, two reversals
    first_status = max(seqs.values()) + 1
    confirmed = ("v0", "v2", "v3", "v7", "v8", "v10", "v11", "o1")
    for n, name in enumerate(confirmed):
        if name not in ("v8", "o1"):  # v8 is a 2025 contract; o1 another vendor's
            shown[first_status + n] = None
    shown[first_status + len(confirmed)] = None  # the rejection of v13
    shown[first_status + len(confirmed) + 1] = (True, "reversal")
    shown[first_status + len(confirmed) + 2] = (True, "reversal")
    return dict(sorted(shown.items()))


@pytest.mark.parametrize(("in_memory_above", "stored_up_to"), [(64, 1.0), (0, 1.0), (0, 0.0)])
def test_statement_lines_are_the_entries_with_their_own_proofs(
    pinned_world, monkeypatch: pytest.MonkeyPatch, in_memory_above: int, stored_up_to: float
) -> None:
    from app.ledger import statement_proofs

    monkeypatch.setattr(statement_proofs, "IN_MEMORY_PROOFS", in_memory_above)
    monkeypatch.setattr(statement_proofs, "STORED_LEVELS_UP_TO", stored_up_to)
    vendor, _auditor, organization, seqs = pinned_world
    response = vendor.get(f"/api/v1/ledger/statements/{organization}/2026")
    assert response.status_code == 200, response.json
    document = response.json
    size = document["tree_head"]["tree_size"]
    expected = [
        expected_line(vendor, seq, size, verdict)
        for seq, verdict in expected_verdicts(seqs).items()
    ]
    assert document["lines"] == expected
    assert response.data == vendor.client.application.json.response(document).data
    # reversals net out: 1 000 000 + 250 050 + 123 456 (counted, not reversed) in 阜阳
    assert document["subsidy"]["volume_fen"] == 1_373_506
    assert document["subsidy"]["subsidy_fen"] == 49_446  # × 3 % × 120 % = 49 446.216


HEADER = "seq,type,kind,contract_date,amount_yuan,counted,reason,refers_to,"
CSV = (
    HEADER
    + """counterparty_name,counterparty_uscc
{v0},declaration,labeling,2026-01-05,10000.00,True,counted,,合肥某人工智能有限公司,{uscc}
{v2},declaration,cleaning,2026-02-01,2500.50,True,counted,,合肥某人工智能有限公司,{uscc}
{v3},declaration,labeling,2026-03-01,4000.00,True,counted,,合肥某人工智能有限公司,{uscc}
{v6},declaration,labeling,2026-04-01,0.05,False,not_confirmed_by_deadline,,合肥某人工智能有限公司,{uscc}
{v7},declaration,dataset_sale,2026-05-01,700.00,False,kind_not_counted,,合肥某人工智能有限公司,{uscc}
{v10},declaration,collection,2026-11-30,1234.56,True,counted,,合肥某人工智能有限公司,{uscc}
{v11},declaration,labeling,2026-06-30,888.00,True,counted,,合肥某人工智能有限公司,{uscc}
{v13},declaration,cleaning,2026-07-07,310.00,False,rejected,,合肥某人工智能有限公司,{uscc}
{s0},confirmation,,,,,,{v0},,
{s1},confirmation,,,,,,{v2},,
{s2},confirmation,,,,,,{v3},,
{s3},confirmation,,,,,,{v7},,
{s5},confirmation,,,,,,{v10},,
{s6},confirmation,,,,,,{v11},,
{s8},rejection,,,,,,{v13},,
{s9},reversal,labeling,2026-03-01,'-4000.00,True,reversal,{v3},,
{s10},reversal,labeling,2026-06-30,'-888.00,True,reversal,{v11},,

step,formula,value_yuan
volume,Σ counted lines,13735.06
rate,13735.06 × 3% (阜阳),412.0518
uplift,412.0518 × (100% + 20%),494.46216
rounding,494.46216 rounded half up to a whole fen,494.46
cap,"min(494.46, cap 5000000.00)",494.46
subsidy,,494.46
"""
)


def test_statement_csv_is_pinned(pinned_world) -> None:
    vendor, _auditor, organization, seqs = pinned_world
    first_status = max(seqs.values()) + 1
    statuses = {f"s{n}": first_status + n for n in range(11)}
    response = vendor.get(f"/api/v1/ledger/statements/{organization}/2026?format=csv")
    expected = "\ufeff" + CSV.format(uscc=COUNTERPARTY, **seqs, **statuses).replace("\n", "\r\n")
    assert response.data.decode("utf-8") == expected
