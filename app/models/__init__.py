"""Typed SQLAlchemy 2 models, one module per aggregate."""

from app.models.accounts import (
    ApiToken,
    DomainApplication,
    Membership,
    Organization,
    OrganizationKind,
    PasswordReset,
    QualificationEvidence,
    Role,
    User,
)
from app.models.audit import AuditEvent
from app.models.contributions import Contribution
from app.models.corpora import Corpus, Item, ItemDigest, NearDuplicateRun
from app.models.exports import Export
from app.models.jobs import JobRun, StorageSweep
from app.models.labeling import (
    Annotation,
    Assignment,
    ExpertPool,
    ExpertPoolMember,
    Project,
    ProjectInvitation,
    ProjectPoolInvitation,
    Task,
)
from app.models.ledger import LedgerEntry, LedgerEvidence, LedgerTreeHead, LedgerTreeNode
from app.models.limits import LimitReservation
from app.models.quality import Adjudication, ProjectReviewer, QualityReport
from app.models.releases import (
    Release,
    ReleaseDocument,
    ReleaseDownload,
    ReleaseReviewer,
    ReviewDecision,
)
from app.models.resumable_uploads import ResumableUpload
from app.models.uploads import ContributionUpload

__all__ = [
    "Adjudication",
    "Annotation",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Contribution",
    "ContributionUpload",
    "DomainApplication",
    "Corpus",
    "Export",
    "Item",
    "ItemDigest",
    "JobRun",
    "LedgerEntry",
    "LedgerEvidence",
    "LedgerTreeHead",
    "LedgerTreeNode",
    "LimitReservation",
    "Membership",
    "NearDuplicateRun",
    "Organization",
    "OrganizationKind",
    "PasswordReset",
    "Project",
    "ProjectInvitation",
    "ProjectPoolInvitation",
    "ExpertPool",
    "ExpertPoolMember",
    "ProjectReviewer",
    "QualificationEvidence",
    "QualityReport",
    "Release",
    "ReleaseDocument",
    "ReleaseDownload",
    "ReleaseReviewer",
    "ResumableUpload",
    "ReviewDecision",
    "StorageSweep",
    "Role",
    "Task",
    "User",
]
