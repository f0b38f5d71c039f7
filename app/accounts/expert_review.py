"""Deciding on applicants: the bureau (admins, auditors) approves or rejects each declared
domain for every project; a vendor does so for its own projects only, and sees only the
applicants who declared a domain one of its projects asks for."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.verification import (
    BUREAU_ROLES,
    Applicant,
    DomainState,
    domain_states,
)
from app.audit import record_event
from app.database import begin_write, database_now
from app.exceptions import Forbidden, Invalid, NotFound
from app.extensions import db
from app.labeling.leases import release_leases_of
from app.models import DomainApplication, Project, QualificationEvidence, Role, User
from tasks import DOMAINS

MAX_REASON = 500


def _reviewer_scope(reviewer: User) -> int | None:
    """None for the bureau; the vendor's organization id; Forbidden for anyone else."""
    if reviewer.role in BUREAU_ROLES:
        return None
    if reviewer.role == Role.VENDOR and reviewer.organization_id is not None:
        return reviewer.organization_id
    raise Forbidden(_l("Only the data bureau and vendors decide on expert applications."))


def _vendor_domains(organization_id: int) -> set[str]:
    """Domains an organization's projects ask for (a project open to all: every domain)."""
    wanted: set[str] = set()
    for domains in db.session.scalars(
        select(Project.domains).where(Project.organization_id == organization_id)
    ):
        wanted |= set(domains) if domains else set(DOMAINS)
    return wanted


def _visible(state: DomainState, scope: int | None, wanted: set[str]) -> bool:
    return scope is None or state.domain in wanted


def applicants_for(reviewer: User, pending_only: bool = True) -> list[Applicant]:
    """Experts who declared domains, newest first, as ``reviewer`` may see them: the bureau
    sees all; a vendor those with a declared domain its projects ask for. ``pending_only``
    keeps applicants with a domain still undecided (by the bureau, or by this vendor)."""
    scope = _reviewer_scope(reviewer)
    wanted = _vendor_domains(scope) if scope is not None else set()
    user_ids = db.session.scalars(
        select(DomainApplication.user_id)
        .where(DomainApplication.organization_id.is_(None))
        .group_by(DomainApplication.user_id)
        .order_by(DomainApplication.user_id.desc())
        .limit(200)
    )
    applicants = []
    for user_id in user_ids:
        user = db.session.get(User, user_id)
        if user is None:
            continue
        states = [s for s in domain_states(user) if _visible(s, scope, wanted)]
        if states and (not pending_only or any(_undecided(s, scope) for s in states)):
            applicants.append(Applicant(user, states))
    return applicants


def _undecided(state: DomainState, scope: int | None) -> bool:
    if scope is None:
        return state.status == "pending"
    return not any(d.organization_id == scope for d in state.vendor_decisions)


def applicant_for(reviewer: User, user_id: int) -> Applicant:
    """One applicant as ``reviewer`` may see them; NotFound otherwise."""
    scope = _reviewer_scope(reviewer)
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.EXPERT:
        raise NotFound(_l("No such applicant."))
    wanted = _vendor_domains(scope) if scope is not None else set()
    states = [s for s in domain_states(user) if _visible(s, scope, wanted)]
    if not states:
        raise NotFound(_l("No such applicant."))
    return Applicant(user, states)


def _decision_row(user_id: int, domain: str, scope: int | None) -> DomainApplication:
    declared = db.session.scalar(
        select(DomainApplication).where(
            DomainApplication.user_id == user_id,
            DomainApplication.domain == domain,
            DomainApplication.organization_id.is_(None),
        )
    )
    if declared is None:
        raise Invalid(_l("The expert did not declare this domain."), code="undeclared_domain")
    if scope is None:
        return declared
    row = db.session.scalar(
        select(DomainApplication).where(
            DomainApplication.user_id == user_id,
            DomainApplication.domain == domain,
            DomainApplication.organization_id == scope,
        )
    )
    if row is None:
        row = DomainApplication(user_id=user_id, domain=domain, organization_id=scope)
        db.session.add(row)
    return row


def _apply_bureau_decision(user: User, domain: str, approve: bool) -> None:
    """Keep the bureau's approvals on the user, where the claim reads them."""
    approved = [d for d in user.domains if d != domain]
    if approve:
        approved.append(domain)
    user.domains = [d for d in DOMAINS if d in approved]
    user.verified = bool(user.domains)


def decide_domain(
    reviewer: User, user_id: int, domain: str, approve: bool, reason: str
) -> DomainApplication:
    """Approve or reject one declared domain of an expert, with a reason.

    The bureau's decision holds on every project and can be changed later (a rejection
    withdraws the domain); a vendor's holds on its own projects. Raises Forbidden (not the
    bureau nor a vendor), NotFound (no such applicant for this reviewer), Invalid (no reason,
    a domain the expert did not declare)."""
    reason = reason.strip()
    if not reason:
        raise Invalid(_l("Please give a reason for the decision."), code="no_reason")
    if len(reason) > MAX_REASON:
        raise Invalid(_l("The reason may be at most %(n)d characters.", n=MAX_REASON))
    applicant = applicant_for(reviewer, user_id)
    if domain not in {s.domain for s in applicant.domains}:
        raise Invalid(_l("The expert did not declare this domain."), code="undeclared_domain")
    scope = _reviewer_scope(reviewer)
    begin_write()
    row = _decision_row(user_id, domain, scope)
    row.status = "approved" if approve else "rejected"
    row.reason = reason
    row.decided_by_id = reviewer.id
    row.decided_at = database_now()
    if scope is None:
        _apply_bureau_decision(applicant.user, domain, approve)
    if not approve:  # a withdrawn domain must not leave a live lease showing its item
        release_leases_of(user_id)
    record_event(
        "expert_domain_approved" if approve else "expert_domain_rejected",
        reviewer,
        object_type="user",
        object_id=user_id,
        domain=domain,
        reason=reason,
        organization_id=scope,
    )
    db.session.commit()
    return row


def evidence_for(viewer: User, evidence_id: int) -> QualificationEvidence:
    """A piece of evidence its uploader, the bureau or a vendor deciding on the applicant
    may read; NotFound for anyone else."""
    evidence = db.session.get(QualificationEvidence, evidence_id)
    if evidence is None:
        raise NotFound(_l("Not found."))
    if viewer.id == evidence.user_id:
        return evidence
    try:
        applicant = applicant_for(viewer, evidence.user_id)
    except (Forbidden, NotFound):
        raise NotFound(_l("Not found.")) from None
    if evidence.domain not in {s.domain for s in applicant.domains}:
        raise NotFound(_l("Not found."))
    return evidence
