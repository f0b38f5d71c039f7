"""Vendors declare external transactions: one at a time, or many in one import.

A declaration is issue 12's body (``counterparty_name``, ``counterparty_uscc``, ``kind``,
``quantity``, ``unit``, ``amount_fen``, ``contract_date``, ``evidence``) sent with an
idempotency key: the same key and body give back the same entry, the same key with another
body is refused. An import (``POST /api/v1/ledger/entries/batch``) carries up to 1,000 of them
and is all or nothing: one bad line and nothing is appended. Its entries get consecutive
sequence numbers in one transaction (one tail look-up, one insert), which is what lets a vendor
load a year of book-keeping at thousands of entries a second; concurrent appends from other
processes wait for the lock and follow the import.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.database import begin_write
from app.exceptions import Invalid
from app.extensions import db
from app.ledger import entries, log
from app.ledger.evidence import evidence_for, vendor_organization
from app.ledger.verify_statement import canonical_json
from app.models import LedgerEntry, LedgerEvidence, Organization, User

MAX_BATCH = 1000
_KEY_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:")
BEIJING = timedelta(hours=8)


def idempotency_key(key: object) -> str:
    """A key of 1 to 100 letters, digits or ``- _ . :``; Invalid otherwise."""
    if not isinstance(key, str) or not key or len(key) > 100 or not set(key) <= _KEY_CHARACTERS:
        raise Invalid(
            _l("Send an Idempotency-Key header of 1 to 100 letters, digits or - _ . :"),
            code="idempotency_key",
        )
    return key


def _conflict() -> Invalid:
    return Invalid(
        _l("This Idempotency-Key was used with a different request."),
        code="idempotency_conflict",
    )


def _today() -> Any:
    # Only "not in the future" depends on the clock: the app's clock is close enough for that.
    return (datetime.now(UTC) + BEIJING).date()


def _parsed(body: object, vendor: Organization, where: str = "") -> entries.Declaration:
    """The checked declaration; Invalid naming the field (``where`` prefixes it in imports)."""
    try:
        declaration = entries.parse_declaration(body, _today())
    except entries.InvalidEntry as error:
        raise Invalid(
            f"{where}{error.field}: {error.message}",
            code="invalid_entry",
            details=[{"field": f"{where}{error.field}"}],
        ) from None
    if declaration.counterparty_uscc == vendor.uscc:
        raise Invalid(_l("A vendor cannot trade with itself."), code="self_trade")
    return declaration


def _pending(
    user: User,
    vendor: Organization,
    declaration: entries.Declaration,
    evidence: Sequence[LedgerEvidence],
    key: str,
    digest: str,
) -> log.Pending:
    leaf_evidence = [{"sha256": e.sha256, "media_type": e.media_type} for e in evidence]
    fields = entries.declaration_fields(declaration, leaf_evidence)
    fields |= {"vendor_uscc": vendor.uscc, "vendor_city": vendor.city}
    columns = {
        "idempotency_key": key,
        "request_sha256": digest,
        "evidence_ids": list(declaration.evidence_ids),
    }
    return log.Pending("declaration", vendor.id, user.id, fields, columns)


def _vendor(user: User) -> Organization:
    vendor = db.session.get(Organization, vendor_organization(user))
    assert vendor is not None
    return vendor


def declare_transaction(user: User, body: object, key: str | None) -> tuple[LedgerEntry, bool]:
    """Append a vendor's declaration of an external transaction (issue 12's body shape).

    Returns the entry and whether it is new: a replay (same Idempotency-Key, same body) gets
    the first entry back. Raises Forbidden (not a vendor), Invalid (a bad field, the vendor's
    own credit code as counterparty, unknown evidence, a key reused with another body).
    """
    vendor = _vendor(user)
    key = idempotency_key(key)
    digest = hashlib.sha256(canonical_json(body)).hexdigest()
    declaration = _parsed(body, vendor)
    evidence = evidence_for(vendor.id, declaration.evidence_ids)
    pending = _pending(user, vendor, declaration, evidence, key, digest)
    try:
        return _append_one(user, pending)
    except IntegrityError:  # a concurrent twin request won the race: its entry is the answer
        db.session.rollback()
    return _append_one(user, pending)


def _append_one(user: User, item: log.Pending) -> tuple[LedgerEntry, bool]:
    """One declaration under the write lock, committed: the earlier request's entry when the
    key was used before, else the new entry, made from the row just written (not read back)."""
    begin_write()
    earlier = _earlier(user, [item]).get(_key(item))
    if earlier is not None:
        db.session.rollback()
        return earlier, False
    row = log.append_many([item])[0]
    db.session.commit()
    return LedgerEntry(**row), True


def _import_lines(body: object) -> list[tuple[str, object]]:
    """(key, declaration) of each line of ``{"entries": [{"idempotency_key", "declaration"}]}``."""
    lines = body.get("entries") if isinstance(body, Mapping) and set(body) == {"entries"} else None
    if not isinstance(lines, list) or not 1 <= len(lines) <= MAX_BATCH:
        raise Invalid(
            _l("Send an object whose “entries” list holds 1 to 1000 declarations."),
            code="bad_batch",
        )
    found = []
    for line in lines:
        if not isinstance(line, Mapping) or set(line) != {"idempotency_key", "declaration"}:
            raise Invalid(
                _l("Each line needs an “idempotency_key” and a “declaration”, nothing else."),
                code="bad_batch",
            )
        found.append((idempotency_key(line["idempotency_key"]), line["declaration"]))
    return found


class Declared(NamedTuple):
    """One line of an import as appended: its entry's seq, leaf bytes and leaf hash, and
    whether it is new (False: an earlier request or line had declared it already)."""

    seq: int
    leaf: bytes
    leaf_hash: bytes
    new: bool


def declare_transactions(user: User, body: object) -> list[Declared]:
    """Append a vendor's import of up to 1,000 declarations, all or nothing, in order.

    Each line is ``{"idempotency_key", "declaration"}``; a line whose key and declaration an
    earlier request (or an earlier line) already sent gets that entry back, marked not new.
    Raises what :func:`declare_transaction` raises, naming the line (``entries[3].kind``).
    """
    vendor = _vendor(user)
    lines = _import_lines(body)
    parsed = [_parsed(d, vendor, f"entries[{n}].") for n, (_k, d) in enumerate(lines)]
    wanted = tuple(dict.fromkeys(i for d in parsed for i in d.evidence_ids))
    evidence = {e.id: e for e in evidence_for(vendor.id, wanted)}
    pending: dict[str, log.Pending] = {}
    for (key, body_n), declaration in zip(lines, parsed, strict=True):
        digest = hashlib.sha256(canonical_json(body_n)).hexdigest()
        rows = [evidence[i] for i in declaration.evidence_ids]
        item = _pending(user, vendor, declaration, rows, key, digest)
        if pending.setdefault(key, item).columns != item.columns:
            raise _conflict()
    by_key = dict(zip(pending, _append_all(user, list(pending.values())), strict=True))
    return [by_key[key] for key, _body in lines]


def _key(item: log.Pending) -> str:
    return str((item.columns or {})["idempotency_key"])


def _earlier(user: User, wanted: Sequence[log.Pending]) -> dict[str, LedgerEntry]:
    """Entries the user's earlier requests appended under these keys; 422 if one differed."""
    found = {
        str(entry.idempotency_key): entry
        for entry in db.session.scalars(
            select(LedgerEntry).where(
                LedgerEntry.actor_id == user.id,
                LedgerEntry.idempotency_key.in_([_key(item) for item in wanted]),
            )
        )
    }
    for item in wanted:
        earlier = found.get(_key(item))
        if earlier is not None and earlier.request_sha256 != (item.columns or {}).get(
            "request_sha256"
        ):
            db.session.rollback()
            raise _conflict()
    return found


def _append_fresh(user: User, wanted: Sequence[log.Pending]) -> list[Declared]:
    """Append the items no earlier request appended, under the write lock, and commit."""
    begin_write()
    earlier = _earlier(user, wanted)
    rows = iter(log.append_many([item for item in wanted if _key(item) not in earlier]))
    db.session.commit()
    found = []
    for item in wanted:
        entry = earlier.get(_key(item))
        if entry is not None:
            found.append(Declared(entry.seq, bytes(entry.leaf), bytes(entry.leaf_hash), False))
        else:
            row = next(rows)
            found.append(Declared(row["seq"], row["leaf"], row["leaf_hash"], True))
    return found


def _append_all(user: User, wanted: Sequence[log.Pending]) -> list[Declared]:
    """:func:`_append_fresh`, once more if a concurrent twin request won the race (the insert
    then fails on the unique key, and the second attempt finds the twin's entries)."""
    try:
        return _append_fresh(user, wanted)
    except IntegrityError:
        db.session.rollback()
    return _append_fresh(user, wanted)
