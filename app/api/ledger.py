"""Ledger routes (issue 12): entries, evidence, status changes, proofs, tree heads, statements.

The shapes are contracts other tools verify: a tree head is ``{"tree_size", "root_hash",
"timestamp", "signature", "public_key"}``, an entry carries ``"seq"`` and ``"leaf"``, a proof
is ``{"leaf_index", "tree_size", "audit_path"}``, a consistency proof ``{"from", "to",
"proof"}``. Their OpenAPI part is :mod:`app.api.ledger_schema`.
"""

from __future__ import annotations

import base64
from pathlib import Path

from flask import Response, jsonify, request, send_file
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.api.blueprint import api_login_required, bp
from app.csv_export import csv_lines
from app.exceptions import Forbidden, Invalid, NotFound
from app.ledger import declarations, delivery, log, services, statement_service, verify_statement
from app.ledger.evidence import download_headers, open_evidence, store_evidence
from app.models import Role
from app.storage import object_store


def _int_arg(name: str, default: int | None) -> int:
    raw = request.args.get(name)
    if raw is None and default is not None:
        return default
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise Invalid(_("“%(name)s” must be a whole number.", name=name), code="bad_query")
    return int(raw)


@bp.post("/ledger/entries")
@api_login_required
def declare_entry() -> ResponseReturnValue:
    """Declare an external transaction (Idempotency-Key header required)."""
    entry, new = declarations.declare_transaction(
        current_user, request.get_json(silent=True), request.headers.get("Idempotency-Key")
    )
    # A new declaration has no status entries yet: no query to find them.
    shown = services.entry_json(entry, "declared") if new else services.entries_json([entry])[0]
    return jsonify(shown), 201


@bp.post("/ledger/entries/batch")
@api_login_required
def import_entries() -> ResponseReturnValue:
    """Import up to 1,000 declarations in one transaction, all or nothing."""
    declared = declarations.declare_transactions(current_user, request.get_json(silent=True))
    return jsonify(
        entries=[
            {
                "seq": line.seq,
                "leaf": base64.b64encode(line.leaf).decode(),
                "leaf_hash": line.leaf_hash.hex(),
                "new": line.new,
            }
            for line in declared
        ]
    ), 201


@bp.get("/ledger/entries")
@api_login_required
def list_entries() -> ResponseReturnValue:
    """Entries after a sequence number, in order."""
    rows = services.list_entries(current_user, _int_arg("after", 0), _int_arg("limit", 100))
    return jsonify(entries=services.entries_json(rows))


@bp.get("/ledger/entries/<int:seq>")
@api_login_required
def show_entry(seq: int) -> ResponseReturnValue:
    """One entry."""
    return jsonify(services.entries_json([services.visible_entry(current_user, seq)])[0])


def _status_change(seq: int, entry_type: str) -> ResponseReturnValue:
    body = request.get_json(silent=True) or {}
    reason = body.get("reason") if isinstance(body, dict) else None
    if reason is not None and not isinstance(reason, str):
        raise Invalid(_("The reason must be text."), code="bad_field")
    entry = services.change_status(current_user, seq, entry_type, reason)
    return jsonify(services.entry_json(entry)), 201


@bp.post("/ledger/entries/<int:seq>/confirm")
@api_login_required
def confirm_entry(seq: int) -> ResponseReturnValue:
    """Confirm a declaration (auditors)."""
    return _status_change(seq, "confirmation")


@bp.post("/ledger/entries/<int:seq>/reject")
@api_login_required
def reject_entry(seq: int) -> ResponseReturnValue:
    """Reject a declaration with a reason (auditors)."""
    return _status_change(seq, "rejection")


@bp.post("/ledger/entries/<int:seq>/reverse")
@api_login_required
def reverse_entry(seq: int) -> ResponseReturnValue:
    """Reverse a transaction with a reason."""
    return _status_change(seq, "reversal")


@bp.post("/projects/<int:project_id>/delivery")
@api_login_required
def accept_delivery(project_id: int) -> ResponseReturnValue:
    """Mark a project's delivery accepted at a unit price: appends a delivery entry."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) != set(delivery.ACCEPTANCE_FIELDS):
        raise Invalid(
            _(
                "Send a JSON object with unit_price_fen (a whole number of fen), "
                "counterparty_name and counterparty_uscc (the client who accepted the delivery)."
            ),
            code="bad_body",
        )
    entry = delivery.accept_delivery(current_user, project_id, body, object_store())
    return jsonify(services.entries_json([entry])[0]), 201


@bp.get("/ledger/entries/<int:seq>/proof")
@api_login_required
def entry_proof(seq: int) -> ResponseReturnValue:
    """Inclusion proof of one entry."""
    services.visible_entry(current_user, seq)
    head = log.latest_head()
    size = _int_arg("tree_size", head.tree_size if head else log.tree_size())
    return jsonify(log.inclusion_proof(seq, size))


@bp.get("/ledger/consistency")
@api_login_required
def consistency() -> ResponseReturnValue:
    """Consistency proof between two tree sizes."""
    return jsonify(log.consistency_proof(_int_arg("from", None), _int_arg("to", None)))


@bp.post("/ledger/evidence")
@api_login_required
def upload_evidence() -> ResponseReturnValue:
    """Upload one evidence file (multipart ``file``)."""
    upload = request.files.get("file")
    if upload is None:
        raise Invalid(_("Choose a file to upload."), code="no_file")
    evidence = store_evidence(
        current_user, upload.filename or "evidence", upload.stream, object_store()
    )
    return jsonify(
        id=evidence.id,
        sha256=evidence.sha256,
        media_type=evidence.media_type,
        size_bytes=evidence.size_bytes,
    ), 201


@bp.get("/ledger/evidence/<int:evidence_id>")
@api_login_required
def download_evidence(evidence_id: int) -> ResponseReturnValue:
    """An evidence file's bytes (its vendor, auditors, officials of its city), logged."""
    evidence, chunks = open_evidence(current_user, evidence_id, object_store())
    return Response(chunks, mimetype=evidence.media_type, headers=download_headers(evidence))


@bp.get("/ledger/tree-heads/latest")
@api_login_required
def latest_tree_head() -> ResponseReturnValue:
    """The newest signed tree head."""
    head = log.latest_head()
    if head is None:
        raise NotFound(_("No tree head has been signed yet."))
    return jsonify(head.as_json())


@bp.post("/ledger/tree-heads")
@api_login_required
def sign_tree_head() -> ResponseReturnValue:
    """Sign a tree head now (auditors)."""
    if current_user.role != Role.AUDITOR:
        raise Forbidden(_("Only the bureau's auditors sign tree heads on demand."))
    return jsonify(log.sign_current_head(current_user).as_json()), 201


@bp.get("/ledger/statements/<int:organization_id>/<int:year>")
@api_login_required
def statement(organization_id: int, year: int) -> ResponseReturnValue:
    """A vendor's statement for a year: JSON, or ``?format=csv`` / ``xlsx``."""
    document = statement_service.vendor_statement(current_user, organization_id, year)
    kind = request.args.get("format", "json")
    name = f"ledger-statement-{organization_id}-{year}"
    if kind == "csv":
        return Response(
            csv_lines(statement_service.statement_rows(document)),
            mimetype="text/csv",
            headers={"Content-Disposition": f"attachment; filename={name}.csv"},
        )
    if kind == "xlsx":
        return Response(
            statement_service.statement_xlsx(document),
            headers={"Content-Disposition": f"attachment; filename={name}.xlsx"},
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return jsonify(document)


@bp.get("/ledger/verifier.py")
def verifier_script() -> ResponseReturnValue:
    """The stand-alone verifier, to check a statement offline."""
    return send_file(
        Path(verify_statement.__file__),
        mimetype="text/x-python",
        as_attachment=True,
        download_name="verify_statement.py",
    )
