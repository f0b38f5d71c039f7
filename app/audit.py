"""Recording and listing audit events."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import insert, select

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
)


def events_page(action: str | None, page: int, per_page: int = 50) -> Pagination:
    """One page of the audit trail, newest first, optionally for one action."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
