"""The stand-alone statement verifier, run as vendors run it: a copied file, no platform code."""

from __future__ import annotations

import base64
import copy
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.anhui import ANHUI_CITIES
from app.ledger import entries, merkle, statements, subsidy, tree_heads, verify_statement

VENDOR = {"id": 1, "name": "皖数科技", "uscc": "91340100MA2TEST001", "city": "阜阳"}
POLICY = subsidy.policy_from_dict(
    {
        "year": 2026,
        "version": "t",
        "counted_kinds": ["labeling", "cleaning"],
        "rate_bp": {c: 300 for c in ANHUI_CITIES},
        "northern_uplift_bp": 2000,
        "cap_fen": 10**9,
        "provincial_reward_fen": {c: 0 for c in ANHUI_CITIES},
    }
)


def ledger() -> list[dict[str, Any]]:
    """Vendor 1's and vendor 2's entries, interleaved as a real log would hold them."""
    records: list[dict[str, Any]] = []

    def add(entry_type: str, vendor: int, **fields: Any) -> int:
        seq = len(records) + 1
        at = f"2026-0{1 + seq % 9}-1{seq % 10}T03:00:00Z"
        records.append(entries.entry_record(seq, entry_type, vendor, 99, at, **fields))
        return seq

    def declare(vendor: int, fen: int) -> int:
        return add(
            "declaration",
            vendor,
            kind="labeling",
            amount_fen=fen,
            contract_date="2026-01-05",
            counterparty_name="某公司",
        )

    first, other, second = declare(1, 1_000_000), declare(2, 7_000), declare(1, 250_050)
    add("confirmation", 1, refers_to=first)
    add("confirmation", 2, refers_to=other)
    add("confirmation", 1, refers_to=second)
    for _ in range(5):
        declare(2, 1_000)
    return records


@pytest.fixture(scope="module")
def signed() -> tuple[dict[str, Any], Ed25519PrivateKey]:
    """A statement for vendor 1 over the whole log, and the key that signed its head."""
    records = ledger()
    leaves = [entries.leaf_bytes(r) for r in records]
    tree = merkle.MerkleLevels.from_leaves(leaves)
    key = Ed25519PrivateKey.generate()
    head = tree_heads.sign_tree_head(key, tree.size, tree.root(), datetime.now(UTC))
    mine = [(r, leaf) for r, leaf in zip(records, leaves, strict=True) if r["vendor_id"] == 1]
    paths = tree.inclusion_proofs_hex([r["seq"] - 1 for r, _leaf in mine], tree.size)
    lines = [statements.statement_line(r, leaf, paths[r["seq"] - 1]) for r, leaf in mine]
    result = subsidy.vendor_subsidy(POLICY, 1, "阜阳", subsidy.transactions_from_records(records))
    return statements.statement_document(VENDOR, head, lines, result), key


def run_verifier(tmp_path: Path, statement: dict[str, Any], *args: str) -> tuple[int, str]:
    """Copy the verifier alone into an empty folder and run it in isolated mode."""
    script = tmp_path / "verify_statement.py"
    shutil.copy(verify_statement.__file__, script)
    document = tmp_path / "statement.json"
    document.write_text(json.dumps(statement, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-I", str(script), str(document), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout + done.stderr


def test_a_good_statement_verifies(tmp_path: Path, signed: tuple[dict[str, Any], Any]) -> None:
    statement, key = signed
    code, output = run_verifier(tmp_path, statement)
    assert code == 0, output
    assert output.startswith("OK: 4 lines of 皖数科技 are in the signed tree of 11 entries")
    assert statement["subsidy"]["volume_fen"] == 1_250_050
    pinned = tree_heads.public_key_base64(key.public_key())
    code, output = run_verifier(tmp_path, statement, "--public-key", pinned)
    assert code == 0 and "not pinned" not in output


def test_an_altered_amount_names_its_line(
    tmp_path: Path, signed: tuple[dict[str, Any], Any]
) -> None:
    statement = copy.deepcopy(signed[0])
    statement["lines"][1]["amount_fen"] = 2_500_500
    code, output = run_verifier(tmp_path, statement)
    assert code == 1
    assert output.startswith(
        "FAILED: line 2 (seq 3): amount_fen 2500500 in the line differs from 250050 "
        "in the signed entry"
    )


def test_an_altered_leaf_fails_its_proof(
    tmp_path: Path, signed: tuple[dict[str, Any], Any]
) -> None:
    statement = copy.deepcopy(signed[0])
    line = statement["lines"][1]
    record = json.loads(base64.b64decode(line["leaf"]))
    record["amount_fen"] = line["amount_fen"] = 2_500_500
    line["leaf"] = base64.b64encode(entries.leaf_bytes(record)).decode()
    code, output = run_verifier(tmp_path, statement)
    assert code == 1
    assert "line 2 (seq 3): the inclusion proof does not lead to the signed root" in output


def test_another_vendors_entry_is_refused(
    tmp_path: Path, signed: tuple[dict[str, Any], Any]
) -> None:
    statement = copy.deepcopy(signed[0])
    statement["vendor"]["id"] = 2
    code, output = run_verifier(tmp_path, statement)
    assert code == 1 and "line 1 (seq 1): the entry belongs to another vendor" in output


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("tree_head", "tree_size"), 12, "signature does not verify"),
        (("tree_head", "root_hash"), "00" * 32, "signature does not verify"),
        (("tree_head", "signature"), "AAAA", "signature does not verify"),
        (("tree_head", "public_key"), "xx", "tree head is malformed"),
        (("subsidy", "volume_fen"), 9_999_999, "stated volume 9999999 fen"),
    ],
)
def test_a_tampered_head_or_total_fails(
    tmp_path: Path,
    signed: tuple[dict[str, Any], Any],
    path: tuple[str, str],
    value: Any,
    message: str,
) -> None:
    statement = copy.deepcopy(signed[0])
    statement[path[0]][path[1]] = value
    code, output = run_verifier(tmp_path, statement)
    assert code == 1 and message in output, output


def test_a_head_signed_by_another_key_fails_when_the_key_is_pinned(
    tmp_path: Path, signed: tuple[dict[str, Any], Any]
) -> None:
    other = tree_heads.public_key_base64(Ed25519PrivateKey.generate().public_key())
    code, output = run_verifier(tmp_path, signed[0], "--public-key", other)
    assert code == 1 and "signed by another key" in output


def test_an_unreadable_file_is_a_clear_failure(tmp_path: Path) -> None:
    script = tmp_path / "verify_statement.py"
    shutil.copy(verify_statement.__file__, script)
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-I", str(script), str(tmp_path / "bad.json")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and done.stdout.startswith("FAILED: ")


def test_tree_heads_have_the_fixed_shape_and_sign_the_canonical_json() -> None:
    key = Ed25519PrivateKey.generate()
    moment = datetime(2026, 12, 3, 15, 4, 5, tzinfo=UTC)
    head = tree_heads.sign_tree_head(key, 3, bytes(range(32)), moment)
    assert list(head) == ["tree_size", "root_hash", "timestamp", "signature", "public_key"]
    assert head["timestamp"] == "2026-12-03T15:04:05Z"
    message = (
        b'{"root_hash":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",'
        b'"timestamp":"2026-12-03T15:04:05Z","tree_size":3}'
    )
    key.public_key().verify(base64.b64decode(head["signature"]), message)  # raises if wrong
    assert len(base64.b64decode(head["public_key"])) == 32
    assert tree_heads.verify_tree_head(head, key.public_key()) == bytes(range(32))
    with pytest.raises(tree_heads.VerificationError):
        tree_heads.verify_tree_head(head, Ed25519PrivateKey.generate().public_key())
    with pytest.raises(ValueError):
        tree_heads.format_timestamp(datetime(2026, 1, 1))


def test_the_verifier_imports_nothing_of_the_platform() -> None:
    source = Path(verify_statement.__file__).read_text(encoding="utf-8")
    imported = {
        line.split()[1] for line in source.splitlines() if line.startswith(("import ", "from "))
    }
    assert all(
        name.split(".")[0] in sys.stdlib_module_names | {"cryptography", "__future__"}
        for name in imported
    ), imported


def test_lines_built_together_equal_lines_built_one_by_one() -> None:
    records = ledger()
    leaves = [entries.leaf_bytes(record) for record in records]
    paths = [[f"{n:064x}", "ab" * 32] for n in range(len(records))]
    together = statements.statement_lines(records, leaves, paths)
    assert statements.statement_lines([], [], []) == []
    one_by_one = [
        statements.statement_line(*line) for line in zip(records, leaves, paths, strict=True)
    ]
    assert together == one_by_one
    assert [list(line) for line in together] == [list(line) for line in one_by_one]
    assert {"kind", "refers_to"} <= {
        key for line in together for key, v in line.items() if v is None
    }
