"""Work done on the platform: a vendor marks a project's delivery accepted, and the ledger gains
a ``delivery`` entry (issue 12).

The vendor names the client who accepted the delivery (name and 统一社会信用代码, checked): the
entry's counterparty, as a declaration's. The entry carries the project's final item count as
quantity, the unit price and its product as amount, the project's quality figures
(Krippendorff's α of the newest report, the share of check-item answers that passed) as
fixed-point strings, and the SHA-256 of the project's newest ready export as evidence. A
project is delivered once: the entry's idempotency key names the project, and a second
acceptance (by anyone) is a Conflict. Like a declaration, the delivery counts for the subsidy
once an auditor confirms it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.database import begin_write
from app.exceptions import Conflict, Invalid
from app.extensions import db
from app.ledger import entries, log
from app.ledger.evidence import vendor_organization
from app.models import Annotation, Export, LedgerEntry, Organization, Project, Task, User
from app.projects.gold import passed_check
from app.projects.services import project_config
from app.quality.report import final_results
from app.quality.stored import latest_report
from app.scoping import get_managed
from app.storage import ObjectStore

BEIJING = timedelta(hours=8)
# The ledger kind of each task type's work.
KIND_OF_TASK = {
    "collect": "collection",
    "clean": "cleaning",
    "classify": "labeling",
    "ner": "labeling",
    "bbox": "labeling",
}
EXPORT_MEDIA_TYPE = "application/x-ndjson"


def delivery_key(project_id: int) -> str:
    """The idempotency key of a project's delivery entry: one delivery per project."""
    return f"delivery:project:{project_id}"


def final_item_count(project: Project) -> int:
    """Items (check items excluded) that have a final answer."""
    gold = set(
        db.session.scalars(
            select(Task.item_id).where(Task.project_id == project.id, Task.is_gold.is_(True))
        )
    )
    return sum(1 for item in final_results(project) if item not in gold)


def check_item_accuracy(project: Project) -> float | None:
    """The share of answers to check items that passed the project's rule (its
    ``gold_item_threshold``); None without any."""
    passed, total = db.session.execute(
        select(func.count().filter(passed_check(project_config(project))), func.count()).where(
            Annotation.project_id == project.id, Annotation.gold_score.is_not(None)
        )
    ).one()
    return int(passed) / int(total) if total else None


def latest_ready_export(project_id: int) -> Export:
    """The project's newest ready export; Conflict without one (export first)."""
    export = db.session.scalar(
        select(Export)
        .where(
            Export.project_id == project_id,
            Export.status == "ready",
            Export.object_key.is_not(None),
        )
        .order_by(Export.id.desc())
        .limit(1)
    )
    if export is None:
        raise Conflict(
            _l("Export the project's answers first: the export is the delivery's evidence."),
            code="export_required",
        )
    return export


def export_sha256(export: Export, store: ObjectStore) -> str:
    """SHA-256 (hex) of the export's bytes as stored."""
    assert export.object_key is not None
    digest = hashlib.sha256()
    for chunk in store.iter_chunks(export.object_key):
        digest.update(chunk)
    return digest.hexdigest()


def _already_delivered(project_id: int) -> bool:
    return (
        db.session.scalar(
            select(LedgerEntry.seq).where(
                LedgerEntry.entry_type == "delivery",
                LedgerEntry.idempotency_key == delivery_key(project_id),
            )
        )
        is not None
    )


def _refuse_if_delivered(project_id: int) -> None:
    if _already_delivered(project_id):
        raise Conflict(
            _l("This project's delivery was already accepted."), code="already_delivered"
        )


@dataclass(frozen=True)
class Acceptance:
    """What the vendor states when a delivery is accepted: the price per item and who accepted
    the delivery (the client, the entry's counterparty)."""

    unit_price_fen: int
    counterparty_name: str
    counterparty_uscc: str


ACCEPTANCE_FIELDS = ("unit_price_fen", "counterparty_name", "counterparty_uscc")


def parse_acceptance(body: Mapping[str, object]) -> Acceptance:
    """Check an acceptance (``unit_price_fen``, ``counterparty_name``, ``counterparty_uscc``,
    the client's 统一社会信用代码 checked); Invalid naming the field."""
    try:
        return Acceptance(
            entries.positive_int(
                body.get("unit_price_fen"), "unit_price_fen", entries.MAX_AMOUNT_FEN
            ),
            entries.parse_text(body.get("counterparty_name"), "counterparty_name", 200),
            entries.parse_uscc(body.get("counterparty_uscc")),
        )
    except entries.InvalidEntry as error:
        raise Invalid(str(error), code="invalid_entry", details=[{"field": error.field}]) from None


def delivery_fields(
    project: Project, acceptance: Acceptance, count: int, evidence: dict[str, Any]
) -> dict[str, Any]:
    """The leaf fields of a project's delivery; raises Invalid for a too large amount."""
    unit_price_fen = acceptance.unit_price_fen
    amount = unit_price_fen * count
    if amount > entries.MAX_AMOUNT_FEN:
        raise Invalid(_l("The amount of this delivery is too large."), code="invalid_entry")
    report = latest_report(project.id)
    today = (datetime.now(UTC) + BEIJING).date()
    return {
        "kind": KIND_OF_TASK[project.task_type],
        "counterparty_name": acceptance.counterparty_name,
        "counterparty_uscc": acceptance.counterparty_uscc,
        "project_id": project.id,
        "task_type": project.task_type,
        "quantity": count,
        "unit": "item",
        "unit_price_fen": unit_price_fen,
        "amount_fen": amount,
        "contract_date": today.isoformat(),
        "alpha": entries.fixed_point(report.alpha if report else None),
        "check_item_accuracy": entries.fixed_point(check_item_accuracy(project)),
        "evidence": [evidence],
    }


def accept_delivery(
    user: User, project_id: int, body: Mapping[str, object], store: ObjectStore
) -> LedgerEntry:
    """Append the delivery entry of a vendor's own project: ``body`` is an acceptance (see
    :func:`parse_acceptance`), its client the entry's counterparty.

    Raises Forbidden (not a vendor), NotFound (another organization's project), Invalid (a bad
    unit price or client, the vendor itself as client, nothing delivered, a too large amount),
    Conflict (no ready export yet, or the delivery was already accepted).
    """
    organization_id = vendor_organization(user)
    acceptance = parse_acceptance(body)
    vendor = db.session.get(Organization, organization_id)
    assert vendor is not None
    if acceptance.counterparty_uscc == vendor.uscc:
        raise Invalid(_l("A vendor cannot trade with itself."), code="self_trade")
    project = get_managed(Project, project_id, user)
    _refuse_if_delivered(project.id)
    count = final_item_count(project)
    if count == 0:
        raise Invalid(_l("No item of this project has a final answer yet."), code="nothing_final")
    export = latest_ready_export(project.id)
    evidence = {
        "sha256": export_sha256(export, store),
        "media_type": EXPORT_MEDIA_TYPE,
        "export_id": export.id,
    }
    fields = delivery_fields(project, acceptance, count, evidence)
    fields |= {"vendor_uscc": vendor.uscc, "vendor_city": vendor.city}
    begin_write()
    log.lock_tail()
    _refuse_if_delivered(project.id)  # a concurrent acceptance may have won meanwhile
    record = log.append(
        "delivery", organization_id, user, fields, {"idempotency_key": delivery_key(project.id)}
    )
    db.session.commit()
    entry = db.session.get(LedgerEntry, record["seq"])
    assert entry is not None
    return entry
