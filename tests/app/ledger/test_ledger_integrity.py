"""The ledger cannot change silently: triggers refuse edits, verify names the first bad seq,
and appends from several processes keep one linear sequence. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.app.builders import World

WORKER = Path(__file__).with_name("append_worker.py")


def fill(app: Any, vendor_id: int, count: int) -> None:
    """Append ``count`` declarations through the real append path."""
    from app.database import begin_write
    from app.extensions import db
    from app.ledger import log

    with app.app_context():
        for n in range(count):
            begin_write()
            fields = {"kind": "labeling", "amount_fen": 1000 + n, "contract_date": "2026-03-01"}
            log.append("declaration", vendor_id, None, fields)
            db.session.commit()


def execute(app: Any, *statements: str) -> None:
    from app.extensions import db

    with app.app_context():
        with db.engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))


def verify(app: Any, head: dict[str, Any] | None = None) -> Any:
    from app.extensions import db
    from app.ledger.verification import verify_log

    with app.app_context():
        report = verify_log(head)
        db.session.remove()
    return report


def sign(app: Any) -> dict[str, Any]:
    from app.database import begin_write
    from app.ledger import log
    from app.signing import platform_signing_key

    with app.app_context():
        begin_write()
        return log.sign_head(platform_signing_key(app.config), None).as_json()


def unguard(app: Any) -> None:
    """What an attacker with SQL access would do first: switch the triggers off."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        execute(
            app,
            "ALTER TABLE ledger_entry DISABLE TRIGGER USER",
            "ALTER TABLE ledger_tree_node DISABLE TRIGGER USER",
        )
    else:
        execute(
            app,
            *[
                f"DROP TRIGGER {t}_no_{verb}"
                for t in ("ledger_entry", "ledger_tree_node")
                for verb in ("update", "delete")
            ],
        )


@pytest.fixture
def vendor_id(any_db_world: World) -> int:
    return any_db_world.org("皖北数据公司", "阜阳")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entry SET amount_fen = 1 WHERE seq = 2",
        "DELETE FROM ledger_entry WHERE seq = 3",
        "UPDATE ledger_tree_node SET hash = hash",
        "DELETE FROM ledger_tree_node",
        "DELETE FROM ledger_tree_head",
        "UPDATE ledger_tree_head SET tree_size = 1",
    ],
)
def test_the_database_refuses_updates_and_deletes(
    any_db_app: Any, vendor_id: int, statement: str
) -> None:
    fill(any_db_app, vendor_id, 4)
    sign(any_db_app)
    with pytest.raises(DBAPIError, match="append-only"):
        execute(any_db_app, statement)
    assert verify(any_db_app).ok


def test_truncate_is_refused_on_postgresql(any_db_app: Any, vendor_id: int) -> None:
    if not any_db_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite has no TRUNCATE")
    fill(any_db_app, vendor_id, 2)
    with pytest.raises(DBAPIError, match="append-only"):
        execute(any_db_app, "TRUNCATE ledger_entry CASCADE")


@pytest.mark.parametrize(
    ("tamper", "seq", "problem"),
    [
        (["UPDATE ledger_entry SET amount_fen = 99999999 WHERE seq = 3"], 3, "amount_fen column"),
        (["UPDATE ledger_entry SET leaf = leaf || ' ' WHERE seq = 3"], 3, "leaf hash"),
        (["DELETE FROM ledger_entry WHERE seq = 3"], 3, "seq 3 is missing"),
        (
            [
                "UPDATE ledger_entry SET seq = -seq WHERE seq IN (3, 4)",
                "UPDATE ledger_entry SET seq = 7 + seq WHERE seq IN (-3, -4)",
            ],
            3,
            "reordered",
        ),
    ],
)
def test_verify_names_the_first_bad_sequence_number(
    any_db_app: Any, vendor_id: int, tamper: list[str], seq: int, problem: str
) -> None:
    fill(any_db_app, vendor_id, 6)
    head = sign(any_db_app)
    assert verify(any_db_app, head).ok
    unguard(any_db_app)
    execute(any_db_app, *tamper)
    report = verify(any_db_app, head)
    assert report.first_bad_seq == seq and problem in report.problem, report


def test_a_consistently_rewritten_leaf_breaks_the_stored_tree_and_the_head(
    any_db_app: Any, vendor_id: int
) -> None:
    from app.ledger import merkle

    fill(any_db_app, vendor_id, 6)
    head = sign(any_db_app)
    unguard(any_db_app)
    with any_db_app.app_context():
        from app.extensions import db
        from app.models import LedgerEntry

        entry = db.session.get(LedgerEntry, 3)
        assert entry is not None
        leaf = entry.leaf.replace(b'"amount_fen":1002', b'"amount_fen":9002')
        db.session.remove()
    execute(
        any_db_app,
        f"UPDATE ledger_entry SET leaf = {literal(any_db_app, leaf)}, "
        f"leaf_hash = {literal(any_db_app, merkle.leaf_hash(leaf))}, "
        "amount_fen = 9002 WHERE seq = 3",
    )
    report = verify(any_db_app, head)
    assert report.first_bad_seq == 3 and "stored tree above seq 3–4" in report.problem


def literal(app: Any, value: bytes) -> str:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return f"'\\x{value.hex()}'::bytea"
    return f"X'{value.hex()}'"


def test_verify_command_checks_the_log_against_a_stored_head(
    any_db_app: Any, vendor_id: int, tmp_path: Path
) -> None:
    fill(any_db_app, vendor_id, 5)
    head_file = tmp_path / "head.json"
    head_file.write_text(json.dumps(sign(any_db_app)), encoding="utf-8")
    runner = any_db_app.test_cli_runner()
    good = runner.invoke(args=["ledger", "verify", "--head", str(head_file)])
    assert good.exit_code == 0 and "ledger intact: 5 entries" in good.output
    unguard(any_db_app)
    execute(any_db_app, "DELETE FROM ledger_entry WHERE seq = 5")
    bad = runner.invoke(args=["ledger", "verify", "--head", str(head_file)])
    assert bad.exit_code == 1 and "seq 5" in bad.output


def test_appends_from_several_processes_stay_one_linear_sequence(
    any_db_app: Any, vendor_id: int
) -> None:
    url = any_db_app.config["SQLALCHEMY_DATABASE_URI"]
    workers = [
        subprocess.Popen(
            [sys.executable, str(WORKER), url, str(vendor_id), "25"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    got = [json.loads(worker.communicate(timeout=240)[0]) for worker in workers]
    assert all(worker.returncode == 0 for worker in workers)
    assert sorted(seq for seqs in got for seq in seqs) == list(range(1, 76))
    report = verify(any_db_app)
    assert report.ok and report.entries == 75
