"""The audit trail: who did what, when, from where."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow
from app.models.ledger import postgres_append_only, sqlite_append_only


class AuditEvent(Base):
    """One recorded action. ``actor_email`` keeps the name tried in a failed login.

    Append-only, as the ledger's tables: triggers refuse UPDATE and DELETE (and TRUNCATE on
    PostgreSQL), so nobody with the application's database account rewrites the trail.
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_action_time", "action", "created_at"),
        Index("ix_audit_event_ip_time", "ip", "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    actor_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]
    ip: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


def _ddl(statement: str, dialect: str) -> Any:
    # DDL() formats its text with %: the function's own % must be doubled.
    return DDL(statement.replace("%", "%%")).execute_if(dialect=dialect)  # type: ignore[no-untyped-call]


for _statement in sqlite_append_only(AuditEvent.__tablename__):
    event.listen(AuditEvent.__table__, "after_create", _ddl(_statement, "sqlite"))
for _statement in postgres_append_only(AuditEvent.__tablename__):
    event.listen(AuditEvent.__table__, "after_create", _ddl(_statement, "postgresql"))
