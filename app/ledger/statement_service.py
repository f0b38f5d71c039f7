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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from sqlalchemy import select

from app.exceptions import NotFound
from app.extensions import db
from app.ledger import log, merkle, statements, subsidy
from app.ledger.services import may_read_vendor, official_city, reads_all_entries, vendor_filter
from app.models import LedgerEntry, LedgerTreeHead, Organization, User

POLICIES = Path(__file__).resolve().parent / "policies"
# Up to this many proofs, each reads its own stored subtree hashes (one query for all).
IN_MEMORY_PROOFS = 64
# More proofs read the stored hashes their paths share, level by level, unless that is more rows
# than this share of the log: then hashing the whole tree in memory is cheaper.
STORED_LEVELS_UP_TO = 1.0
CHUNK = 5000  # ids per IN list


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


def _proofs(
    seqs: list[int], size: int, leaf_hashes: Mapping[int, bytes] | None = None
) -> dict[int, list[str]]:
    """Audit paths (hex) of the leaves ``seqs`` in the tree of ``size``.

    A few: from the stored subtree hashes they name, in one query. Many: level by level, the
    stored hashes their paths share (runs of an index range, else by id), unless that reads
    more rows than the whole log, when the tree is rebuilt in memory from the leaf hashes.
    ``leaf_hashes`` (by seq) are leaf hashes the caller has read already: not read again.
    """
    if len(seqs) <= IN_MEMORY_PROOFS:
        return _few_proofs(seqs, size)
    indexes = [seq - 1 for seq in seqs]
    levels, ragged = merkle.path_siblings(indexes, size)
    known = (
        {i: leaf_hashes[i + 1].hex() for i in levels[0] if i + 1 in leaf_hashes}
        if (leaf_hashes and levels)
        else {}
    )
    if levels:
        levels[0] -= known.keys()
    if sum(_rows_to_read(wanted) for wanted in levels) > size * STORED_LEVELS_UP_TO:
        rows = log.driver_rows(
            f"SELECT leaf_hash FROM ledger_entry WHERE seq <= {int(size)} ORDER BY seq", "hashes"
        )
        tree = merkle.MerkleLevels(bytes(digest) for (digest,) in rows)
        paths = tree.inclusion_proofs_hex(indexes, size)
    else:
        nodes = [_stored_hex(level, wanted) for level, wanted in enumerate(levels)]
        if nodes:
            nodes[0] |= known
        paths = merkle.paths_from_siblings(indexes, size, nodes, _ragged_hex(ragged, size))
    return {seq: paths[seq - 1] for seq in seqs}


def _dense(wanted: set[int]) -> bool:
    return max(wanted) - min(wanted) < 4 * len(wanted) + 64


def _rows_to_read(wanted: set[int]) -> int:
    if not wanted:
        return 0
    return max(wanted) - min(wanted) + 1 if _dense(wanted) else len(wanted)


def _stored_hex(level: int, wanted: set[int]) -> dict[int, str]:
    """Stored hashes (hex) of level ``level``'s complete subtrees ``wanted``, by index (a range
    scan when they lie close together; more may come back). Level 0 is the leaf hashes."""
    if not wanted:
        return {}
    # seq = index + 1 on level 0: the condition is on the key column itself, so it uses the key.
    shift, select_from, column = (
        (1, "SELECT seq - 1, leaf_hash FROM ledger_entry WHERE ", "seq")
        if level == 0
        else (
            0,
            f'SELECT "index", hash FROM ledger_tree_node WHERE level = {int(level)} AND ',
            '"index"',
        )
    )
    ordered = sorted(int(index) + shift for index in wanted)
    if _dense(wanted):
        where = [f"{column} BETWEEN {ordered[0]} AND {ordered[-1]}"]
    else:
        where = [
            f"{column} IN ({','.join(map(str, ordered[n : n + CHUNK]))})"
            for n in range(0, len(ordered), CHUNK)
        ]
    found: dict[int, str] = {}
    for condition in where:
        rows = log.driver_rows(select_from + condition, "nodes")
        found.update((int(index), bytes(digest).hex()) for index, digest in rows)
    if not wanted <= found.keys():
        raise RuntimeError("the ledger's stored tree is missing subtree hashes")
    return found


def _ragged_hex(levels: set[int], size: int) -> dict[int, str]:
    """The hash (hex) of each level's last node, made of the right edge's complete subtrees."""

    def compute(sub: merkle.Subtree) -> list[bytes]:
        return [merkle.range_hash((size - 1) >> lv << lv, size, sub) for lv in sorted(levels)]

    hashes = log.fetch_subtrees(merkle.needed_subtrees(compute))
    edge = compute(lambda level, index: hashes[(level, index)])
    return {level: digest.hex() for level, digest in zip(sorted(levels), edge, strict=True)}


def _few_proofs(seqs: list[int], size: int) -> dict[int, list[str]]:
    wanted = [c for seq in seqs for c in _needed(seq, size)]
    hashes = log.fetch_subtrees(wanted)
    return {
        seq: [h.hex() for h in merkle.inclusion_proof(seq - 1, size, lambda lv, i: hashes[(lv, i)])]
        for seq in seqs
    }


def _needed(seq: int, size: int) -> list[tuple[int, int]]:
    return merkle.needed_subtrees(lambda sub: merkle.inclusion_proof(seq - 1, size, sub))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a statement is built.

    A statement of 100,000 lines makes a few hundred thousand dicts and lists, none in a cycle;
    the collector's repeated passes over them cost more than building them. Plain reference
    counting still frees everything; the collector resumes (if it ran before) at the end.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


def _vendor_leaves(
    vendor_id: int,
) -> tuple[list[tuple[int, bytes]], list[dict[str, Any]], dict[int, bytes]]:
    """The vendor's (seq, leaf bytes) by seq, the leaves parsed, and the leaf hashes by seq.

    Straight from the driver, not ORM objects nor Row objects (a statement may hold 100,000
    entries), and parsed with one ``json.loads`` of the leaves joined into a JSON array.
    """
    sql = (
        "SELECT seq, leaf, leaf_hash FROM ledger_entry "
        f"WHERE vendor_id = {int(vendor_id)} ORDER BY seq"
    )
    rows, hashes = [], {}
    for seq, leaf, digest in log.driver_rows(sql, "statement"):
        rows.append((int(seq), bytes(leaf)))
        hashes[int(seq)] = bytes(digest)
    records: list[dict[str, Any]] = json.loads(b"[" + b",".join(leaf for _, leaf in rows) + b"]")
    return rows, records, hashes


def vendor_statement(user: User, organization_id: int, year: int) -> dict[str, Any]:
    """The statement document of one vendor and year (see :mod:`app.ledger.statements`).

    Raises NotFound for another vendor's statement or a year without a policy.
    """
    policy = policy_for(year)
    vendor = _vendor(user, organization_id)
    with _collector_paused():
        rows, records, leaf_hashes = _vendor_leaves(vendor.id)
        result = subsidy.vendor_subsidy(
            policy, vendor.id, vendor.city, subsidy.transactions_from_records(records)
        )
        shown = {line.seq for line in result.lines}
        shown |= {r["seq"] for r in records if r.get("refers_to") in shown}
        chosen = [(row, rec) for row, rec in zip(rows, records, strict=True) if row[0] in shown]
        head = _covering_head(max(shown, default=0), user)
        proofs = _proofs([seq for (seq, _), _ in chosen], head.tree_size, leaf_hashes)
        lines = [statements.statement_line(rec, leaf, proofs[seq]) for (seq, leaf), rec in chosen]
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
