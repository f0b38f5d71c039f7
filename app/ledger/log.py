"""The ledger log in the database: appending leaves, proofs, and signed tree heads.

Appends from any number of processes form one gap-free sequence: on SQLite the write
transaction (``BEGIN IMMEDIATE``) already serialises writers; on PostgreSQL an advisory
transaction lock does. Each append stores its leaf hash and the complete-subtree hashes it
closes (``ledger_tree_node``), so a proof at a million entries reads a few dozen stored hashes
in two queries (RFC 9162 §2.1 proofs from :mod:`app.ledger.merkle`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, text

from app.database import as_utc, begin_write, database_now, utc_now, write_connection
from app.exceptions import Invalid, NotFound
from app.extensions import db
from app.ledger import entries, merkle, tree_heads
from app.models import LedgerEntry, LedgerTreeHead, LedgerTreeNode, User
from app.signing import platform_signing_key

BATCH = 10_000  # rows per round trip of a server-side cursor
LOCK_ID = 0x57424C47  # "WBLG": the PostgreSQL advisory lock of the ledger's tail
_INSERT_ENTRY = insert(LedgerEntry)
_INSERT_NODE = insert(LedgerTreeNode)
_TAIL = select(func.coalesce(func.max(LedgerEntry.seq), 0), utc_now())


def lock_tail() -> None:
    """Serialise appends (and head signing) until the transaction ends. Call after begin_write."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})


def tree_size() -> int:
    """How many entries the log holds (the highest sequence number)."""
    return int(db.session.scalar(select(func.coalesce(func.max(LedgerEntry.seq), 0))) or 0)


def append(
    entry_type: str,
    vendor_id: int,
    actor: User | None,
    fields: Mapping[str, Any],
    columns: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Append one entry in the current write transaction; return its leaf record.

    ``fields`` go into the leaf (see :func:`app.ledger.entries.entry_record`); ``columns`` are
    extra row values (idempotency key, evidence ids). The caller began the transaction with
    ``begin_write()`` and commits it.
    """
    lock_tail()
    last, now = db.session.execute(_TAIL).one()
    seq, now = int(last) + 1, as_utc(now)
    stamp = tree_heads.format_timestamp(now)
    record = entries.entry_record(
        seq, entry_type, vendor_id, actor.id if actor else None, stamp, **fields
    )
    leaf = entries.leaf_bytes(record)
    row = entry_row(record, leaf, now) | dict(columns or {})
    write_connection().execute(_INSERT_ENTRY, row)
    _store_closed_subtrees(seq - 1, row["leaf_hash"])
    return record


def entry_row(record: Mapping[str, Any], leaf: bytes, now: datetime) -> dict[str, Any]:
    """The ``ledger_entry`` row of a leaf record: the leaf, its RFC 6962 hash, query columns."""
    return {
        "seq": record["seq"],
        "entry_type": record["type"],
        "vendor_id": record["vendor_id"],
        "actor_id": record.get("actor_id"),
        "refers_to": record.get("refers_to"),
        "kind": record.get("kind"),
        "amount_fen": record.get("amount_fen"),
        "contract_date": _date(record.get("contract_date")),
        "counterparty_name": record.get("counterparty_name"),
        "counterparty_uscc": record.get("counterparty_uscc"),
        "evidence_ids": [],
        "leaf": leaf,
        "leaf_hash": merkle.leaf_hash(leaf),
        "recorded_at": now,
    }


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def _store_closed_subtrees(index: int, digest: bytes) -> None:
    """Write the complete subtrees whose last leaf is ``index`` (RFC 6962 node hashes)."""
    lefts, level = [], 0
    while (index >> level) & 1:
        lefts.append((level, (index >> level) - 1))
        level += 1
    if not lefts:
        return
    hashes, current, new_nodes = fetch_subtrees(lefts), digest, []
    for level, left in lefts:
        current = merkle.node_hash(hashes[(level, left)], current)
        new_nodes.append({"level": level + 1, "index": (left + 1) >> 1, "hash": current})
    write_connection().execute(_INSERT_NODE, new_nodes)


def fetch_subtrees(coordinates: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Stored hashes of complete subtrees (level 0: the leaf hashes), by (level, index).

    One round trip. The SQL is written out with the integers inline (never user text: every
    coordinate is an ``int`` computed here): statement-building in SQLAlchemy cost more than
    the query on the proof path, and a row-value ``IN`` would scan the table on SQLite.
    """
    wanted = set(coordinates)
    by_level: dict[int, list[int]] = {}
    for level, index in wanted:
        by_level.setdefault(int(level), []).append(int(index))
    parts = []
    if 0 in by_level:
        seqs = ",".join(str(index + 1) for index in by_level.pop(0))
        parts.append(f"SELECT 0, seq - 1, leaf_hash FROM ledger_entry WHERE seq IN ({seqs})")
    if by_level:
        where = " OR ".join(
            f'(level = {level} AND "index" IN ({",".join(map(str, indexes))}))'
            for level, indexes in by_level.items()
        )
        parts.append(f'SELECT level, "index", hash FROM ledger_tree_node WHERE {where}')
    if not parts:
        return {}
    rows = db.session.connection().exec_driver_sql(" UNION ALL ".join(parts))
    found = {(int(level), int(index)): bytes(digest) for level, index, digest in rows}
    if len(found) != len(wanted):
        raise RuntimeError("the ledger's stored tree is missing subtree hashes")
    return found


def driver_rows(sql: str, name: str) -> Iterator[tuple[Any, ...]]:
    """Rows of ``sql`` straight from the driver's cursor.

    A million rows through SQLAlchemy's result objects cost seconds more than the hashing;
    PostgreSQL gets a server-side cursor so the rows are never all in memory at once.
    """
    dbapi: Any = db.session.connection().connection.dbapi_connection
    postgres = db.session.get_bind().dialect.name == "postgresql"
    cursor: Any = dbapi.cursor(name) if postgres else dbapi.cursor()
    try:
        if postgres:
            cursor.itersize = BATCH
        cursor.execute(sql)
        yield from cursor
    finally:
        cursor.close()


def _from_store(compute: Callable[[merkle.Subtree], Any]) -> Any:
    """Run ``compute`` against stored subtree hashes, fetched in one round."""
    hashes = fetch_subtrees(merkle.needed_subtrees(compute))
    return compute(lambda level, index: hashes[(level, index)])


def _checked_size(size: int) -> int:
    if not 0 <= size <= tree_size():
        raise NotFound(_l("The ledger has no tree of that size yet."))
    return size


def root_hash(size: int) -> bytes:
    """MTH of the first ``size`` entries."""
    _checked_size(size)
    return bytes(_from_store(lambda sub: merkle.tree_hash(size, sub)))


def inclusion_proof(seq: int, size: int) -> dict[str, Any]:
    """Issue 12's proof shape: ``{"leaf_index", "tree_size", "audit_path": [hex…]}``."""
    _checked_size(size)
    if not 1 <= seq <= size:
        raise Invalid(_l("That entry is not in a tree of that size."), code="not_in_tree")
    path = _from_store(lambda sub: merkle.inclusion_proof(seq - 1, size, sub))
    return {"leaf_index": seq - 1, "tree_size": size, "audit_path": [h.hex() for h in path]}


def consistency_proof(old: int, new: int) -> dict[str, Any]:
    """Issue 12's shape: ``{"from", "to", "proof": [hex…]}`` (RFC 9162 §2.1.4.1)."""
    _checked_size(new)
    if not 0 <= old <= new:
        raise Invalid(_l("“from” must not be larger than “to”."), code="bad_range")
    proof = _from_store(lambda sub: merkle.consistency_proof(old, new, sub))
    return {"from": old, "to": new, "proof": [h.hex() for h in proof]}


def sign_head(key: Ed25519PrivateKey, actor: User | None) -> LedgerTreeHead:
    """Sign and store a head of the whole log as it is now. Call after begin_write; commits."""
    lock_tail()
    size = tree_size()
    signed = tree_heads.sign_tree_head(key, size, root_hash(size), database_now())
    head = LedgerTreeHead(**signed, signed_by_id=actor.id if actor else None)
    db.session.add(head)
    db.session.commit()
    return head


def sign_current_head(actor: User | None) -> LedgerTreeHead:
    """Sign a head of the log now with the platform key (daily job, CLI, auditors)."""
    begin_write()
    return sign_head(platform_signing_key(current_app.config), actor)


def latest_head() -> LedgerTreeHead | None:
    """The most recently signed tree head, or None before the first."""
    return db.session.scalar(select(LedgerTreeHead).order_by(LedgerTreeHead.id.desc()).limit(1))
