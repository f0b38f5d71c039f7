"""The ledger API as other tools drive it: declare, confirm, prove, sign, tenancy, bad input."""

from __future__ import annotations

import base64

import pytest

from app.ledger import merkle
from tests.app.builders import Api, World
from tests.app.ledger.ledger_client import COUNTERPARTY, declaration, declare, evidence, post


@pytest.fixture
def vendor(world: World) -> Api:
    return world.vendor_api(world.org("皖北数据公司", "阜阳"))


@pytest.fixture
def auditor(world: World) -> Api:
    return world.api(world.user("auditor"))


def test_declare_confirm_sign_and_prove(vendor: Api, auditor: Api) -> None:
    first = declare(vendor, "k-1")
    assert first.status_code == 201, first.json
    entry = first.json
    assert entry["seq"] == 1 and entry["status"] == "declared" and entry["amount_fen"] == 1_250_000
    leaf = base64.b64decode(entry["leaf"])
    assert merkle.leaf_hash(leaf).hex() == entry["leaf_hash"]
    declare(vendor, "k-2", amount_fen=300)
    confirmed = post(auditor, "/api/v1/ledger/entries/1/confirm")
    assert confirmed.status_code == 201 and confirmed.json["refers_to"] == 1
    assert vendor.get("/api/v1/ledger/entries/1").json["status"] == "confirmed"
    head = post(auditor, "/api/v1/ledger/tree-heads")
    assert head.status_code == 201
    assert set(head.json) == {"tree_size", "root_hash", "timestamp", "signature", "public_key"}
    assert vendor.get("/api/v1/ledger/tree-heads/latest").json == head.json
    proof = vendor.get("/api/v1/ledger/entries/1/proof").json
    assert proof["leaf_index"] == 0 and proof["tree_size"] == 3
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    root = bytes.fromhex(head.json["root_hash"])
    assert merkle.verify_inclusion(0, 3, merkle.leaf_hash(leaf), path, root)


def test_a_status_change_answers_the_entry_as_stored(vendor: Api, auditor: Api) -> None:
    declare(vendor, "k-1")
    declare(vendor, "k-2")
    changes = [
        post(auditor, "/api/v1/ledger/entries/1/confirm"),
        post(auditor, "/api/v1/ledger/entries/2/reject", {"reason": "证据不足"}),
        post(vendor, "/api/v1/ledger/entries/1/reverse", {"reason": "重复申报"}),
    ]
    for seq, change in enumerate(changes, start=3):
        assert change.status_code == 201, change.json
        assert change.json["seq"] == seq
        assert change.json == vendor.get(f"/api/v1/ledger/entries/{seq}").json
    assert changes[2].json["amount_fen"] == -1_250_000 and changes[2].json["reason"] == "重复申报"


def test_consistency_between_two_heads(vendor: Api, auditor: Api) -> None:
    declare(vendor, "a")
    first = post(auditor, "/api/v1/ledger/tree-heads").json
    for n in range(4):
        declare(vendor, f"b{n}")
    second = post(auditor, "/api/v1/ledger/tree-heads").json
    answer = vendor.get("/api/v1/ledger/consistency?from=1&to=5").json
    assert (answer["from"], answer["to"]) == (1, 5)
    proof = [bytes.fromhex(h) for h in answer["proof"]]
    assert merkle.verify_consistency(
        1, 5, bytes.fromhex(first["root_hash"]), bytes.fromhex(second["root_hash"]), proof
    )
    assert vendor.get("/api/v1/ledger/consistency?from=5&to=1").status_code == 422
    assert vendor.get("/api/v1/ledger/consistency?from=1&to=99").status_code == 404


def test_a_replay_returns_the_same_entry_and_a_changed_body_is_refused(vendor: Api) -> None:
    proof_file = evidence(vendor).json["id"]
    body = declaration(proof_file)
    first = post(vendor, "/api/v1/ledger/entries", body, "same-key")
    again = post(vendor, "/api/v1/ledger/entries", body, "same-key")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json
    changed = post(vendor, "/api/v1/ledger/entries", body | {"amount_fen": 1}, "same-key")
    assert changed.status_code == 422 and changed.json["error"]["code"] == "idempotency_conflict"
    assert post(vendor, "/api/v1/ledger/entries", body).status_code == 422  # no key
    assert len(vendor.get("/api/v1/ledger/entries").json["entries"]) == 1


@pytest.mark.parametrize(
    "amount", ["0.1", "1e309", "NaN", "-5", '"12,50"', "12345678901234567890", "true"]
)
def test_amounts_that_are_not_integer_fen_are_refused(vendor: Api, amount: str) -> None:
    proof_file = evidence(vendor).json["id"]
    raw = (
        f'{{"counterparty_name":"某公司","counterparty_uscc":"{COUNTERPARTY}","kind":"labeling",'
        f'"quantity":1,"unit":"条","amount_fen":{amount},"contract_date":"2026-03-01",'
        f'"evidence":[{proof_file}]}}'
    )
    refused = post(vendor, "/api/v1/ledger/entries", key="amount-test", raw=raw)
    assert refused.status_code == 422, refused.json
    assert refused.json["error"]["details"] == [{"field": "amount_fen"}]
    assert vendor.get("/api/v1/ledger/entries").json["entries"] == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (
            {"counterparty_uscc": COUNTERPARTY[:-1] + ("0" if COUNTERPARTY[-1] != "0" else "1")},
            "invalid_entry",
        ),
        ({"kind": "consulting"}, "invalid_entry"),
        ({"evidence": [999]}, "unknown_evidence"),
    ],
)
def test_bad_credit_codes_kinds_and_evidence_are_refused(vendor: Api, change, code) -> None:
    refused = declare(vendor, "k", **change)
    assert refused.status_code == 422 and refused.json["error"]["code"] == code


def test_evidence_must_be_a_pdf_or_an_image(vendor: Api) -> None:
    for content, name in ((b"hello", "合同.pdf"), (b"<svg xmlns='x'/>", "x.svg")):
        refused = evidence(vendor, content, name)
        assert refused.status_code == 422 and refused.json["error"]["code"] == "not_evidence"
    stored = evidence(vendor, b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "发票.png").json
    assert stored["media_type"] == "image/png" and len(stored["sha256"]) == 64


def test_vendors_see_and_act_on_their_own_entries_only(
    world: World, vendor: Api, auditor: Api
) -> None:
    other = world.vendor_api(world.org("另一家公司", "合肥"))
    declare(vendor, "mine")
    assert other.get("/api/v1/ledger/entries/1").status_code == 404
    assert other.get("/api/v1/ledger/entries").json["entries"] == []
    assert post(other, "/api/v1/ledger/entries/1/confirm").status_code == 404
    assert post(other, "/api/v1/ledger/entries/1/reverse", {"reason": "x"}).status_code == 404
    assert other.get("/api/v1/ledger/entries/1/proof").status_code == 404
    assert post(vendor, "/api/v1/ledger/entries/1/confirm").status_code == 403
    assert post(vendor, "/api/v1/ledger/tree-heads").status_code == 403
    organization = world.api(world.user("auditor")).get("/api/v1/ledger/entries/1").json
    assert (
        other.get(f"/api/v1/ledger/statements/{organization['vendor_id']}/2026").status_code == 404
    )
    assert vendor.get(f"/api/v1/ledger/entries/{2**63}").status_code == 404
    assert auditor.get("/api/v1/ledger/entries/1").status_code == 200


def test_status_changes_follow_the_rules(vendor: Api, auditor: Api) -> None:
    declare(vendor, "a")
    assert post(auditor, "/api/v1/ledger/entries/1/reject").status_code == 422  # no reason
    assert (
        post(auditor, "/api/v1/ledger/entries/1/reject", {"reason": "发票不符"}).status_code == 201
    )
    assert post(auditor, "/api/v1/ledger/entries/1/confirm").status_code == 409
    assert post(auditor, "/api/v1/ledger/entries/2/confirm").status_code == 409  # not a tx
    declare(vendor, "b")
    post(auditor, "/api/v1/ledger/entries/3/confirm")
    reversal = post(vendor, "/api/v1/ledger/entries/3/reverse", {"reason": "金额录错"})
    assert reversal.status_code == 201 and reversal.json["amount_fen"] == -1_250_000
    assert vendor.get("/api/v1/ledger/entries/3").json["status"] == "reversed"
    assert post(vendor, "/api/v1/ledger/entries/3/reverse", {"reason": "again"}).status_code == 409


def test_listing_pages_with_after_and_limit(vendor: Api) -> None:
    for n in range(5):
        declare(vendor, f"k{n}")
    page = vendor.get("/api/v1/ledger/entries?after=2&limit=2").json["entries"]
    assert [e["seq"] for e in page] == [3, 4]
    assert vendor.get("/api/v1/ledger/entries?limit=1001").status_code == 422
    assert vendor.get("/api/v1/ledger/entries?after=-1").status_code == 422


def test_the_openapi_document_lists_every_ledger_route(vendor: Api) -> None:
    paths = vendor.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/ledger/entries",
        "/ledger/entries/{seq}/confirm",
        "/ledger/entries/{seq}/reject",
        "/ledger/tree-heads/latest",
        "/ledger/tree-heads",
        "/ledger/entries/{seq}/proof",
        "/ledger/consistency",
        "/ledger/evidence",
        "/ledger/statements/{organization_id}/{year}",
    ):
        assert path in paths, path


def test_every_ledger_route_and_method_is_in_the_openapi_document(vendor: Api) -> None:
    import re

    app = vendor.client.application
    document = vendor.get("/api/v1/openapi.json").json["paths"]
    routes = [
        rule
        for rule in app.url_map.iter_rules()
        if app.view_functions[rule.endpoint].__module__ == "app.api.ledger"
    ]
    assert len(routes) == 16  # app/api/ledger.py's routes; a new one must join the document
    for rule in routes:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document.get(path, {}), (method, path)


def test_the_daily_job_signs_a_head_that_covers_the_log(world: World, vendor: Api) -> None:
    from app.jobs import sign_daily_tree_head

    declare(vendor, "daily")
    with world.app.app_context():
        sign_daily_tree_head.call_local()
    head = vendor.get("/api/v1/ledger/tree-heads/latest").json
    assert head["tree_size"] == 1


def test_no_proof_reaches_past_the_end_of_the_log(vendor: Api, auditor: Api) -> None:
    from app.exceptions import NotFound
    from app.ledger import log

    declare(vendor, "p-1")
    declare(vendor, "p-2")
    with vendor.client.application.app_context():
        assert log.inclusion_proof(2, 2)["audit_path"]
        # The path of leaf 3 of 3 is the stored subtree over leaves 1-2: leaf 3 does not exist.
        with pytest.raises(NotFound):
            log.inclusion_proof(3, 3)
        with pytest.raises(NotFound):
            log.consistency_proof(2, 3)
        with pytest.raises(NotFound):
            log.consistency_proof(3, 3)
    assert vendor.get("/api/v1/ledger/consistency?from=2&to=2").json["proof"] == []
