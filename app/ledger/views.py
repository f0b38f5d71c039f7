"""Ledger pages: a vendor's entries and printable yearly statement, the bureau's overview."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.charts import bars
from app.exceptions import ServiceError
from app.ledger import delivery, services, statement_service
from app.ledger.evidence import download_headers, open_evidence
from app.ledger.subsidy import yuan
from app.ledger.terms import ledger_term, step_formula
from app.models import Role
from app.permissions import roles_required
from app.storage import object_store

bp = Blueprint("ledger", __name__, url_prefix="/ledger")
READERS = (Role.VENDOR, Role.AUDITOR, Role.ADMIN, Role.CITY_OFFICIAL)


@bp.context_processor
def _terms() -> dict[str, object]:
    return {"ledger_term": ledger_term, "step_formula": step_formula}


@bp.app_template_filter("yuan")
def yuan_filter(fen: int) -> str:
    """Integer fen shown as yuan with two decimals."""
    return yuan(fen)


@bp.get("/")
@roles_required(*READERS)
def index() -> ResponseReturnValue:
    """The newest entries the user may read, with links to statements and the overview."""
    rows = services.list_entries(current_user, 0, 1000)
    return render_template(
        "ledger/index.html", entries=services.entries_json(rows[-200:]), year=2026
    )


@bp.get("/evidence/<int:evidence_id>")
@roles_required(Role.VENDOR, Role.AUDITOR, Role.CITY_OFFICIAL)
def evidence(evidence_id: int) -> ResponseReturnValue:
    """Download an entry's evidence file (its vendor, auditors, officials of its city)."""
    row, chunks = open_evidence(current_user, evidence_id, object_store())
    return Response(chunks, mimetype=row.media_type, headers=download_headers(row))


@bp.get("/statements/<int:organization_id>/<int:year>")
@roles_required(*READERS)
def statement(organization_id: int, year: int) -> ResponseReturnValue:
    """A vendor's printable statement for one year, computation shown line by line."""
    document = statement_service.vendor_statement(current_user, organization_id, year)
    return render_template("ledger/statement.html", doc=document)


@bp.get("/overview/<int:year>")
@roles_required(Role.AUDITOR, Role.ADMIN, Role.CITY_OFFICIAL)
def overview(year: int) -> ResponseReturnValue:
    """Every vendor and city (a city official: their own city's): volumes, subsidies, totals,
    charts by city and month."""
    data = statement_service.bureau_overview(current_user, year)
    top = max([c.subsidy_fen for c in data["cities"]] + [1])
    city_chart = bars(
        [(c.city, c.subsidy_fen / 1_000_000) for c in data["cities"]], 0.0, top / 1_000_000
    )
    peak = max(data["months"] + [1])
    month_chart = bars(
        [(f"{n + 1:02d}", fen / 1_000_000) for n, fen in enumerate(data["months"])],
        0.0,
        peak / 1_000_000,
    )
    return render_template(
        "ledger/overview.html", data=data, city_chart=city_chart, month_chart=month_chart
    )


@bp.post("/projects/<int:project_id>/delivery")
@roles_required(Role.VENDOR)
def accept_delivery(project_id: int) -> ResponseReturnValue:
    """The project page's "delivery accepted" button: append the delivery entry."""
    body = {name: request.form.get(name, "").strip() for name in delivery.ACCEPTANCE_FIELDS}
    try:
        entry = delivery.accept_delivery(current_user, project_id, body, object_store())
    except ServiceError as exc:
        if exc.status == 404:
            raise
        flash(str(exc.message), "error")
        return redirect(url_for("projects.show", project_id=project_id))
    flash(_("Delivery accepted: ledger entry %(seq)d.", seq=entry.seq), "info")
    return redirect(url_for("ledger.index"))
