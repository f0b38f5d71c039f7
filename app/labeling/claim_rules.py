"""Who may claim a new task, and when not: verification and invitations, the claim-rate
throttle, pauses by check-item accuracy or by skip ratio, and the daily cap (answers and skips
both count).

The checks run inside the claim's write transaction, on counts read through indexes; the
cheap ones first, so a verified expert on an open project pays no extra query for them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.accounts.verification import verified_for
from app.audit import record_event
from app.database import begin_write, database_now
from app.exceptions import Forbidden, NotFound, RateLimited
from app.extensions import db
from app.models import Annotation, Assignment, AuditEvent, Role, User
from app.projects.gold import gold_record, pass_rule
from app.projects.invitations import is_invited
from app.rate_limits import Counter, Limit, limit_store
from tasks import (
    ProjectConfig,
    daily_cap_reached,
    expert_is_paused,
    option_value,
    skip_ratio_exceeded,
)

BEIJING = timedelta(hours=8)
RATE_WINDOW = timedelta(minutes=1)


class ClaimHead(Protocol):
    """What the claim read of the project (see ``_Head`` in :mod:`app.labeling.services`)."""

    @property
    def project_id(self) -> int: ...
    @property
    def organization_id(self) -> int: ...
    @property
    def config(self) -> ProjectConfig: ...
    @property
    def domains(self) -> list[str]: ...
    @property
    def now(self) -> datetime: ...


def check_access(expert: User, head: ClaimHead) -> None:
    """Raise NotFound unless the expert may see this project's items (an expert verified for
    one of its domains and, if it is invitation-only, invited); Forbidden (``not_verified``)
    for an applicant no one has approved yet."""
    if expert.role != Role.EXPERT:
        raise NotFound(_l("Not found."))
    if not verified_for(expert, head.organization_id, head.domains):
        raise NotFound(_l("Not found."))
    if option_value(head.config, "invitation_only") and not is_invited(head.project_id, expert.id):
        raise NotFound(_l("Not found."))


def _claim_limit(expert: User) -> Limit:
    limit: int = current_app.config["CLAIMS_PER_MINUTE"]
    return Limit(Counter.CLAIM, (str(expert.id),), RATE_WINDOW, limit)


def _throttled(expert: User, limit: int, recent: list[datetime], now: datetime) -> RateLimited:
    """Record the refusal as a ``claim_throttled`` audit event (committed here), so auditors
    see who was throttled; the error carries the seconds until the oldest counted claim
    leaves the window, at most the window (a claim counted by a request whose clock read later
    than ``now`` is counted as happening now)."""
    window = RATE_WINDOW.total_seconds()
    wait = min(
        math.ceil(window), max(1, math.ceil((min(recent) + RATE_WINDOW - now).total_seconds()))
    )
    record_event("claim_throttled", expert, object_type="user", object_id=expert.id, limit=limit)
    db.session.commit()
    return RateLimited(
        _l(
            "You are taking tasks faster than anyone can read them (more than %(limit)d a "
            "minute). Please wait %(seconds)d seconds, then continue.",
            limit=limit,
            seconds=wait,
        ),
        code="claim_rate",
        retry_after=wait,
    )


def check_claim_rate(expert: User, now: datetime) -> None:
    """Refuse a claim when the expert took more new tasks in the last minute, over every
    project, than a person can read (``CLAIMS_PER_MINUTE``), as counted by the limit store
    (:mod:`app.rate_limits`): read before any task is picked; :func:`count_claim` takes the
    place atomically. Raises RateLimited with the seconds until the oldest counted claim
    leaves the window; LimitsUnavailable (503) when the claims cannot be counted."""
    limit = _claim_limit(expert)
    recent = limit_store().recent(limit.counter, limit.key, now - limit.window, limit.most)
    if len(recent) >= limit.most:
        raise _throttled(expert, limit.most, recent, now)


def count_claim(expert: User, now: datetime) -> None:
    """Count the new claim (its lease is written in this transaction, the last step before
    the commit) for the throttle, atomically with the check: claims of the expert arriving
    together never take more than the limit. When a concurrent one took the last place, the
    lease is rolled back and RateLimited raised as :func:`check_claim_rate` does. Raises
    LimitsUnavailable (503)."""
    limit = _claim_limit(expert)
    refusal = limit_store().take([limit], now)
    if refusal is not None:
        db.session.rollback()
        begin_write()
        raise _throttled(expert, limit.most, refusal.events, now)


@dataclass(frozen=True)
class ThrottledExpert:
    """An expert whose claims were throttled, and how many times, for the audit page."""

    user_id: int | None
    email: str
    refused: int


def throttled_claims(hours: int = 24) -> list[ThrottledExpert]:
    """Experts whose claims were refused as too fast in the last ``hours``, most first."""
    since = database_now() - timedelta(hours=hours)
    rows = db.session.execute(
        select(AuditEvent.actor_id, AuditEvent.actor_email, func.count())
        .where(AuditEvent.action == "claim_throttled", AuditEvent.created_at >= since)
        .group_by(AuditEvent.actor_id, AuditEvent.actor_email)
        .order_by(func.count().desc())
        .limit(100)
    )
    return [ThrottledExpert(r[0], r[1] or "", int(r[2])) for r in rows]


def uses_gold(config: ProjectConfig) -> bool:
    return pass_rule(config) is not None


def _check_gold_pause(expert: User, head: ClaimHead) -> None:
    rule = pass_rule(head.config)
    if rule is None:
        return
    pass_mark, min_items = rule
    correct, total = gold_record(head.project_id, expert.id, head.config)
    if expert_is_paused(correct, total, pass_mark, min_items):
        raise Forbidden(
            _l(
                "This project is paused for you: %(correct)d of %(total)d "
                "check items were right, below the pass mark of %(mark)d%%.",
                correct=correct,
                total=total,
                mark=round(pass_mark * 100),
            ),
            code="paused",
        )


def _skips(head: ClaimHead, expert: User, since: datetime | None) -> tuple[int, int]:
    """(tasks skipped, tasks opened: skipped or answered) in the project, since ``since``."""
    where: list[Any] = [
        Assignment.project_id == head.project_id,
        Assignment.annotator_id == expert.id,
        Assignment.status.in_(("skipped", "submitted")),
    ]
    if since is not None:
        where.append(Assignment.leased_at >= since)
    skipped, opened = db.session.execute(
        select(func.count().filter(Assignment.status == "skipped"), func.count()).where(*where)
    ).one()
    return int(skipped or 0), int(opened or 0)


def _check_skip_ratio(expert: User, head: ClaimHead) -> None:
    limit = option_value(head.config, "skip_ratio")
    if limit is None:
        return
    skipped, opened = _skips(head, expert, None)
    if skip_ratio_exceeded(skipped, opened, limit):
        raise Forbidden(
            _l(
                "This project is paused for you: you skipped %(skipped)d of the %(opened)d "
                "tasks you opened, more than the project allows (%(limit)d%%).",
                skipped=skipped,
                opened=opened,
                limit=round(limit * 100),
            ),
            code="paused_skips",
        )


def _check_daily_cap(expert: User, head: ClaimHead) -> None:
    cap = option_value(head.config, "daily_cap")
    if cap is None:
        return
    day_start = (head.now + BEIJING).replace(hour=0, minute=0, second=0, microsecond=0) - BEIJING
    answered = (
        db.session.scalar(
            select(func.count()).where(
                Annotation.project_id == head.project_id,
                Annotation.annotator_id == expert.id,
                Annotation.created_at >= day_start,
            )
        )
        or 0
    )
    skipped_today = _skips(head, expert, day_start)[0]
    if daily_cap_reached(answered + skipped_today, cap):
        raise Forbidden(
            _l("You reached today's limit for this project. Thank you — come back tomorrow."),
            code="daily_cap",
        )


def check_may_claim(expert: User, head: ClaimHead) -> None:
    """Raise Forbidden when the expert is paused on the project (check-item accuracy below
    the pass mark, or a skip ratio above the project's) or reached today's cap."""
    if uses_gold(head.config):  # the counts cost a query; skip them where they cannot matter
        _check_gold_pause(expert, head)
    _check_skip_ratio(expert, head)
    _check_daily_cap(expert, head)
