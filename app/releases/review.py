"""Review of a release: a reviewer reads a sampled document with its findings, accepts,
rejects or adds spans, and marks it done; every span added to a sampled document is an
identifier the analyser missed and enters the residual bound."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from app.database import begin_write
from app.exceptions import Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import Item, Release, ReleaseDocument, ReviewDecision, User
from app.models.base import utcnow
from app.releases.errors import ReleaseRuleError
from app.releases.redaction import reviewer_finding
from app.releases.reviewers import is_named_reviewer
from app.releases.sampling import residual_bound
from app.releases.scanning import stored_finding
from app.releases.services import MAX_ID, REVIEWER_ROLES, get_release, policy_of, service_error
from app.releases.states import ReleaseState
from deid import Finding

DECISIONS = ("accept", "reject", "add")
MAX_DECISIONS = 500
Rejected = set[tuple[int, int, str]]


def reviewable_release(user: User, release_id: int) -> Release:
    """A release the user may review (see ``_reviewable``)."""
    return _reviewable(user, release_id)


def _reviewable(user: User, release_id: int) -> Release:
    """A release the user may review: any for the bureau's auditors (and admins), else
    one whose builders named the user (``app.releases.reviewers``); Forbidden otherwise."""
    if user.role in REVIEWER_ROLES:
        return get_release(user, release_id)
    release = get_release(user, release_id)
    if not is_named_reviewer(user, release.id):
        raise Forbidden(_l("Only the bureau's reviewers and those named for it review a release."))
    return release


def get_document(release: Release, document_id: int) -> ReleaseDocument:
    """A document of ``release``; NotFound for another release's document."""
    document = db.session.get(ReleaseDocument, document_id) if document_id <= MAX_ID else None
    if document is None or document.release_id != release.id:
        raise NotFound(_l("Not found."))
    return document


def decisions_of(document_ids: list[int]) -> dict[int, list[ReviewDecision]]:
    """The review decisions of the given documents, by document id."""
    found: dict[int, list[ReviewDecision]] = {}
    for start in range(0, len(document_ids), 500):
        for decision in db.session.scalars(
            select(ReviewDecision).where(
                ReviewDecision.document_id.in_(document_ids[start : start + 500])
            )
        ):
            found.setdefault(decision.document_id, []).append(decision)
    return found


def split_decisions(decisions: list[ReviewDecision]) -> tuple[Rejected, list[Finding]]:
    """``(rejected spans, added findings)`` of one document's decisions."""
    rejected = {(d.start, d.end, d.entity_type) for d in decisions if d.decision == "reject"}
    added = [Finding(d.start, d.end, d.entity_type, 1.0) for d in decisions if d.decision == "add"]
    return rejected, added


def document_json(user: User, release_id: int, document_id: int) -> dict[str, Any]:
    """One document for the review screen: its text, the analyser's findings each with the
    reviewer's decision, the spans reviewers added, and residual findings to resolve."""
    release = _reviewable(user, release_id)
    document = get_document(release, document_id)
    text, meta = db.session.execute(
        select(Item.text, Item.meta).where(Item.id == document.item_id)
    ).one()
    decided = {
        (d.start, d.end, d.entity_type): d.decision
        for d in decisions_of([document.id]).get(document.id, [])
    }
    findings = [
        {"start": s, "end": e, "entity_type": t, "score": p, "decision": decided.get((s, e, t))}
        for s, e, t, p in document.findings
    ]
    added = [
        {"start": s, "end": e, "entity_type": t} for (s, e, t), d in decided.items() if d == "add"
    ]
    return {
        "id": document.id,
        "seq": document.seq,
        "title": (meta or {}).get("title"),
        "source_name": (meta or {}).get("source_name"),
        "text": text,
        "status": document.status,
        "in_sample": document.in_sample,
        "reviewed": document.reviewed_at is not None,
        "findings": findings,
        "added": sorted(added, key=lambda a: a["start"]),
        "residual_findings": [
            dict(zip(("start", "end", "entity_type", "score"), r, strict=True))
            for r in document.residual_findings
        ],
    }


def _checked(
    text: str, known: set[tuple[int, int, str]], raw: Any
) -> Iterator[tuple[int, int, str, str]]:
    if not isinstance(raw, list) or len(raw) > MAX_DECISIONS:
        raise Invalid(
            _l("“decisions” must be a list of at most %(n)d spans.", n=MAX_DECISIONS),
            code="bad_field",
        )
    for entry in raw:
        if not isinstance(entry, dict) or entry.get("decision") not in DECISIONS:
            raise Invalid(_l("Each decision is accept, reject or add of a span."), code="bad_field")
        try:
            span = reviewer_finding(
                text, entry.get("start"), entry.get("end"), entry.get("entity_type")
            )
        except ReleaseRuleError as error:
            raise service_error(error) from None
        key = (span.start, span.end, span.entity_type)
        if entry["decision"] != "add" and key not in known:
            raise Invalid(
                _l("Only a finding of this document can be accepted or rejected."),
                code="span.unknown_finding",
            )
        yield span.start, span.end, span.entity_type, entry["decision"]


def record_decisions(
    user: User, release_id: int, document_id: int, raw: Any, done: bool
) -> dict[str, Any]:
    """Store a reviewer's decisions on one document of a release in review (a new decision
    on a span replaces the old one); ``done`` marks the document reviewed.  Returns the
    release's review summary.  Raises Forbidden, NotFound, Invalid, Conflict."""
    begin_write()
    release = _reviewable(user, release_id)
    if release.state != ReleaseState.IN_REVIEW:
        raise service_error(
            ReleaseRuleError("release.not_in_review", "the release is not in review")
        )
    document = get_document(release, document_id)
    text = db.session.scalar(select(Item.text).where(Item.id == document.item_id)) or ""
    known = {
        (int(f[0]), int(f[1]), str(f[2])) for f in [*document.findings, *document.residual_findings]
    }
    for start, end, entity_type, decision in list(_checked(text, known, raw)):
        db.session.execute(
            delete(ReviewDecision).where(
                ReviewDecision.document_id == document.id,
                ReviewDecision.start == start,
                ReviewDecision.end == end,
                ReviewDecision.entity_type == entity_type,
            )
        )
        db.session.add(
            ReviewDecision(
                document_id=document.id,
                start=start,
                end=end,
                entity_type=entity_type,
                decision=decision,
                reviewer_id=user.id,
            )
        )
    if done:
        document.reviewed_by_id, document.reviewed_at = user.id, utcnow()
    db.session.flush()
    summary = review_summary(release)
    db.session.commit()
    return summary


def review_summary(release: Release) -> dict[str, Any]:
    """Sample size, documents reviewed, identifiers missed (spans added on reviewed sampled
    documents) and the upper 95 % bound on identifiers left per 1,000 documents
    (``app.releases.sampling.residual_bound``, exact Poisson) against the policy's bound."""
    sampled = ReleaseDocument.release_id == release.id, ReleaseDocument.in_sample.is_(True)
    size = db.session.scalar(select(func.count()).where(*sampled)) or 0
    reviewed = (
        db.session.scalar(
            select(func.count()).where(*sampled, ReleaseDocument.reviewed_at.is_not(None))
        )
        or 0
    )
    missed = (
        db.session.scalar(
            select(func.count())
            .select_from(ReviewDecision)
            .join(ReleaseDocument, ReleaseDocument.id == ReviewDecision.document_id)
            .where(
                *sampled, ReleaseDocument.reviewed_at.is_not(None), ReviewDecision.decision == "add"
            )
        )
        or 0
    )
    limit = policy_of(release).residual_bound
    bound = residual_bound(missed, reviewed, release.document_count) if reviewed else None
    return {
        "sample_size": size,
        "reviewed": reviewed,
        "missed": missed,
        "bound_per_1000": round(bound.per_1000, 3) if bound else None,
        "policy_bound_per_1000": limit,
        "meets_bound": bool(bound and reviewed == size and bound.per_1000 <= limit),
    }


def sample_page(
    user: User, release_id: int, page: int, residual_only: bool = False, per_page: int = 50
) -> dict[str, Any]:
    """One page of the review sample (id, seq, findings, residual findings, reviewed or
    not), the documents not yet reviewed first; ``residual_only`` lists instead every
    document whose residual scan still found something."""
    release = _reviewable(user, release_id)
    which = (
        (ReleaseDocument.residual_count > 0)
        if residual_only
        else ReleaseDocument.in_sample.is_(True)
    )
    stmt = (
        select(ReleaseDocument)
        .where(ReleaseDocument.release_id == release.id, which)
        .order_by(ReleaseDocument.reviewed_at.is_not(None), ReleaseDocument.seq)
    )
    result = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    titles = dict(
        db.session.execute(
            select(Item.id, Item.meta["title"].as_string()).where(
                Item.id.in_([d.item_id for d in result.items])
            )
        )
        .tuples()
        .all()
    )
    return {
        "documents": [
            {
                "id": d.id,
                "seq": d.seq,
                "title": titles.get(d.item_id),
                "findings": len(d.findings),
                "residual_findings": d.residual_count,
                "reviewed": d.reviewed_at is not None,
            }
            for d in result.items
        ],
        "page": page,
        "total": result.total,
        "summary": review_summary(release),
    }


def next_to_review(user: User, release_id: int) -> int | None:
    """The first sampled document nobody has marked reviewed, else the first document with
    residual findings left, else None."""
    release = _reviewable(user, release_id)
    for which in (
        ReleaseDocument.in_sample.is_(True) & ReleaseDocument.reviewed_at.is_(None),
        ReleaseDocument.residual_count > 0,
    ):
        found = db.session.scalar(
            select(ReleaseDocument.id)
            .where(ReleaseDocument.release_id == release.id, which)
            .order_by(ReleaseDocument.seq)
        )
        if found is not None:
            return int(found)
    return None


def text_segments(text: str, spans: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """``text`` cut at the spans (merged where they overlap) for the review screen: each
    piece with its ``start`` offset and whether it is ``marked``."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    pieces, position = [], 0
    for start, end in merged:
        if position < start:
            pieces.append({"start": position, "text": text[position:start], "marked": False})
        pieces.append({"start": start, "text": text[start:end], "marked": True})
        position = end
    if position < len(text) or not pieces:
        pieces.append({"start": position, "text": text[position:], "marked": False})
    return pieces


def document_findings(document: ReleaseDocument) -> list[Finding]:
    """The analyser's findings of a stored document."""
    return [stored_finding(row) for row in document.findings]
