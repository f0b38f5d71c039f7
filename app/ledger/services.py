"""Ledger services: confirmations, rejections, reversals, listing (declarations: declarations.py).

Nothing is ever updated: a status change is a new entry that refers to a transaction by its
sequence number, and a correction is a reversal plus a new declaration. Vendors see and act on
their own organization's entries only (another's answers 404); a city official (市级主管)
reads the entries of the vendors in their own city and changes nothing; auditors read
everything and decide declarations, never their own.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import QueryableAttribute

from app.database import begin_write
from app.exceptions import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.ledger import entries, log
from app.models import LedgerEntry, Organization, OrganizationKind, Role, User

MAX_PAGE = 1000


def reads_all_entries(user: User) -> bool:
    """Auditors and admins read every vendor's entries."""
    return user.role in (Role.AUDITOR, Role.ADMIN)


def official_city(user: User) -> str | None:
    """The city a city official reads (their city office's city); None for anyone else."""
    if user.role != Role.CITY_OFFICIAL or user.organization_id is None:
        return None
    office = db.session.get(Organization, user.organization_id)
    if office is None or office.kind != OrganizationKind.CITY_OFFICE:
        return None
    return office.city


def vendor_filter(user: User, vendor_id: QueryableAttribute[int]) -> ColumnElement[bool]:
    """A condition on a vendor id column: the vendors whose entries ``user`` may read."""
    if reads_all_entries(user):
        return true()
    city = official_city(user)
    if city is not None:
        return vendor_id.in_(
            select(Organization.id).where(
                Organization.city == city, Organization.kind == OrganizationKind.VENDOR
            )
        )
    if user.role == Role.CITY_OFFICIAL:
        return false()
    return vendor_id == (user.organization_id or -1)


def may_read_vendor(user: User, vendor: Organization) -> bool:
    """Whether ``user`` may read the entries and statements of ``vendor``."""
    if reads_all_entries(user):
        return True
    if user.role != Role.CITY_OFFICIAL:
        return vendor.id == user.organization_id
    city = official_city(user)
    return city is not None and vendor.kind == OrganizationKind.VENDOR and vendor.city == city


def entry_json(entry: LedgerEntry, status: str | None = None) -> dict[str, Any]:
    """An entry as the API shows it: its leaf record, ``leaf`` (base64) and ``leaf_hash``."""
    record: dict[str, Any] = dict(entries_record(entry))
    record["leaf"] = base64.b64encode(entry.leaf).decode()
    record["leaf_hash"] = entry.leaf_hash.hex()
    record["evidence_ids"] = list(entry.evidence_ids or [])
    if status is not None:
        record["status"] = status
    return record


def entries_record(entry: LedgerEntry) -> Mapping[str, Any]:
    """The leaf record of a stored entry (its exact leaf bytes, parsed)."""
    parsed: dict[str, Any] = json.loads(entry.leaf)
    return parsed


def visible_entry(user: User, seq: int) -> LedgerEntry:
    """One entry the user may read; NotFound otherwise (another vendor's seq included)."""
    entry = db.session.get(LedgerEntry, seq) if 0 < seq < 2**63 else None
    vendor = db.session.get(Organization, entry.vendor_id) if entry is not None else None
    if entry is None or vendor is None or not may_read_vendor(user, vendor):
        raise NotFound(_l("Not found."))
    return entry


def _decided(seq: int) -> dict[str, int]:
    """Status entries referring to ``seq``: entry type → the first such entry's seq."""
    rows = db.session.execute(
        select(LedgerEntry.entry_type, LedgerEntry.seq)
        .where(LedgerEntry.refers_to == seq)
        .order_by(LedgerEntry.seq)
    )
    found: dict[str, int] = {}
    for entry_type, status_seq in rows:
        found.setdefault(entry_type, status_seq)
    return found


def change_status(user: User, seq: int, entry_type: str, reason: str | None) -> LedgerEntry:
    """Append a confirmation, rejection or reversal of transaction ``seq``.

    Auditors confirm and reject; the vendor or an auditor reverses; city officials only read.
    Raises NotFound (not visible), Forbidden (a vendor confirming or rejecting, even its own;
    a city official changing anything), Conflict (already
    decided or reversed, or not a transaction), Invalid (a rejection or reversal without a
    reason).
    """
    target = visible_entry(user, seq)
    if user.role == Role.CITY_OFFICIAL:
        raise Forbidden(_l("City officials read the ledger; they do not change it."))
    if entry_type in ("confirmation", "rejection") and user.role != Role.AUDITOR:
        raise Forbidden(_l("Only the bureau's auditors confirm or reject entries."))
    if entry_type != "confirmation" and not (reason or "").strip():
        raise Invalid(_l("Give a reason."), code="reason_required")
    begin_write()
    target = visible_entry(user, seq)
    _check_transition(target, entry_type)
    fields: dict[str, Any] = {"refers_to": seq, "reason": (reason or "").strip()[:500] or None}
    if entry_type == "reversal":
        fields |= {
            "kind": target.kind,
            "contract_date": target.contract_date.isoformat() if target.contract_date else None,
            "amount_fen": -(target.amount_fen or 0),
        }
    row = log.append(entry_type, target.vendor_id, user, fields)
    db.session.commit()
    return LedgerEntry(**row)  # made from the row just written, not read back


def _check_transition(target: LedgerEntry, entry_type: str) -> None:
    if target.entry_type not in entries.TRANSACTION_TYPES:
        raise Conflict(
            _l("Only a declared or delivered transaction can change status."),
            code="not_a_transaction",
        )
    decided = _decided(target.seq)
    if "reversal" in decided:
        raise Conflict(_l("This transaction was reversed."), code="reversed")
    if entry_type != "reversal" and ({"confirmation", "rejection"} & decided.keys()):
        raise Conflict(_l("This transaction was already decided."), code="already_decided")
    if entry_type == "reversal" and "rejection" in decided:
        raise Conflict(_l("A rejected transaction has nothing to reverse."), code="rejected")


def statuses(seqs: list[int]) -> dict[int, str]:
    """declared, confirmed, rejected or reversed for each transaction seq (reversal wins)."""
    found = {seq: "declared" for seq in seqs}
    rank = {"declared": 0, "confirmed": 1, "rejected": 1, "reversed": 2}
    named = {"confirmation": "confirmed", "rejection": "rejected", "reversal": "reversed"}
    rows = db.session.execute(
        select(LedgerEntry.refers_to, LedgerEntry.entry_type)
        .where(LedgerEntry.refers_to.in_(seqs))
        .order_by(LedgerEntry.seq)
    )
    for seq, entry_type in rows:
        status = named[entry_type]
        if seq is not None and rank[status] > rank[found[seq]]:
            found[seq] = status
    return found


def entries_json(rows: list[LedgerEntry]) -> list[dict[str, Any]]:
    """Entries for the API, each transaction with its status."""
    known = statuses([e.seq for e in rows if e.entry_type in entries.TRANSACTION_TYPES])
    return [entry_json(e, known.get(e.seq)) for e in rows]


def list_entries(user: User, after: int, limit: int) -> list[LedgerEntry]:
    """Up to ``limit`` (1..1000) entries with seq > ``after``, in order, the user may read."""
    if not 1 <= limit <= MAX_PAGE or not 0 <= after < 2**63:
        raise Invalid(_l("limit is 1 to 1000 and after is a sequence number."), code="bad_page")
    stmt = select(LedgerEntry).where(LedgerEntry.seq > after).order_by(LedgerEntry.seq)
    if not reads_all_entries(user):
        stmt = stmt.where(vendor_filter(user, LedgerEntry.vendor_id))
    return list(db.session.scalars(stmt.limit(limit)))
