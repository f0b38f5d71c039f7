"""A vendor imports many declarations at once: all or nothing, one linear sequence, idempotent
line by line, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from app.ledger import merkle
from tests.app.builders import Api, World
from tests.app.ledger.ledger_client import declaration, evidence, post

URL = "/api/v1/ledger/entries/batch"


@pytest.fixture
def vendor(any_db_world: World) -> Api:
    return any_db_world.vendor_api(any_db_world.org("皖北数据公司", "阜阳"))


def lines(evidence_id: int, count: int, prefix: str = "imp") -> list[dict[str, Any]]:
    return [
        {
            "idempotency_key": f"{prefix}-{n}",
            "declaration": declaration(evidence_id, amount_fen=1000 + n),
        }
        for n in range(count)
    ]


def verified(app: Any) -> Any:
    from app.extensions import db
    from app.ledger.verification import verify_log

    with app.app_context():
        report = verify_log()
        db.session.remove()
    return report


def test_an_import_appends_consecutive_entries_that_verify(
    any_db_world: World, vendor: Api
) -> None:
    proof_file = evidence(vendor).json["id"]
    single = post(vendor, "/api/v1/ledger/entries", declaration(proof_file), "single-1")
    assert single.status_code == 201
    answer = post(vendor, URL, {"entries": lines(proof_file, 37)})
    assert answer.status_code == 201, answer.json
    got = answer.json["entries"]
    assert [line["seq"] for line in got] == list(range(2, 39))
    assert all(line["new"] for line in got)
    for n, line in enumerate(got):
        leaf = base64.b64decode(line["leaf"])
        assert merkle.leaf_hash(leaf).hex() == line["leaf_hash"]
        assert json.loads(leaf)["amount_fen"] == 1000 + n
    listed = vendor.get("/api/v1/ledger/entries?after=1&limit=1000").json["entries"]
    assert [(e["seq"], e["status"]) for e in listed] == [(s, "declared") for s in range(2, 39)]
    report = verified(any_db_world.app)
    assert report.ok and report.entries == 38, report
    head = post(any_db_world.api(any_db_world.user("auditor")), "/api/v1/ledger/tree-heads")
    proof = vendor.get("/api/v1/ledger/entries/20/proof").json
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    leaf_20 = merkle.leaf_hash(base64.b64decode(got[18]["leaf"]))
    root = bytes.fromhex(head.json["root_hash"])
    assert merkle.verify_inclusion(19, 38, leaf_20, path, root)


def test_a_replayed_import_gives_back_its_entries_and_a_changed_line_is_refused(
    vendor: Api,
) -> None:
    proof_file = evidence(vendor).json["id"]
    first = post(vendor, URL, {"entries": lines(proof_file, 3)}).json["entries"]
    again = post(vendor, URL, {"entries": lines(proof_file, 4)})
    assert again.status_code == 201
    assert [line["seq"] for line in again.json["entries"]] == [1, 2, 3, 4]
    assert [line["new"] for line in again.json["entries"]] == [False, False, False, True]
    assert again.json["entries"][0]["leaf"] == first[0]["leaf"]
    changed = lines(proof_file, 2)
    changed[1]["declaration"]["amount_fen"] = 5
    conflict = post(vendor, URL, {"entries": changed + lines(proof_file, 1, "fresh")})
    assert conflict.status_code == 422 and conflict.json["error"]["code"] == "idempotency_conflict"
    twice = lines(proof_file, 1, "dup") * 2
    assert [line["seq"] for line in post(vendor, URL, {"entries": twice}).json["entries"]] == [5, 5]
    assert vendor.get("/api/v1/ledger/entries?limit=1000").json["entries"][-1]["seq"] == 5


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"entries": []}, "bad_batch"),
        ({"entries": "x"}, "bad_batch"),
        ({"lines": []}, "bad_batch"),
        ({"entries": [{"declaration": {}}]}, "bad_batch"),
        ({"entries": [{"idempotency_key": "a b", "declaration": {}}]}, "idempotency_key"),
    ],
)
def test_a_malformed_import_is_refused(vendor: Api, body: Any, code: str) -> None:
    answer = post(vendor, URL, body)
    assert answer.status_code == 422 and answer.json["error"]["code"] == code, answer.json


def test_one_bad_line_appends_nothing_and_is_named(vendor: Api) -> None:
    proof_file = evidence(vendor).json["id"]
    batch = lines(proof_file, 5)
    batch[3]["declaration"]["amount_fen"] = "12,50"
    answer = post(vendor, URL, {"entries": batch})
    assert answer.status_code == 422 and "entries[3].amount_fen" in answer.json["error"]["message"]
    batch[3]["declaration"]["amount_fen"] = 7
    batch[4]["declaration"]["evidence"] = [proof_file + 99]
    assert post(vendor, URL, {"entries": batch}).json["error"]["code"] == "unknown_evidence"
    assert (
        post(vendor, URL, {"entries": lines(proof_file, 1001)}).json["error"]["code"] == "bad_batch"
    )
    assert vendor.get("/api/v1/ledger/entries").json["entries"] == []


def test_only_vendors_import(any_db_world: World) -> None:
    auditor = any_db_world.api(any_db_world.user("auditor"))
    assert post(auditor, URL, {"entries": lines(1, 1)}).status_code == 403
