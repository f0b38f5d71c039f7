"""Typed SQLAlchemy 2 models, one module per aggregate."""

from app.models.accounts import ApiToken, Membership, Organization, Role, User
from app.models.audit import AuditEvent
from app.models.corpora import Corpus, Item
from app.models.labeling import Annotation, Assignment, Project, Task

__all__ = [
    "Annotation", "ApiToken", "Assignment", "AuditEvent", "Corpus", "Item", "Membership",
    "Organization", "Project", "Role", "Task", "User",
]
