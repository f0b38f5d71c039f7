"""Expert verification: a self-registered expert is an applicant who declares domains and
uploads evidence for each (a certificate, an employer's letter); the bureau (admins,
auditors) approves or rejects each declared domain with a reason, for every project; a vendor
may do the same for its own projects only. Work is routed by approved domains alone.

The bureau's approvals are kept on the user (``User.domains``, ``User.verified``) so the claim,
the hottest path, reads them without a query; the decisions themselves, and every vendor's,
are :class:`DomainApplication` rows.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass, field
from typing import IO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit import record_event
from app.corpora.images import ImageOverBudget, check_image
from app.corpora.upload_checks import display_filename
from app.database import begin_write
from app.exceptions import Forbidden, Invalid, TooLarge, Unavailable
from app.extensions import db
from app.models import DomainApplication, QualificationEvidence, Role, User
from app.rule_messages import image_over_budget_message
from app.storage import ObjectStore, StorageUnavailable
from tasks import expert_qualifies

BUREAU_ROLES = (Role.ADMIN, Role.AUDITOR)
EVIDENCE_KINDS = ("certificate", "employer_letter")
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
_READ_CHUNK = 1024 * 1024
_PDF_MAGIC = b"%PDF-"
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")

NOT_VERIFIED = _l(
    "Your expert account is not verified yet. Upload your evidence (a certificate or an "
    "employer's letter) for each declared domain on the “My qualifications” page; you can "
    "claim tasks once the data bureau or the project's vendor approved a domain."
)


@dataclass
class DomainState:
    """One declared domain of an applicant: the bureau's decision and the evidence."""

    domain: str
    status: str
    reason: str
    evidence: list[QualificationEvidence] = field(default_factory=list)
    vendor_decisions: list[DomainApplication] = field(default_factory=list)


@dataclass
class Applicant:
    """An expert with declared domains, as a reviewer sees them."""

    user: User
    domains: list[DomainState]


def declare_domains(user: User, domains: list[str]) -> None:
    """Record the applicant's declared domains as pending (the caller commits)."""
    for domain in domains:
        db.session.add(DomainApplication(user_id=user.id, domain=domain, status="pending"))


def _declared(user_id: int, domain: str) -> DomainApplication | None:
    return db.session.scalar(
        select(DomainApplication).where(
            DomainApplication.user_id == user_id,
            DomainApplication.domain == domain,
            DomainApplication.organization_id.is_(None),
        )
    )


def _read_bounded(stream: IO[bytes]) -> bytes:
    chunks, size = [], 0
    while chunk := stream.read(_READ_CHUNK):
        size += len(chunk)
        if size > MAX_EVIDENCE_BYTES:
            raise TooLarge(_l("Evidence may be at most 20 MB. Nothing was stored."))
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise Invalid(_l("The file is empty."), code="empty_file")
    return data


def _identify(data: bytes) -> tuple[str, str]:
    """(extension, content type) decided by the bytes: a PDF, a PNG or a JPEG."""
    if data.startswith(_PDF_MAGIC) and b"%%EOF" in data[-2048:]:
        return "pdf", "application/pdf"
    if data.startswith(_IMAGE_MAGIC):
        try:
            image = check_image("evidence", data, current_app.config["IMAGE_DECODE_BUDGET"])
        except ImageOverBudget as exc:
            message = image_over_budget_message(exc.width, exc.height, exc.decoded, exc.budget)
            raise Invalid(message, code="image_over_budget") from None
        except ValueError:
            pass
        else:
            return image.extension, image.content_type
    raise Invalid(
        _l("Evidence must be a PDF document or a PNG or JPEG picture. Nothing was stored."),
        code="bad_evidence",
    )


def _check_upload(user: User, domain: str, kind: str) -> None:
    if user.role != Role.EXPERT:
        raise Forbidden(_l("Only experts upload evidence of their qualifications."))
    if kind not in EVIDENCE_KINDS:
        raise Invalid(_l("Choose what the document is: a certificate or an employer's letter."))
    if _declared(user.id, domain) is None:
        raise Invalid(
            _l("Upload evidence for one of the domains you declared."), code="undeclared_domain"
        )


def upload_evidence(
    user: User, domain: str, kind: str, filename: str, stream: IO[bytes], store: ObjectStore
) -> QualificationEvidence:
    """Store a document proving the applicant's qualification in a declared domain.

    The bytes decide the type (``%PDF-`` … ``%%EOF``, or a PNG/JPEG that Pillow loads fully);
    at most 20 MB. Raises Forbidden (not an expert), Invalid (undeclared domain, unknown kind,
    empty or not a PDF/PNG/JPEG), TooLarge, Unavailable (storage down). A refused upload
    leaves no object and no row."""
    _check_upload(user, domain, kind)
    db.session.rollback()  # no transaction held open while the bytes are read and stored
    data = _read_bounded(stream)
    extension, content_type = _identify(data)
    key = f"experts/{user.id}/evidence/{uuid.uuid4().hex}.{extension}"
    try:
        store.put_stream(key, io.BytesIO(data), content_type)
    except StorageUnavailable as exc:
        raise Unavailable(_l("Storage is unavailable; nothing was saved. Try again.")) from exc
    begin_write()
    evidence = QualificationEvidence(
        user_id=user.id,
        domain=domain,
        kind=kind,
        object_key=key,
        content_type=content_type,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        filename=display_filename(filename),
    )
    db.session.add(evidence)
    db.session.flush()
    record_event("evidence_uploaded", user, object_type="evidence", object_id=evidence.id)
    db.session.commit()
    return evidence


def domain_states(user: User) -> list[DomainState]:
    """The applicant's declared domains with the bureau's decision and the evidence."""
    rows = list(
        db.session.scalars(
            select(DomainApplication)
            .where(DomainApplication.user_id == user.id)
            .order_by(DomainApplication.id)
        )
    )
    states = {
        r.domain: DomainState(r.domain, r.status, r.reason)
        for r in rows
        if r.organization_id is None
    }
    for r in rows:
        if r.organization_id is not None and r.domain in states:
            states[r.domain].vendor_decisions.append(r)
    for evidence in db.session.scalars(
        select(QualificationEvidence)
        .where(QualificationEvidence.user_id == user.id)
        .order_by(QualificationEvidence.id)
    ):
        if evidence.domain in states:
            states[evidence.domain].evidence.append(evidence)
    return list(states.values())


def vendor_approvals(user_id: int, organization_id: int) -> set[str]:
    """Domains a vendor organization approved the expert for (valid on its projects)."""
    return set(
        db.session.scalars(
            select(DomainApplication.domain).where(
                DomainApplication.user_id == user_id,
                DomainApplication.organization_id == organization_id,
                DomainApplication.status == "approved",
            )
        )
    )


def verified_for(expert: User, organization_id: int, required: list[str]) -> bool:
    """Whether an expert may see work of an organization's project requiring ``required``
    (any one of them; none: any verified expert). Raises Forbidden (``not_verified``) for an
    applicant no one has approved for this organization yet."""
    if expert.verified and expert_qualifies(required, expert.domains):
        return True
    by_vendor = vendor_approvals(expert.id, organization_id)
    if not expert.verified and not by_vendor:
        raise Forbidden(NOT_VERIFIED, code="not_verified")
    if not required:
        return True
    return bool(set(required) & (by_vendor | (set(expert.domains) if expert.verified else set())))
