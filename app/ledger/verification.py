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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Engine, text
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


def _first_mismatch(engine: Engine) -> int | None:
    """The first seq whose query columns disagree with its leaf, by the database's JSON
    functions, on a connection of its own (so it runs while this process hashes the leaves).
    None when all agree, or when a leaf is not UTF-8 JSON at all (the hash check names it)."""
    sql = POSTGRES_MISMATCH if engine.dialect.name == "postgresql" else SQLITE_MISMATCH
    try:
        with engine.connect() as connection:
            seq = connection.scalar(sql)
    except DBAPIError:
        return None
    return int(seq) if seq is not None else None


def _first_mismatch_here() -> int | None:
    """:func:`_first_mismatch` on the session's own connection."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    try:
        seq = db.session.scalar(POSTGRES_MISMATCH if postgres else SQLITE_MISMATCH)
    except DBAPIError:
        db.session.rollback()
        return None
    return int(seq) if seq is not None else None


def _explain_mismatch(seq: int | None, report: VerifyReport) -> None:
    entry = db.session.get(LedgerEntry, seq) if seq is not None else None
    if entry is not None:
        report.fail(entry.seq, entry_problem(entry) or "its columns differ from its leaf")


_COUNT = "SELECT count(*), coalesce(max(seq), 0) FROM ledger_entry"
# The first seq after which one is missing, plus one (the first missing seq above 1).
_FIRST_GAP = (
    "SELECT min(seq) + 1 FROM ledger_entry AS e WHERE seq >= 1 AND NOT EXISTS "
    "(SELECT 1 FROM ledger_entry AS f WHERE f.seq = e.seq + 1)"
)


def _contiguous_end(report: VerifyReport) -> int:
    """The last seq before the first missing one (all of them when none is missing)."""
    count, last = db.session.execute(text(_COUNT)).one()
    if count == last:
        return int(last)
    has_first = db.session.scalar(text("SELECT count(*) FROM ledger_entry WHERE seq = 1"))
    missing = int(db.session.scalar(text(_FIRST_GAP)) or 1) if has_first else 1
    report.fail(missing, f"seq {missing} is missing")
    return missing - 1


def _check_leaves(report: VerifyReport) -> merkle.MerkleLevels:
    """Sequence numbers without gaps, leaf hashes right; the tree of the stored leaf hashes.

    The hashes are compared all at once (one buffer each); only a difference is looked for
    hash by hash. A leaf edited into text through SQL is read back as its UTF-8 bytes.
    """
    end = _contiguous_end(report)
    leaf = "CAST(leaf AS BLOB)" if db.session.get_bind().dialect.name == "sqlite" else "leaf"
    sql = f"SELECT {leaf}, leaf_hash FROM ledger_entry WHERE seq <= {int(end)} ORDER BY seq"
    computed, stored, sha256 = bytearray(), bytearray(), hashlib.sha256
    for raw, digest in driver_rows(sql, "leaves"):
        computed += sha256(b"\x00" + raw).digest()
        stored += digest
    report.entries = len(stored) // merkle.HASH_SIZE
    if computed != stored:
        first = _first_difference(computed, stored)
        report.fail(first + 1, "its leaf hash is not the hash of its leaf")
    return merkle.MerkleLevels.from_concatenated(stored)


def _first_difference(one: bytes | bytearray, other: bytes | bytearray) -> int:
    """The index of the first 32-byte hash where two equally long buffers differ."""
    size = merkle.HASH_SIZE
    return next(
        n
        for n in range(len(one) // size)
        if one[n * size : (n + 1) * size] != other[n * size : (n + 1) * size]
    )


def _stored_level(level: int, count: int) -> bytes:
    """The stored hashes of level ``level``'s first ``count`` subtrees, concatenated in order;
    shorter when some are missing."""
    sql = (
        f'SELECT hash FROM ledger_tree_node WHERE level = {int(level)} AND "index" < {int(count)} '
        'ORDER BY "index"'
    )
    return b"".join(bytes(digest) for (digest,) in driver_rows(sql, "nodes"))


def _first_missing_node(level: int, count: int) -> int:
    """The first of level ``level``'s first ``count`` subtrees that has no stored hash."""
    sql = (
        f'SELECT "index" FROM ledger_tree_node WHERE level = {int(level)} '
        f'AND "index" < {int(count)} ORDER BY "index"'
    )
    for expected, (index,) in enumerate(driver_rows(sql, "indexes")):
        if index != expected:
            return expected
    return count


def _bad_node(level: int, expected: bytearray, stored: bytes) -> tuple[int, str] | None:
    """(index, what is wrong) of the first bad stored subtree hash of a level, or None."""
    if stored == expected:
        return None
    if len(stored) == len(expected):
        return _first_difference(stored, expected), "does not match"
    missing = _first_missing_node(level, len(expected) // merkle.HASH_SIZE)
    prefix = missing * merkle.HASH_SIZE
    if stored[:prefix] != expected[:prefix]:
        return _first_difference(stored[:prefix], expected[:prefix]), "does not match"
    return missing, "is missing"


def _check_nodes(tree: merkle.MerkleLevels) -> tuple[int, str] | None:
    """Stored complete-subtree hashes must be there and equal the recomputed ones (subtrees
    beyond the tree that was read, appended meanwhile, are not looked at): the first seq under
    a bad one and the problem, or None."""
    for level in range(1, len(tree.levels)):
        expected = tree.levels[level]
        bad = _bad_node(level, expected, _stored_level(level, len(expected) // merkle.HASH_SIZE))
        if bad is not None:
            first = bad[0] * (1 << level) + 1
            last = first + (1 << level) - 1
            return first, f"the stored tree above seq {first}–{last} {bad[1]}"
    return None


def verify_log(
    head: Mapping[str, Any] | None = None, key: Ed25519PublicKey | None = None
) -> VerifyReport:
    """Replay the log; with ``head`` (a signed tree head, by ``key`` when given) check that the
    log extends it. Never raises: the report names the first bad sequence number.

    The database compares each entry's query columns with its leaf on a second connection
    while this process hashes the leaves and rebuilds the tree.
    """
    report = VerifyReport()
    engine = db.engine
    # An in-memory SQLite database exists on one connection only: no second one to ask.
    alone = engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")
    with ThreadPoolExecutor(max_workers=1) as pool:
        mismatch = pool.submit(_first_mismatch, engine) if not alone else None
        tree = _check_leaves(report)
        bad_node = _check_nodes(tree)
        first = mismatch.result() if mismatch else _first_mismatch_here()
        _explain_mismatch(first, report)
    if bad_node is not None:  # after the entry's own problem, should both name one seq
        report.fail(*bad_node)
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
