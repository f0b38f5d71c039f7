"""Releases: creation from a corpus, lookups scoped to the caller, state changes with their
audit events.  The analysis job lives in ``analysis``, review in ``review``, publishing and
the catalog in ``publishing``."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, insert, literal, select, update

from app.audit import record_event
from app.database import IMMEDIATE, ONE_PASS_CACHE_KB, begin_write, page_cache_within
from app.exceptions import Conflict, Forbidden, Invalid, NotFound, ServiceError
from app.extensions import db
from app.models import Corpus, Item, Project, Release, ReleaseDocument, Role, User
from app.models.base import utcnow
from app.models.contributions import HELD_FOR_REVIEW
from app.releases.errors import PolicyInvalid, ReleaseRuleError, SelfApproval
from app.releases.policy import ReleasePolicy, default_policy, policy_from_dict
from app.releases.states import ReleaseState, check_transition
from app.scoping import get_managed, reads_everything

# Admins may build too (for a publisher); the second-person rule still binds them.
BUILDER_ROLES = (Role.VENDOR, Role.PUBLISHER, Role.ADMIN)
REVIEWER_ROLES = (Role.AUDITOR, Role.ADMIN)
MAX_TITLE = 200
MAX_ID = 2**63 - 1  # a larger id in a path is a 404, not a database overflow


# What people read for each refusal of the pure rules (their own messages are English and
# name the offending value; that detail goes along as the field).
RULE_MESSAGES = {
    "policy.bad_json": _l("The policy is not valid JSON."),
    "policy.not_object": _l("The policy must be a JSON object."),
    "policy.unknown_field": _l("The policy has a field it does not know."),
    "policy.bad_version": _l("This policy version is not supported."),
    "policy.unknown_entity_type": _l("The policy names an unknown entity type."),
    "policy.unknown_operator": _l("The policy names an unknown operator."),
    "policy.unknown_profile": _l("The policy names an unknown de-identifier profile."),
    "policy.bad_allow_list": _l("The allow-list must be a list of names."),
    "policy.bad_residual_bound": _l("The residual bound must be above 0 and at most 1,000."),
    "policy.bad_sample_rate": _l("The sample rate must be above 0 and at most 1."),
    "policy.bad_residual_threshold": _l("The residual threshold must be above 0 and at most 1."),
    "span.out_of_range": _l("The span lies outside the document."),
    "span.unknown_entity_type": _l("The span has an unknown entity type."),
    "release.bad_transition": _l("The release cannot do this in its present state."),
    "release.unknown_state": _l("Unknown release state."),
    "release.self_approval": _l(
        "The builder of a release cannot approve it; a second person must."
    ),
    "release.not_in_review": _l("The release is not in review."),
}


def service_error(error: ReleaseRuleError) -> ServiceError:
    """The service error of a pure rule's refusal, keeping its code: a bad policy or span is
    Invalid (422), self-approval Forbidden (403), a refused transition Conflict (409).  The
    message is the translated one of ``RULE_MESSAGES``."""
    message = RULE_MESSAGES.get(error.code, error.message)
    details = [{"field": error.field}] if error.field else None
    if isinstance(error, SelfApproval):
        return Forbidden(message, code=error.code)
    if isinstance(error, PolicyInvalid) or error.code.startswith("span."):
        return Invalid(message, code=error.code, details=details)
    return Conflict(message, code=error.code)


def release_query(user: User) -> Select[tuple[Release]]:
    """Releases the user may read: their organization's, every one for auditors and admins,
    and published ones for everybody else (the catalog is public)."""
    stmt = select(Release).order_by(Release.id.desc())
    if reads_everything(user):
        return stmt
    published = Release.state == ReleaseState.PUBLISHED
    if user.role in (Role.VENDOR, Role.PUBLISHER) and user.organization_id is not None:
        return stmt.where((Release.organization_id == user.organization_id) | published)
    return stmt.where(published)


def get_release(user: User, release_id: int) -> Release:
    """One release the user may read; NotFound otherwise (another tenant's id is a 404)."""
    if not 0 < release_id <= MAX_ID:
        raise NotFound(_l("Not found."))
    release = db.session.scalar(release_query(user).where(Release.id == release_id))
    if release is None:
        raise NotFound(_l("Not found."))
    return release


def list_releases(user: User, limit: int = 200) -> list[Release]:
    """The newest releases the user may read (``release_query``)."""
    return list(db.session.scalars(release_query(user).limit(limit)))


def get_built(user: User, release_id: int) -> Release:
    """A release of the user's own organization (its builders act on it); NotFound else."""
    release = get_release(user, release_id)
    if user.role != Role.ADMIN and release.organization_id != user.organization_id:
        raise NotFound(_l("Not found."))
    return release


def policy_of(release: Release) -> ReleasePolicy:
    """The release's policy as the pure rules use it."""
    return policy_from_dict(release.policy)


def ensure_can_move(release: Release, target: ReleaseState) -> None:
    """Raise Conflict (``release.bad_transition``) unless ``release`` may become ``target``."""
    try:
        check_transition(release.state, target)
    except ReleaseRuleError as error:
        raise service_error(error) from None


def move(release: Release, target: ReleaseState, actor: User | None, **detail: Any) -> None:
    """Change the state of ``release`` in the current transaction and record the audit
    event ``release_<state>``.  Raises Conflict (``release.bad_transition``)."""
    ensure_can_move(release, target)
    detail = {"from": release.state, **detail}
    release.state = target
    record_event(
        f"release_{target.value}", actor, object_type="release", object_id=release.id, **detail
    )


def _text_field(body: dict[str, Any], name: str, limit: int) -> str:
    value = body.get(name, "")
    if not isinstance(value, str) or len(value) > limit:
        raise Invalid(
            _l("Field “%(name)s” is missing or has the wrong type.", name=name), code="bad_field"
        )
    return value.strip()


def create_release(user: User, body: dict[str, Any]) -> Release:
    """Create a draft release of a ready corpus of the user's organization: ``corpus_id``
    (or ``project_id``: the project's corpus, published with its final labels), ``title``,
    optional ``description``, ``domain``, ``licence`` and ``policy`` (see
    ``app.releases.policy``; the default otherwise).  Every item becomes a pending document.
    Raises Forbidden (not a publisher or vendor), NotFound, Invalid (bad policy or fields;
    ``release.empty_corpus`` for a corpus without items)."""
    if user.role not in BUILDER_ROLES:
        raise Forbidden(_l("Only publishers and vendors build releases."))
    title = _text_field(body, "title", MAX_TITLE)
    if not title:
        raise Invalid(_l("The release needs a title."), code="bad_field")
    try:
        policy = policy_from_dict(body.get("policy", {})) if "policy" in body else default_policy()
    except PolicyInvalid as error:
        raise service_error(error) from None
    begin_write()
    corpus, project = _source(user, body)
    if corpus.status != "ready" or corpus.item_count == 0:
        raise Invalid(
            _l("The corpus has no documents ready to release."), code="release.empty_corpus"
        )
    release = Release(
        organization_id=corpus.organization_id,
        corpus_id=corpus.id,
        title=title,
        description=_text_field(body, "description", 5000),
        domain=_text_field(body, "domain", 40),
        licence=_text_field(body, "licence", 80),
        policy=policy.to_dict(),
        pseudonym_key=secrets.token_bytes(32),
        sample_seed=secrets.token_hex(8),
        created_by_id=user.id,
        project_id=project.id if project else None,
    )
    db.session.add(release)
    db.session.flush()
    _add_documents(release, corpus.id)
    record_event(
        "release_draft",
        user,
        object_type="release",
        object_id=release.id,
        corpus=corpus.id,
        documents=release.document_count,
    )
    db.session.commit()
    return release


def _id(value: Any) -> int:
    if type(value) is not int or not 0 < value <= MAX_ID:
        raise NotFound(_l("Not found."))
    return value


def _source(user: User, body: dict[str, Any]) -> tuple[Corpus, Project | None]:
    """The corpus a release is built from: ``corpus_id``, or the corpus of ``project_id``
    (a release of the project's final labels).  NotFound for another tenant's id."""
    if "project_id" in body:
        project = get_managed(Project, _id(body["project_id"]), user)
        corpus = db.session.get(Corpus, project.corpus_id)
        assert corpus is not None
        return corpus, project
    return get_managed(Corpus, _id(body.get("corpus_id")), user), None


def _add_documents(release: Release, corpus_id: int) -> None:
    # One INSERT … SELECT: a corpus of 100,000 documents never passes through Python.
    source = select(literal(release.id), Item.id, Item.seq).where(
        Item.corpus_id == corpus_id,
        Item.kind == "text",
        # A collected text waiting for review, or rejected, is not part of the corpus.
        Item.dropped.is_(None) | Item.dropped.not_in(HELD_FOR_REVIEW),
    )
    # It reads every item row once: with the usual 64 MB page cache, the web process that
    # served the request kept that cache filled with the corpus for the connection's life.
    with page_cache_within(db.session.connection(), ONE_PASS_CACHE_KB):
        db.session.execute(
            insert(ReleaseDocument).from_select(["release_id", "item_id", "seq"], source)
        )
    release.document_count = (
        db.session.scalar(select(func.count()).where(ReleaseDocument.release_id == release.id)) or 0
    )


def start_analysis(user: User, release_id: int, enqueue: Callable[[int], None]) -> Release:
    """Queue the analysis of a draft (or failed) release of the user's organization.
    Raises NotFound or Conflict (``release.bad_transition``)."""
    begin_write()
    release = get_built(user, release_id)
    if release.state == ReleaseState.FAILED:
        failed = ReleaseDocument.release_id == release.id, ReleaseDocument.status == "failed"
        # They leave the progress counters, which the analysis grows batch by batch.
        count, chars = db.session.execute(
            select(func.count(), func.coalesce(func.sum(ReleaseDocument.chars), 0)).where(*failed)
        ).one()
        db.session.execute(
            update(ReleaseDocument).where(*failed).values(status="pending", error=None)
        )
        release.analysed_count -= count
        release.char_count -= chars
        release.failures = []
    move(release, ReleaseState.ANALYSING, user)
    release.heartbeat_at = utcnow()
    db.session.commit()
    enqueue(release.id)
    return release


def withdraw_release(user: User, release_id: int, reason: str = "") -> Release:
    """Withdraw a release (a published one leaves the catalog; its objects never change).
    Builders withdraw their own, auditors any.  Raises NotFound or Conflict."""
    begin_write()
    release = (
        get_release(user, release_id)
        if user.role in REVIEWER_ROLES
        else get_built(user, release_id)
    )
    move(release, ReleaseState.WITHDRAWN, user, reason=reason[:500])
    release.withdrawn_at = utcnow()
    db.session.commit()
    return release


def touch(release_id: int) -> None:
    """Record that a job is still working on the release (``heartbeat_at``), in a short
    transaction of its own so the job's reads are not disturbed."""
    with db.engine.connect() as connection:
        with connection.execution_options(**IMMEDIATE).begin():
            connection.execute(
                update(Release).where(Release.id == release_id).values(heartbeat_at=utcnow())
            )


def release_json(release: Release) -> dict[str, Any]:
    """A release as the API shows it to those who may read it."""
    done = release.analysed_count / release.document_count if release.document_count else 1.0
    return {
        "id": release.id,
        "title": release.title,
        "description": release.description,
        "domain": release.domain,
        "licence": release.licence,
        "state": release.state,
        "corpus_id": release.corpus_id,
        "project_id": release.project_id,
        "organization_id": release.organization_id,
        "policy": release.policy,
        "documents": release.document_count,
        "analysed": release.analysed_count,
        "progress": round(min(done, 1.0), 3),
        "characters": release.char_count,
        "failures": release.failures,
        "residual": release.residual,
        "created_by": release.created_by_id,
        "publishing": release.publish_requested_at is not None
        and release.state == ReleaseState.APPROVED,
        "publish_error": release.publish_error,
        "approved_by": release.approved_by_id,
        "created_at": release.created_at.isoformat(),
        "published_at": release.published_at.isoformat() if release.published_at else None,
    }
