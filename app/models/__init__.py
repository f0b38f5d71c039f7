"""Typed SQLAlchemy 2 models, one module per aggregate."""

from app.models.accounts import (
    ApiToken,
    Membership,
    Organization,
    OrganizationKind,
    PasswordReset,
    Role,
    User,
)
from app.models.audit import AuditEvent
from app.models.corpora import Corpus, Item
from app.models.exports import Export
from app.models.labeling import Annotation, Assignment, Project, Task
from app.models.ledger import LedgerEntry, LedgerEvidence, LedgerTreeHead, LedgerTreeNode
from app.models.quality import Adjudication, ProjectReviewer, QualityReport
from app.models.releases import (
    Release,
    ReleaseDocument,
    ReleaseDownload,
    ReleaseReviewer,
    ReviewDecision,
)
from app.models.uploads import ContributionUpload

__all__ = [
    "Adjudication",
    "Annotation",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "ContributionUpload",
    "Corpus",
    "Export",
    "Item",
    "LedgerEntry",
    "LedgerEvidence",
    "LedgerTreeHead",
    "LedgerTreeNode",
    "Membership",
    "Organization",
    "OrganizationKind",
    "PasswordReset",
    "Project",
    "ProjectReviewer",
    "QualityReport",
    "Release",
    "ReleaseDocument",
    "ReleaseDownload",
    "ReleaseReviewer",
    "ReviewDecision",
    "Role",
    "Task",
    "User",
]
