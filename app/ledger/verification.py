"""``flask ledger verify``: replay the whole log and name the first entry that is not intact.

Checks, entry by entry in sequence order: no sequence number is missing; the stored leaf hash
is RFC 6962's hash of the stored leaf bytes; the leaf is canonical JSON naming its own sequence
number (a reordered pair fails here); the query columns still say what the leaf says. Then the
stored subtree hashes are compared with the recomputed tree, and, given a tree head stored
outside the platform, its signature is checked and the live log must extend it: the root of
the first ``tree_size`` entries must be the head's root (RFC 6962 §2.1 MTH).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from app.extensions import db
from app.ledger import merkle, tree_heads
from app.ledger.log import driver_rows
from app.ledger.verify_statement import canonical_json
from app.models import LedgerEntry

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


# The first entry whose query columns disagree with its leaf, found by the database's own JSON
# functions (C speed over a million rows); Python then explains that one entry. OFFSET 0 keeps
# PostgreSQL from inlining the subquery, which would parse each leaf once per comparison.
SQLITE_MISMATCH = text("""
SELECT seq FROM ledger_entry WHERE CASE WHEN json_valid(CAST(leaf AS TEXT)) THEN
  json_extract(CAST(leaf AS TEXT), '$.seq') IS NOT seq
  OR json_extract(CAST(leaf AS TEXT), '$.type') IS NOT entry_type
  OR json_extract(CAST(leaf AS TEXT), '$.vendor_id') IS NOT vendor_id
  OR json_extract(CAST(leaf AS TEXT), '$.actor_id') IS NOT actor_id
  OR json_extract(CAST(leaf AS TEXT), '$.refers_to') IS NOT refers_to
  OR json_extract(CAST(leaf AS TEXT), '$.kind') IS NOT kind
  OR json_extract(CAST(leaf AS TEXT), '$.amount_fen') IS NOT amount_fen
  OR json_extract(CAST(leaf AS TEXT), '$.counterparty_uscc') IS NOT counterparty_uscc
  OR json_extract(CAST(leaf AS TEXT), '$.contract_date') IS NOT contract_date
  ELSE 1 END ORDER BY seq LIMIT 1""")
POSTGRES_MISMATCH = text("""
SELECT seq FROM (SELECT *, convert_from(leaf, 'UTF8')::jsonb AS j FROM ledger_entry OFFSET 0) AS e
WHERE (j->>'seq')::bigint IS DISTINCT FROM seq OR j->>'type' IS DISTINCT FROM entry_type
  OR (j->>'vendor_id')::bigint IS DISTINCT FROM vendor_id
  OR (j->>'actor_id')::bigint IS DISTINCT FROM actor_id
  OR (j->>'refers_to')::bigint IS DISTINCT FROM refers_to
  OR j->>'kind' IS DISTINCT FROM kind OR (j->>'amount_fen')::bigint IS DISTINCT FROM amount_fen
  OR j->>'counterparty_uscc' IS DISTINCT FROM counterparty_uscc
  OR j->>'contract_date' IS DISTINCT FROM contract_date::text
ORDER BY seq LIMIT 1""")


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
        """Record a failure; the one at the smallest sequence number is kept."""
        earlier = seq is not None and (self.first_bad_seq is None or seq < self.first_bad_seq)
        if self.ok or earlier:
            self.first_bad_seq, self.problem = seq, problem
        return self


def entry_problem(row: LedgerEntry) -> str | None:
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


def _check_columns(report: VerifyReport) -> None:
    """Ask the database for the first entry whose columns disagree with its leaf."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    try:
        seq = db.session.scalar(POSTGRES_MISMATCH if postgres else SQLITE_MISMATCH)
    except DBAPIError:  # a leaf that is not UTF-8 JSON at all: the hash check names it
        db.session.rollback()
        return
    entry = db.session.get(LedgerEntry, seq) if seq is not None else None
    if entry is not None:
        report.fail(entry.seq, entry_problem(entry) or "its columns differ from its leaf")


def _check_leaves(report: VerifyReport) -> merkle.MerkleLevels:
    """Sequence numbers without gaps, leaf hashes right; the tree of the stored leaf hashes."""
    hashes, sha256 = [], hashlib.sha256
    rows = driver_rows("SELECT seq, leaf, leaf_hash FROM ledger_entry ORDER BY seq", "leaves")
    for seq, leaf, digest in rows:
        report.entries += 1
        if seq != report.entries:
            report.fail(report.entries, f"seq {report.entries} is missing")
            break
        raw = leaf.encode() if isinstance(leaf, str) else leaf
        if sha256(b"\x00" + raw).digest() != bytes(digest):
            report.fail(seq, "its leaf hash is not the hash of its leaf")
        hashes.append(bytes(digest))
    return merkle.MerkleLevels(hashes)


def _check_nodes(tree: merkle.MerkleLevels, report: VerifyReport) -> None:
    """Stored complete-subtree hashes must equal the recomputed ones."""
    sql = 'SELECT level, "index", hash FROM ledger_tree_node ORDER BY level, "index"'
    for level, index, digest in driver_rows(sql, "nodes"):
        row = tree.levels[level] if level < len(tree.levels) else b""
        if row[index * 32 : index * 32 + 32] != bytes(digest):
            first = index * (1 << level) + 1
            last = first + (1 << level) - 1
            report.fail(first, f"the stored tree above seq {first}–{last} does not match")
            return


def verify_log(
    head: Mapping[str, Any] | None = None, key: Ed25519PublicKey | None = None
) -> VerifyReport:
    """Replay the log; with ``head`` (a signed tree head, by ``key`` when given) check that the
    log extends it. Never raises: the report names the first bad sequence number."""
    report = VerifyReport()
    tree = _check_leaves(report)
    _check_columns(report)
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
