"""A vendor's yearly statement: its entries with inclusion proofs, the subsidy shown line by
line, as JSON (for the stand-alone verifier), formula-safe CSV and XLSX.

The statement is proved against a signed tree head that covers every line: the newest head
when it does, else a head signed for the statement (the log only grows, so that head is
consistent with every earlier one).
"""

from __future__ import annotations

import gc
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from sqlalchemy import select

from app.exceptions import NotFound
from app.extensions import db
from app.ledger import log, statement_proofs, statements, subsidy
from app.ledger.services import may_read_vendor, official_city, reads_all_entries, vendor_filter
from app.models import LedgerEntry, LedgerTreeHead, Organization, User

POLICIES = Path(__file__).resolve().parent / "policies"


@cache
def policy_for(year: int) -> subsidy.SubsidyPolicy:
    """The published policy of ``year`` (``policies/<year>.json``); NotFound without one."""
    path = POLICIES / f"{year}.json"
    if not 2000 <= year <= 2200 or not path.is_file():
        raise NotFound(_l("There is no subsidy policy for that year."))
    return subsidy.policy_from_dict(json.loads(path.read_text(encoding="utf-8")))


def _vendor(user: User, organization_id: int) -> Organization:
    vendor = db.session.get(Organization, organization_id) if organization_id < 2**63 else None
    if vendor is None or not may_read_vendor(user, vendor):
        raise NotFound(_l("Not found."))
    return vendor


def _covering_head(last_seq: int, user: User) -> LedgerTreeHead:
    head = log.latest_head()
    if head is not None and head.tree_size >= last_seq:
        return head
    return log.sign_current_head(user)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a statement is built.

    A statement of 100,000 lines makes a few hundred thousand dicts and lists, none in a cycle;
    the collector's repeated passes over them cost more than building them. Plain reference
    counting still frees everything; the collector resumes (if it ran before) at the end.
    Resumed as it is, its first pass would walk every object made meanwhile (all counted as
    young): freezing and unfreezing first moves them to the oldest generation, unwalked, as
    a long-lived document's objects would end up anyway.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _vendor_leaves(vendor_id: int) -> tuple[list[int], list[bytes], list[bytes]]:
    """The vendor's seqs, leaf bytes and leaf hashes, in seq order.

    Straight from the driver a batch at a time, not ORM objects nor Row objects (a statement
    may hold 100,000 entries).
    """
    sql = (
        "SELECT seq, leaf, leaf_hash FROM ledger_entry "
        f"WHERE vendor_id = {int(vendor_id)} ORDER BY seq"
    )
    rows = [row for batch in log.driver_batches(sql, "statement", True) for row in batch]
    if not rows:
        return [], [], []
    seqs, leaves, hashes = map(list, zip(*rows, strict=True))
    return seqs, leaves, hashes


def vendor_statement(user: User, organization_id: int, year: int) -> dict[str, Any]:
    """The statement document of one vendor and year (see :mod:`app.ledger.statements`).

    The leaves are parsed with one ``json.loads`` of them joined into a JSON array. Raises
    NotFound for another vendor's statement or a year without a policy.
    """
    policy = policy_for(year)
    vendor = _vendor(user, organization_id)
    with _collector_paused():
        seqs, leaves, hashes = _vendor_leaves(vendor.id)
        records: list[dict[str, Any]] = json.loads(b"[" + b",".join(leaves) + b"]")
        result = subsidy.vendor_subsidy(
            policy, vendor.id, vendor.city, subsidy.transactions_from_records(records)
        )
        shown = {line.seq for line in result.lines}
        shown |= {r["seq"] for r in records if r.get("refers_to") in shown}
        chosen = [n for n, seq in enumerate(seqs) if seq in shown]
        head = _covering_head(max(shown, default=0), user)
        paths = statement_proofs.audit_paths(
            [seqs[n] for n in chosen], head.tree_size, dict(zip(seqs, hashes, strict=True))
        )
        lines = statements.statement_lines(
            [records[n] for n in chosen], [leaves[n] for n in chosen], paths
        )
    identity = {"id": vendor.id, "name": vendor.name, "uscc": vendor.uscc, "city": vendor.city}
    return statements.statement_document(identity, head.as_json(), lines, result)


def statement_rows(document: dict[str, Any]) -> list[list[Any]]:
    """The statement as table rows (lines, then the computation) for CSV and XLSX."""
    rows: list[list[Any]] = [
        [
            "seq",
            "type",
            "kind",
            "contract_date",
            "amount_yuan",
            "counted",
            "reason",
            "refers_to",
            "counterparty_name",
            "counterparty_uscc",
        ]
    ]
    for line in document["lines"]:
        amount = line.get("amount_fen")
        rows.append(
            [
                line["seq"],
                line["type"],
                line.get("kind"),
                line.get("contract_date"),
                subsidy.yuan(amount) if amount is not None else None,
                line.get("counted"),
                line.get("reason"),
                line.get("refers_to"),
                line.get("counterparty_name"),
                line.get("counterparty_uscc"),
            ]
        )
    summary = document["subsidy"]
    rows += [[], ["step", "formula", "value_yuan"]]
    rows += [[s["code"], s["formula"], s["value_yuan"]] for s in summary["steps"]]
    rows.append(
        ["subsidy", "capped" if summary["capped"] else "", subsidy.yuan(summary["subsidy_fen"])]
    )
    return rows


def statement_xlsx(document: dict[str, Any]) -> bytes:
    """The statement as an XLSX workbook (openpyxl); text is never stored as a formula."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"{document['year']}"
    for row in statement_rows(document):
        sheet.append([None if value is None else value for value in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bureau_overview(user: User, year: int) -> dict[str, Any]:
    """Every vendor's and every city's volume and subsidy for ``year``, with monthly volumes.

    For auditors and admins; a city official sees their own city's vendors and city only;
    anyone else gets NotFound. Vendors are listed by city, then name.
    """
    city = official_city(user)
    if not reads_all_entries(user) and city is None:
        raise NotFound(_l("Not found."))
    policy = policy_for(year)
    records: dict[int, list[dict[str, Any]]] = {}
    for vendor_id, leaf in db.session.connection().execute(
        select(LedgerEntry.vendor_id, LedgerEntry.leaf)
        .where(vendor_filter(user, LedgerEntry.vendor_id))
        .order_by(LedgerEntry.seq)
    ):
        records.setdefault(vendor_id, []).append(json.loads(leaf))
    vendors = db.session.scalars(select(Organization).where(Organization.id.in_(records)))
    results = [
        (
            org,
            subsidy.vendor_subsidy(
                policy, org.id, org.city, subsidy.transactions_from_records(records[org.id])
            ),
        )
        for org in sorted(vendors, key=lambda o: (o.city, o.name))
    ]
    months = [0] * 12
    for _org, result in results:
        for line in result.lines:
            if line.counted:
                months[line.contract_date.month - 1] += line.amount_fen
    cities = subsidy.city_totals(policy, [r for _o, r in results])
    return {
        "year": year,
        "city": city,
        "policy": policy,
        "vendors": results,
        "months": months,
        "cities": [c for c in cities if city is None or c.city == city],
        "volume_fen": sum(r.volume_fen for _o, r in results),
        "subsidy_fen": sum(r.subsidy_fen for _o, r in results),
    }
