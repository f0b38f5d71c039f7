"""Ledger speed (issue 12): appends per second, verifying a million entries, proofs, statements.

    .venv/bin/python benchmarks/ledger.py --db sqlite
    .venv/bin/python benchmarks/ledger.py --db postgresql \\
        --postgres-url postgresql+psycopg://USER@127.0.0.1:5432/wanbiao_bench

A fresh database (a SQLite file in a temp dir, or the given PostgreSQL database whose ``public``
schema is dropped and recreated: never point it at data you keep) is migrated with
``flask db upgrade``, so the append-only triggers are in place. Then:

- ``append_per_s``: ``--appends`` declarations imported ``--batch`` at a time through
  ``declare_transactions`` (the service of ``POST /api/v1/ledger/entries/batch``: every check of
  a single declaration, one idempotency and one evidence look-up per import, the entries
  appended under the lock with consecutive seqs, one commit per import), from one process; no
  HTTP. This is a BATCHED figure. ``append_single_per_s`` is the one-at-a-time figure:
  ``--single-appends`` declarations through ``declare_transaction`` (the service of
  ``POST /api/v1/ledger/entries``), one transaction and one commit each, so bound by the
  database's commit (fsync) latency.
- The log is then filled to ``--entries`` (default 1,000,000) in bulk, computing leaves and
  subtree hashes exactly as appends do, with one vendor owning ``--statement-lines`` entries
  (half declarations, half their confirmations).
- ``verify_1m_s``: ``verify_log`` with a signed head (what ``flask ledger verify --head`` runs).
- ``proof_ms_p99``: the worse p99 of 1,000 inclusion and 1,000 consistency proofs at full size.
- ``statement_100k_s``: that vendor's statement with a proof per line (wall time);
  ``statement_100k_cpu_s`` is this process's CPU time for it (the database server's not
  counted), which tells the work from the waiting on a loaded machine.

Progress goes to stderr; the last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BATCH = 20_000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_app(url: str, var: Path) -> Any:
    """An app on a freshly migrated database."""
    os.environ["WANBIAO_VAR_DIR"] = str(var)
    from flask_migrate import upgrade
    from sqlalchemy import create_engine, text

    from app import create_app

    if url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SECRET_KEY": "b" * 40, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def people() -> tuple[Any, Any, int]:
    """A vendor user with one evidence row, an auditor, and the big vendor's organization id."""
    from app.accounts.organizations import create_organization
    from app.accounts.services import create_user
    from app.extensions import db
    from app.models import LedgerEvidence, User
    from deid.checksums import uscc_check_char

    def uscc(seed: int) -> str:
        body = f"913401{seed:011d}"
        return body + uscc_check_char(body)

    org = create_organization("基准数据公司", uscc(1), "阜阳", None)
    create_user("vendor@bench.cn", "correct-horse-battery", "vendor", organization_id=org.id)
    create_user("auditor@bench.cn", "correct-horse-battery", "auditor")
    vendor = db.session.query(User).filter_by(email="vendor@bench.cn").one()
    db.session.add(
        LedgerEvidence(
            organization_id=org.id,
            uploaded_by_id=vendor.id,
            object_key="bench/evidence.pdf",
            sha256="ab" * 32,
            media_type="application/pdf",
            size_bytes=1000,
            original_filename="合同.pdf",
        )
    )
    db.session.commit()
    auditor = db.session.query(User).filter_by(email="auditor@bench.cn").one()
    return vendor, auditor, org.id


def declaration_body(n: int) -> dict[str, Any]:
    """The ``n``-th benchmark declaration (issue 12's body), each with its own amount."""
    from deid.checksums import uscc_check_char

    body = f"913401{99:011d}"
    return {
        "counterparty_name": "合肥某人工智能有限公司",
        "counterparty_uscc": body + uscc_check_char(body),
        "kind": "labeling",
        "quantity": 1200,
        "unit": "条",
        "amount_fen": 1000 + n,
        "contract_date": "2026-03-01",
        "evidence": [1],
    }


def time_single_appends(vendor: Any, count: int) -> float:
    """Declarations per second through ``declare_transaction``, one transaction each."""
    from app.extensions import db
    from app.ledger import declarations

    started = time.perf_counter()
    for n in range(count):
        declarations.declare_transaction(vendor, declaration_body(n), f"k{n}")
        db.session.expire_all()
    return count / (time.perf_counter() - started)


def time_imports(vendor: Any, count: int, batch: int) -> float:
    """Declarations per second through ``declare_transactions`` (an import, the service of
    ``POST /api/v1/ledger/entries/batch``): ``batch`` declarations per transaction."""
    from app.extensions import db
    from app.ledger import declarations

    started = time.perf_counter()
    for first in range(0, count, batch):
        lines = [
            {"idempotency_key": f"i{n}", "declaration": declaration_body(n)}
            for n in range(first, min(count, first + batch))
        ]
        declarations.declare_transactions(vendor, {"entries": lines})
        db.session.expire_all()
    return count / (time.perf_counter() - started)


def bulk_records(start: int, total: int, vendor_id: int, mine: int) -> Any:
    """Leaf records for seqs start..total: the vendor's ``mine`` entries first, then others."""
    from app.ledger import entries

    stamp = "2026-06-01T02:00:00Z"
    first_mine = start
    for seq in range(start, total + 1):
        offset = seq - first_mine
        if offset < mine and offset % 2 == 0:
            fields = {
                "kind": "labeling",
                "amount_fen": 10_000 + offset,
                "unit": "条",
                "contract_date": "2026-03-01",
                "counterparty_name": "某公司",
                "quantity": 100,
                "evidence": [{"sha256": "ab" * 32, "media_type": "application/pdf"}],
            }
            yield entries.entry_record(seq, "declaration", vendor_id, None, stamp, **fields)
        elif offset < mine:
            yield entries.entry_record(
                seq, "confirmation", vendor_id, None, stamp, refers_to=seq - 1
            )
        else:
            fields = {
                "kind": "cleaning",
                "amount_fen": 500 + seq % 1000,
                "contract_date": "2026-05-01",
                "counterparty_name": "另一公司",
            }
            yield entries.entry_record(seq, "declaration", 1_000 + seq % 50, None, stamp, **fields)


def other_vendors() -> None:
    """Fifty more organizations whose entries surround the measured vendor's."""
    from app.extensions import db
    from app.models import Organization

    for other in range(50):
        db.session.add(
            Organization(
                id=1_000 + other, name=f"其他公司{other}", uscc=f"X{other:017d}", city="合肥"
            )
        )
    db.session.commit()


def bulk_fill(total: int, vendor_id: int, mine: int) -> None:
    """Fill the log up to ``total`` entries with the rows and subtree hashes appends write."""
    from sqlalchemy import func, insert, select

    from app.extensions import db
    from app.ledger import entries, merkle
    from app.ledger.log import entry_row
    from app.models import LedgerEntry

    other_vendors()
    start = int(db.session.scalar(select(func.max(LedgerEntry.seq))) or 0) + 1
    hashes = list(db.session.scalars(select(LedgerEntry.leaf_hash).order_by(LedgerEntry.seq)))
    rows: list[dict[str, Any]] = []
    now = datetime.now(UTC)
    for record in bulk_records(start, total, vendor_id, mine):
        rows.append(entry_row(record, entries.leaf_bytes(record), now))
        hashes.append(rows[-1]["leaf_hash"])
        if len(rows) == BATCH or record["seq"] == total:
            db.session.execute(insert(LedgerEntry), rows)
            db.session.commit()
            rows = []
            log(f"  {record['seq']:,} entries")
    insert_nodes(merkle.MerkleLevels(hashes))


def insert_nodes(tree: Any) -> None:
    """Store every complete subtree of ``tree`` above the leaves that is not stored yet."""
    from sqlalchemy import insert, select

    from app.extensions import db
    from app.models import LedgerTreeNode

    existing = set(db.session.execute(select(LedgerTreeNode.level, LedgerTreeNode.index)).all())
    nodes = [
        {"level": level, "index": index, "hash": tree.subtree(level, index)}
        for level in range(1, len(tree.levels))
        for index in range(len(tree.levels[level]) // 32)
        if (level, index) not in existing
    ]
    for offset in range(0, len(nodes), BATCH):
        db.session.execute(insert(LedgerTreeNode), nodes[offset : offset + BATCH])
    db.session.commit()


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[int(len(ordered) * 0.99) - 1] * 1000


def time_proofs(size: int) -> tuple[float, float]:
    """p99 in ms of 1,000 inclusion and 1,000 consistency proofs at ``size``."""
    from app.extensions import db
    from app.ledger import log as ledger_log

    inclusion, consistency = [], []
    for _ in range(1000):
        seq, old = random.randint(1, size), random.randint(1, size)
        started = time.perf_counter()
        ledger_log.inclusion_proof(seq, size)
        inclusion.append(time.perf_counter() - started)
        started = time.perf_counter()
        ledger_log.consistency_proof(old, size)
        consistency.append(time.perf_counter() - started)
        db.session.rollback()
    return p99(inclusion), p99(consistency)


def timed(call: Any) -> tuple[Any, float]:
    """``call()``'s result and its wall time in seconds."""
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    url = args.postgres_url if args.db == "postgresql" else f"sqlite:///{workdir / 'bench.db'}"
    app = make_app(url, workdir)
    with app.app_context():
        from app.extensions import db
        from app.ledger import log as ledger_log
        from app.ledger.statement_service import vendor_statement
        from app.ledger.verification import verify_log
        from app.models import User

        vendor, auditor, vendor_id = people()
        auditor_id = auditor.id
        single_per_s = time_single_appends(vendor, args.single_appends)
        append_per_s = time_imports(vendor, args.appends, args.batch)
        log(
            f"appends: {append_per_s:.0f}/s imported {args.batch} at a time, "
            f"{single_per_s:.0f}/s one by one"
        )
        log(f"filling to {args.entries:,}")
        bulk_fill(args.entries, vendor_id, args.statement_lines)
        head = ledger_log.sign_current_head(auditor).as_json()
        db.session.remove()
        report, verify_s = timed(lambda: verify_log(head))
        assert report.ok, report
        log(f"verify: {verify_s:.2f} s")
        inclusion_ms, consistency_ms = time_proofs(args.entries)
        db.session.remove()
        reader = db.session.get(User, auditor_id)
        cpu_started = time.process_time()
        document, statement_s = timed(lambda: vendor_statement(reader, vendor_id, 2026))
        statement_cpu_s = time.process_time() - cpu_started
    lines = len(document["lines"])
    return {
        "db": args.db, "append_per_s": round(append_per_s, 1),
        "append_single_per_s": round(single_per_s, 1), "append_batch": args.batch,
        "verify_1m_s": round(verify_s * 1_000_000 / args.entries, 2),
        "proof_ms_p99": round(max(inclusion_ms, consistency_ms), 3),
        "statement_100k_s": round(statement_s * 100_000 / max(1, lines), 2),
        "entries": args.entries, "statement_lines": lines,
        "inclusion_ms_p99": round(inclusion_ms, 3),
        "consistency_ms_p99": round(consistency_ms, 3), "verify_s": round(verify_s, 2),
        "statement_s": round(statement_s, 2),
        "statement_100k_cpu_s": round(statement_cpu_s * 100_000 / max(1, lines), 2),
        "cpus": os.cpu_count(),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--postgres-url")
    parser.add_argument("--appends", type=int, default=20_000, help="declarations imported")
    parser.add_argument("--batch", type=int, default=1_000, help="declarations per import")
    parser.add_argument(
        "--single-appends", type=int, default=2_000, help="declarations one at a time"
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--statement-lines", type=int, default=100_000)
    args = parser.parse_args()
    if args.db == "postgresql" and not args.postgres_url:
        parser.error("--postgres-url is required with --db postgresql")
    with tempfile.TemporaryDirectory(prefix="wanbiao-ledger-bench-") as workdir:
        result = run(args, Path(workdir))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
