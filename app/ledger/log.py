"""The ledger log in the database: appending leaves, proofs, and signed tree heads.

Appends from any number of processes form one gap-free sequence: on SQLite the write
transaction (``BEGIN IMMEDIATE``) already serialises writers; on PostgreSQL an advisory
transaction lock does. Each append stores its leaf hash and the complete-subtree hashes it
closes (``ledger_tree_node``), so a proof at a million entries reads a few dozen stored hashes
in two queries (RFC 9162 §2.1 proofs from :mod:`app.ledger.merkle`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

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
# The highest seq read from the key's end. Not max(seq): SQLite answers a bare max() from the
# index, but max() next to another column or inside coalesce() scans the whole table.
_LAST_SEQ = select(LedgerEntry.seq).order_by(LedgerEntry.seq.desc()).limit(1)
_TAIL = select(func.coalesce(_LAST_SEQ.scalar_subquery(), 0), utc_now())


def lock_tail() -> None:
    """Serialise appends (and head signing) until the transaction ends. Call after begin_write."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK_ID})


def tree_size() -> int:
    """How many entries the log holds (the highest sequence number)."""
    return int(db.session.scalar(_LAST_SEQ) or 0)


class Pending(NamedTuple):
    """An entry about to be appended: what :func:`append_many` needs besides its seq and time.

    ``fields`` go into the leaf (see :func:`app.ledger.entries.entry_record`); ``columns`` are
    extra row values (idempotency key, request digest, evidence ids).
    """

    entry_type: str
    vendor_id: int
    actor_id: int | None
    fields: Mapping[str, Any]
    columns: Mapping[str, Any] | None = None


def append(
    entry_type: str,
    vendor_id: int,
    actor: User | None,
    fields: Mapping[str, Any],
    columns: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Append one entry in the current write transaction; return its ``ledger_entry`` row.

    The caller began the transaction with ``begin_write()`` and commits it.
    """
    pending = Pending(entry_type, vendor_id, actor.id if actor else None, fields, columns)
    return append_many([pending])[0]


def append_many(pending: Sequence[Pending]) -> list[dict[str, Any]]:
    """Append entries with consecutive sequence numbers in the current write transaction.

    One tail look-up under the lock for all of them, one multi-row insert of the entries and
    one of the subtree hashes they complete. Returns their ``ledger_entry`` rows (column
    values) in order. The caller
    began the transaction with ``begin_write()`` and commits it.
    """
    if not pending:
        return []
    lock_tail()
    last, now = db.session.execute(_TAIL).one()
    first, now = int(last) + 1, as_utc(now)
    stamp = tree_heads.format_timestamp(now)
    rows = []
    for seq, item in enumerate(pending, start=first):
        record = entries.entry_record(
            seq, item.entry_type, item.vendor_id, item.actor_id, stamp, **item.fields
        )
        rows.append(entry_row(record, entries.leaf_bytes(record), now) | dict(item.columns or {}))
    write_connection().execute(_INSERT_ENTRY, rows)
    _store_closed_subtrees(first - 1, [row["leaf_hash"] for row in rows])
    return rows


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


def _store_closed_subtrees(size: int, leaf_hashes: list[bytes]) -> None:
    """Write the complete subtrees that appending ``leaf_hashes`` to ``size`` leaves closes."""
    needed = merkle.frontier_needed(size, len(leaf_hashes))
    frontier = {level: digest for (level, _), digest in fetch_subtrees(needed).items()}
    closed = merkle.extend_frontier(size, frontier, leaf_hashes)
    if closed:
        nodes = [{"level": lv, "index": index, "hash": digest} for lv, index, digest in closed]
        write_connection().execute(_INSERT_NODE, nodes)


class MissingSubtrees(RuntimeError):
    """A subtree hash asked for is not stored: beyond the log, or the store is damaged."""


def fetch_subtrees(coordinates: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
    """Stored hashes of complete subtrees (level 0: the leaf hashes), by (level, index).

    One round trip, below SQLAlchemy's statement building (which cost more than the query on
    the proof path). PostgreSQL gets one prepared text with arrays; SQLite gets the integers
    inline (never user text: every coordinate is an ``int`` computed here), since a row-value
    ``IN`` would scan its table.
    """
    wanted = set(coordinates)
    if db.session.get_bind().dialect.name == "postgresql":
        rows = _postgres_subtrees(wanted)
    else:
        rows = _inline_subtrees(wanted)
    found = {(int(level), int(index)): bytes(digest) for level, index, digest in rows}
    if len(found) != len(wanted):
        raise MissingSubtrees("the ledger's stored tree is missing subtree hashes")
    return found


# One text for every proof, so psycopg prepares it on a connection's fifth use and PostgreSQL
# stops planning it (planning was a third of the server's time for the inline form).
_POSTGRES_SUBTREES = (
    "SELECT 0, seq - 1, leaf_hash FROM ledger_entry WHERE seq = ANY(%(seqs)s::bigint[])"
    ' UNION ALL SELECT n.level, n."index", n.hash'
    " FROM unnest(%(levels)s::int[], %(indexes)s::bigint[]) AS w(level, idx)"
    ' JOIN ledger_tree_node n ON n.level = w.level AND n."index" = w.idx'
)


def _postgres_subtrees(wanted: set[tuple[int, int]]) -> Iterable[Any]:
    seqs = [int(index) + 1 for level, index in wanted if level == 0]
    nodes = [(int(level), int(index)) for level, index in wanted if level != 0]
    params = {
        "seqs": seqs,
        "levels": [level for level, _ in nodes],
        "indexes": [index for _, index in nodes],
    }
    dbapi: Any = db.session.connection().connection.dbapi_connection
    with dbapi.cursor(binary=True) as cursor:  # bytea as raw bytes, no result objects
        cursor.execute(_POSTGRES_SUBTREES, params)
        rows: list[Any] = cursor.fetchall()
    return rows


def _inline_subtrees(wanted: set[tuple[int, int]]) -> Iterable[Any]:
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
        return []
    return db.session.connection().exec_driver_sql(" UNION ALL ".join(parts))


def driver_rows(sql: str, name: str) -> Iterator[tuple[Any, ...]]:
    """Rows of ``sql`` straight from the driver's cursor (see :func:`driver_batches`)."""
    for batch in driver_batches(sql, name):
        yield from batch


def driver_batches(
    sql: str, name: str, all_at_once: bool = False
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows of ``sql`` straight from the driver's cursor, up to ``BATCH`` in each list.

    A million rows through SQLAlchemy's result objects cost seconds more than the hashing;
    PostgreSQL gets a server-side cursor so the rows are never all in memory at once, in
    binary format (bytea travels as raw bytes, not hex). With ``all_at_once`` (the caller
    keeps every row anyway) it gets a plain cursor: PostgreSQL then plans for all the rows,
    where a cursor's plan aims at the first tenth (for a vendor's entries: a walk of the
    whole log along its key rather than the vendor's index and a sort).
    """
    dbapi: Any = db.session.connection().connection.dbapi_connection
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if not postgres:
        cursor: Any = dbapi.cursor()
    else:
        cursor = dbapi.cursor(binary=True) if all_at_once else dbapi.cursor(name, binary=True)
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(BATCH):
            yield batch
    finally:
        cursor.close()


def _from_store(compute: Callable[[merkle.Subtree], Any], size: int) -> Any:
    """Run ``compute`` (about the tree of ``size``) against stored subtree hashes, fetched in
    one round together with the leaf ``size - 1``: NotFound when that leaf is not there, so the
    log is smaller than ``size`` (only then is the log's size looked up, to tell that from a
    damaged store)."""
    if size < 0:
        raise NotFound(_l("The ledger has no tree of that size yet."))
    last_leaf = [(0, size - 1)] if size else []
    try:
        hashes = fetch_subtrees(merkle.needed_subtrees(compute) + last_leaf)
    except MissingSubtrees:
        _checked_size(size)
        raise
    return compute(lambda level, index: hashes[(level, index)])


def _checked_size(size: int) -> int:
    if not 0 <= size <= tree_size():
        raise NotFound(_l("The ledger has no tree of that size yet."))
    return size


def root_hash(size: int) -> bytes:
    """MTH of the first ``size`` entries."""
    return bytes(_from_store(lambda sub: merkle.tree_hash(size, sub), size))


def inclusion_proof(seq: int, size: int) -> dict[str, Any]:
    """Issue 12's proof shape: ``{"leaf_index", "tree_size", "audit_path": [hex…]}``."""
    if not 1 <= seq <= size:
        _checked_size(size)
        raise Invalid(_l("That entry is not in a tree of that size."), code="not_in_tree")
    path = _from_store(lambda sub: merkle.inclusion_proof(seq - 1, size, sub), size)
    return {"leaf_index": seq - 1, "tree_size": size, "audit_path": [h.hex() for h in path]}


def consistency_proof(old: int, new: int) -> dict[str, Any]:
    """Issue 12's shape: ``{"from", "to", "proof": [hex…]}`` (RFC 9162 §2.1.4.1)."""
    if not 0 <= old <= new:
        _checked_size(new)
        raise Invalid(_l("“from” must not be larger than “to”."), code="bad_range")
    proof = _from_store(lambda sub: merkle.consistency_proof(old, new, sub), new)
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
