"""``flask ledger verify``: replay the whole log and name the first entry that is not intact.

Checks, entry by entry in sequence order: no sequence number is missing; the stored leaf hash
is RFC 6962's hash of the stored leaf bytes; the leaf is canonical JSON naming its own sequence
number (a reordered pair fails here); the query columns still say what the leaf says. Then the
stored subtree hashes are compared with the recomputed tree, and, given a tree head stored
outside the platform, its signature is checked and the live log must extend it: the root of
the first ``tree_size`` entries must be the head's root (RFC 6962 §2.1 MTH).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from app.extensions import db
from app.ledger import merkle, tree_heads
from app.ledger.verify_statement import canonical_json
from app.models import LedgerEntry, LedgerTreeNode

# Columns that repeat a leaf field, by leaf field name.
COLUMNS = {
    "type": "entry_type",
    "vendor_id": "vendor_id",
    "actor_id": "actor_id",
    "refers_to": "refers_to",
    "kind": "kind",
    "amount_fen": "amount_fen",
    "counterparty_uscc": "counterparty_uscc",
}
BATCH = 10_000


@dataclass
class VerifyReport:
    """What verification found: ``ok``, entries read, the first bad seq and why."""

    entries: int = 0
    first_bad_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        """True when nothing was wrong."""
        return self.first_bad_seq is None and not self.problem

    def fail(self, seq: int | None, problem: str) -> VerifyReport:
        """Record the first failure only."""
        if self.ok:
            self.first_bad_seq, self.problem = seq, problem
        return self


def _rows() -> Iterator[Any]:
    stmt = select(
        LedgerEntry.seq,
        LedgerEntry.leaf,
        LedgerEntry.leaf_hash,
        *[getattr(LedgerEntry, c) for c in COLUMNS.values()],
        LedgerEntry.contract_date,
    ).order_by(LedgerEntry.seq)
    after = 0
    while True:
        batch = db.session.execute(stmt.where(LedgerEntry.seq > after).limit(BATCH)).all()
        if not batch:
            return
        yield from batch
        after = batch[-1].seq


def entry_problem(row: Any) -> str | None:
    """Why one stored entry is not intact, or None."""
    # Edited through SQL, a leaf may come back as text; it still must hash right.
    leaf = row.leaf.encode() if isinstance(row.leaf, str) else bytes(row.leaf)
    if merkle.leaf_hash(leaf) != row.leaf_hash:
        return "its leaf hash is not the hash of its leaf"
    try:
        record = json.loads(leaf)
    except ValueError:
        return "its leaf is not JSON"
    if not isinstance(record, dict) or canonical_json(record) != leaf:
        return "its leaf is not canonical JSON"
    if record.get("seq") != row.seq:
        return f"its leaf says seq {record.get('seq')}: entries were reordered"
    for field, column in COLUMNS.items():
        if record.get(field) != getattr(row, column):
            return f"its {column} column differs from its leaf"
    stored_date = row.contract_date.isoformat() if row.contract_date else None
    if record.get("contract_date") != stored_date:
        return "its contract_date column differs from its leaf"
    return None


def _check_nodes(tree: merkle.MerkleLevels, report: VerifyReport) -> None:
    """Stored complete-subtree hashes must equal the recomputed ones."""
    rows = db.session.execute(
        select(LedgerTreeNode.level, LedgerTreeNode.index, LedgerTreeNode.hash).order_by(
            LedgerTreeNode.level, LedgerTreeNode.index
        )
    )
    for level, index, digest in rows:
        try:
            recomputed = tree.subtree(level, index)
        except IndexError:
            recomputed = b""
        if recomputed != digest:
            first = index * (1 << level) + 1
            report.fail(
                first,
                f"the stored tree above seq {first}–{first + (1 << level) - 1} "
                "does not match its entries",
            )
            return


def verify_log(
    head: Mapping[str, Any] | None = None, key: Ed25519PublicKey | None = None
) -> VerifyReport:
    """Replay the log; with ``head`` (a signed tree head, by ``key`` when given) check that the
    log extends it. Never raises: the report names the first bad sequence number."""
    report, hashes = VerifyReport(), []
    for row in _rows():
        report.entries += 1
        if row.seq != report.entries:
            return report.fail(report.entries, f"seq {report.entries} is missing")
        problem = entry_problem(row)
        if problem:
            report.fail(row.seq, problem)
        hashes.append(row.leaf_hash)
    tree = merkle.MerkleLevels(hashes)
    _check_nodes(tree, report)
    if head is not None:
        _check_head(tree, head, key, report)
    return report


def _check_head(
    tree: merkle.MerkleLevels,
    head: Mapping[str, Any],
    key: Ed25519PublicKey | None,
    report: VerifyReport,
) -> None:
    try:
        root = tree_heads.verify_tree_head(head, key)
    except tree_heads.VerificationError as error:
        report.fail(None, f"the tree head does not verify: {error}")
        return
    size = head["tree_size"]
    if size > tree.size:
        report.fail(tree.size + 1, f"the log holds {tree.size} entries, the head {size}")
    elif tree.root(size) != root:
        report.fail(
            report.first_bad_seq, f"the first {size} entries no longer hash to the head's root"
        )
