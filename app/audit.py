"""Recording and listing audit events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, insert, select

from app.database import as_utc
from app.exceptions import Invalid
from app.extensions import db
from app.models import AuditEvent, User


def client_ip() -> str | None:
    """The caller's address as the WSGI server saw it (a proxy must set ProxyFix)."""
    return request.remote_addr if has_request_context() else None


def record_event(
    action: str,
    actor: User | None = None,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    actor_email: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits)."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor else None,
        actor_email=actor_email or (actor.email if actor else None),
        object_type=object_type,
        object_id=object_id,
        ip=client_ip(),
        detail=detail,
    )
    db.session.add(event)
    return event


_INSERT_EVENT = insert(AuditEvent)


def insert_event(
    action: str, actor: User, *, object_type: str, object_id: int, **detail: Any
) -> None:
    """Write an audit event at once with a Core INSERT on the current transaction's
    connection: the hot paths (submit) skip the ORM unit of work. The caller commits."""
    db.session.connection().execute(
        _INSERT_EVENT,
        {
            "action": action,
            "actor_id": actor.id,
            "actor_email": actor.email,
            "object_type": object_type,
            "object_id": object_id,
            "ip": client_ip(),
            "detail": detail,
        },
    )


AUDIT_ACTIONS = (
    "login",
    "login_failed",
    "logout",
    "password_changed",
    "token_issued",
    "user_created",
    "expert_registered",
    "org_created",
    "corpus_uploaded",
    "project_created",
    "annotation_submitted",
    "task_skipped",
    "gold_set",
    "reviewer_added",
    "item_adjudicated",
    "export_requested",
    "token_revoked",
    "tokens_revoked",
    "user_deactivated",
    "user_reactivated",
    "password_reset_issued",
    "password_reset_used",
    "org_updated",
    "export_downloaded",
    "image_read",
    "release_draft",
    "release_analysing",
    "release_in_review",
    "release_failed",
    "release_approved",
    "release_publish_requested",
    "release_published",
    "release_withdrawn",
    "release_downloaded",
    "evidence_uploaded",
    "expert_domain_approved",
    "expert_domain_rejected",
    "expert_invited",
    "invitation_withdrawn",
    "pool_created",
    "pool_renamed",
    "pool_deleted",
    "pool_member_added",
    "pool_member_removed",
    "pool_invited",
    "pool_invitation_withdrawn",
    "claim_throttled",
    "corpus_deleted",
    "corpus_retried",
    "items_dropped",
    "items_restored",
    "min_length_set",
    "near_duplicates_searched",
    "gold_removed",
    "contribution_accepted",
    "contribution_rejected",
)


@dataclass(frozen=True)
class AuditFilter:
    """Which events to list: one action, one actor (email, exact), a date range (Beijing
    dates, both ends included)."""

    action: str | None = None
    actor: str | None = None
    since: date | None = None
    until: date | None = None

    def params(self) -> dict[str, str]:
        """The filter as query parameters (for links to other pages and the CSV)."""
        values = {
            "action": self.action,
            "actor": self.actor,
            "from": self.since.isoformat() if self.since else None,
            "to": self.until.isoformat() if self.until else None,
        }
        return {key: value for key, value in values.items() if value}


def _bad_filter(message: Any) -> Invalid:
    error = Invalid(message, code="bad_parameter")
    error.status = 400
    return error


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def parse_audit_filter(args: Any) -> AuditFilter:
    """Validate ``action`` (a known action), ``actor`` (an email), ``from`` and ``to``
    (YYYY-MM-DD); raises Invalid (400) naming what is wrong."""
    unknown = set(args) - {"action", "actor", "from", "to", "page", "lang"}
    if unknown:
        raise _bad_filter(_l("Unknown parameter: %(name)s.", name=sorted(unknown)[0]))
    action = args.get("action") or None
    if action is not None and action not in AUDIT_ACTIONS:
        raise _bad_filter(_l("Unknown action."))
    actor = (args.get("actor") or "").strip().lower() or None
    if actor is not None and len(actor) > 254:
        raise _bad_filter(_l("The email address is too long."))
    since, until = _date(args.get("from")), _date(args.get("to"))
    if (args.get("from") and since is None) or (args.get("to") and until is None):
        raise _bad_filter(_l("Dates are written YYYY-MM-DD."))
    if since and until and since > until:
        raise _bad_filter(_l("The start date is after the end date."))
    return AuditFilter(action, actor, since, until)


def _start_of(day: date) -> datetime:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time.min, zone).astimezone(UTC)


def _filtered(chosen: AuditFilter) -> Select[tuple[AuditEvent]]:
    stmt = select(AuditEvent)
    if chosen.action:
        stmt = stmt.where(AuditEvent.action == chosen.action)
    if chosen.actor:
        stmt = stmt.where(func.lower(AuditEvent.actor_email) == chosen.actor)
    if chosen.since:
        stmt = stmt.where(AuditEvent.created_at >= _start_of(chosen.since))
    if chosen.until:
        stmt = stmt.where(AuditEvent.created_at < _start_of(chosen.until + timedelta(days=1)))
    return stmt


def events_page(chosen: AuditFilter, page: int, per_page: int = 50) -> Pagination:
    """One page of the audit trail, newest first, filtered."""
    stmt = _filtered(chosen).order_by(AuditEvent.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


CSV_BATCH = 2000


def event_csv_rows(chosen: AuditFilter) -> Iterator[list[Any]]:
    """The filtered trail, newest first, as CSV rows under a header, read in keyset batches
    (memory stays flat however long the trail). Times are ISO 8601 UTC; ``detail`` is JSON."""
    yield ["id", "time", "actor", "action", "object_type", "object_id", "ip", "detail"]
    last: int | None = None
    while True:
        stmt = _filtered(chosen).order_by(AuditEvent.id.desc()).limit(CSV_BATCH)
        if last is not None:
            stmt = stmt.where(AuditEvent.id < last)
        events = list(db.session.scalars(stmt))
        if not events:
            return
        for event in events:
            yield [
                event.id,
                as_utc(event.created_at).isoformat(),
                event.actor_email,
                event.action,
                event.object_type,
                event.object_id,
                event.ip,
                json.dumps(event.detail or {}, ensure_ascii=False, sort_keys=True),
            ]
        last = events[-1].id
        db.session.expunge_all()
