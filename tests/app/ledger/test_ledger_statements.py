"""A vendor's yearly statement: verifiable offline, CSV formula-safe, XLSX a real workbook."""

from __future__ import annotations

import base64
import copy
import csv
import io
import json

import pytest
from openpyxl import load_workbook

from app.ledger import verify_statement
from tests.app.builders import Api, World
from tests.app.ledger.ledger_client import declare, post


@pytest.fixture
def statement_world(world: World) -> tuple[Api, Api, int]:
    """A 阜阳 vendor with four declarations: three confirmed, one of those reversed."""
    organization = world.org("皖北数据公司", "阜阳")
    vendor, auditor = world.vendor_api(organization), world.api(world.user("auditor"))
    other = world.vendor_api(world.org("别家公司", "合肥"))
    for n, fen in enumerate((1_000_000, 250_050, 400_000)):
        assert declare(vendor, f"k{n}", amount_fen=fen).status_code == 201
        declare(other, f"o{n}", amount_fen=7)
    declare(vendor, "unconfirmed", amount_fen=5)
    for seq in (1, 3, 5):
        assert post(auditor, f"/api/v1/ledger/entries/{seq}/confirm").status_code == 201
    assert (
        post(vendor, "/api/v1/ledger/entries/5/reverse", {"reason": "重复申报"}).status_code == 201
    )
    return vendor, auditor, organization


# proofs each from its stored nodes / from stored levels shared / from the whole tree rebuilt
@pytest.mark.parametrize(("in_memory_above", "stored_up_to"), [(64, 1.0), (0, 1.0), (0, 0.0)])
def test_the_statement_verifies_offline_and_shows_the_computation(
    statement_world, monkeypatch: pytest.MonkeyPatch, in_memory_above: int, stored_up_to: float
) -> None:
    from app.ledger import statement_proofs

    monkeypatch.setattr(statement_proofs, "IN_MEMORY_PROOFS", in_memory_above)
    monkeypatch.setattr(statement_proofs, "STORED_LEVELS_UP_TO", stored_up_to)
    vendor, _auditor, organization = statement_world
    response = vendor.get(f"/api/v1/ledger/statements/{organization}/2026")
    assert response.status_code == 200, response.json
    document = response.json
    assert verify_statement.verify_statement(document).startswith("OK: 8 lines")
    summary = document["subsidy"]
    # 1 000 000 + 250 050 fen counted (400 000 reversed, 5 unconfirmed); 3 % × 120 % in 阜阳
    assert summary["volume_fen"] == 1_250_050
    assert summary["subsidy_fen"] == 45_002  # 1 250 050 × 0.036 = 45 001.8 → 45 002
    leaves = [json.loads(base64.b64decode(line["leaf"])) for line in document["lines"]]
    assert {leaf["vendor_id"] for leaf in leaves} == {organization}  # nobody else's entries
    altered = copy.deepcopy(document)
    altered["lines"][0]["amount_fen"] = 9_000_000
    with pytest.raises(verify_statement.VerificationError, match=r"line 1 \(seq 1\): amount_fen"):
        verify_statement.verify_statement(altered)


def test_csv_and_xlsx_carry_the_same_lines(statement_world) -> None:
    vendor, auditor, organization = statement_world
    url = f"/api/v1/ledger/statements/{organization}/2026"
    rows = list(csv.reader(io.StringIO(vendor.get(url + "?format=csv").data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["seq", "type", "kind", "contract_date", "amount_yuan"]
    reversal = next(row for row in rows[1:] if row[1:2] == ["reversal"])
    assert reversal[4] == "'-4000.00"  # formula-safe: a cell never starts with -
    workbook = load_workbook(io.BytesIO(auditor.get(url + "?format=xlsx").data))
    sheet = workbook["2026"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "seq" and values[-1][0] == "subsidy" and values[-1][2] == "450.02"
    assert len(values) == len(rows)


def test_the_verifier_is_downloadable(world: World) -> None:
    script = world.app.test_client().get("/api/v1/ledger/verifier.py")
    assert script.status_code == 200 and b"def verify_statement(" in script.data


def test_a_year_without_a_policy_is_not_found(statement_world) -> None:
    vendor, _auditor, organization = statement_world
    assert vendor.get(f"/api/v1/ledger/statements/{organization}/2019").status_code == 404


def test_a_counterparty_named_like_a_formula_stays_text(world: World) -> None:
    organization = world.org("皖南数据公司", "芜湖")
    vendor = world.vendor_api(organization)
    name = '=HYPERLINK("http://evil.example","点击")'
    assert declare(vendor, "formula", counterparty_name=name).status_code == 201
    url = f"/api/v1/ledger/statements/{organization}/2026"
    rows = list(csv.reader(io.StringIO(vendor.get(url + "?format=csv").data.decode("utf-8-sig"))))
    assert rows[1][8] == "'" + name
    sheet = load_workbook(io.BytesIO(vendor.get(url + "?format=xlsx").data))["2026"]
    cell = sheet.cell(row=2, column=9)
    assert cell.value == name and cell.data_type == "s"
