"""The vendor ledger: entries (the Merkle tree's leaves), evidence, tree nodes and tree heads.

Every table here is append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on
PostgreSQL) in the database itself, so no code path, and no one with SQL access who leaves the
triggers in place, can change an entry silently. The triggers are created with the tables
(``create_all``) and by the migration that adds them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow

APPEND_ONLY_TABLES = ("ledger_evidence", "ledger_entry", "ledger_tree_node", "ledger_tree_head")


class LedgerEvidence(Base):
    """A contract or invoice (PDF, PNG or JPEG) in object storage, identified by its SHA-256."""

    __tablename__ = "ledger_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    object_key: Mapped[str] = mapped_column(String(255), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    original_filename: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerEntry(Base):
    """One leaf of the ledger's Merkle tree; ``leaf`` holds its exact bytes.

    ``seq`` is 1-based and gap-free (leaf index = seq - 1). The other columns repeat fields of
    the leaf for queries; ``flask ledger verify`` checks they still agree with it.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("actor_id", "idempotency_key"),
        Index("ix_ledger_entry_vendor_contract", "vendor_id", "contract_date"),
        Index("ix_ledger_entry_refers_to", "refers_to"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry_type: Mapped[str] = mapped_column(String(16))
    vendor_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    refers_to: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str | None] = mapped_column(String(20))
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)
    contract_date: Mapped[date | None]
    counterparty_name: Mapped[str | None] = mapped_column(String(200))
    counterparty_uscc: Mapped[str | None] = mapped_column(String(18))
    evidence_ids: Mapped[list[Any]] = mapped_column(default=list)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    request_sha256: Mapped[str | None] = mapped_column(String(64))
    leaf: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class LedgerTreeNode(Base):
    """The hash of a complete subtree above the leaves: leaves [index·2^level, (index+1)·2^level).

    Written once, when the leaf that completes the subtree is appended; proofs read them.
    """

    __tablename__ = "ledger_tree_node"

    level: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerTreeHead(Base):
    """A signed tree head exactly as published (issue 12's five fields)."""

    __tablename__ = "ledger_tree_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    tree_size: Mapped[int] = mapped_column(BigInteger, index=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[str] = mapped_column(String(20))
    signature: Mapped[str] = mapped_column(String(88))
    public_key: Mapped[str] = mapped_column(String(44))
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def as_json(self) -> dict[str, Any]:
        """The head in its published shape."""
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "timestamp": self.timestamp,
            "signature": self.signature,
            "public_key": self.public_key,
        }


def sqlite_append_only(table: str) -> list[str]:
    """SQLite triggers that abort any UPDATE or DELETE on ``table``."""
    return [
        f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
        for verb in ("UPDATE", "DELETE")
    ]


POSTGRES_REFUSE_FUNCTION = (
    "CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
)


def postgres_append_only(table: str) -> list[str]:
    """PostgreSQL triggers that raise on any UPDATE, DELETE or TRUNCATE of ``table``."""
    return [
        POSTGRES_REFUSE_FUNCTION,
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()",
    ]


def _ddl(statement: str, dialect: str) -> Any:
    # DDL() formats its text with %: the function's own % must be doubled.
    return DDL(statement.replace("%", "%%")).execute_if(dialect=dialect)  # type: ignore[no-untyped-call]


def _attach_triggers(table: Table) -> None:
    for statement in sqlite_append_only(table.name):
        event.listen(table, "after_create", _ddl(statement, "sqlite"))
    for statement in postgres_append_only(table.name):
        event.listen(table, "after_create", _ddl(statement, "postgresql"))


for _model in (LedgerEvidence, LedgerEntry, LedgerTreeNode, LedgerTreeHead):
    _attach_triggers(_model.__table__)  # type: ignore[arg-type]
