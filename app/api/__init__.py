"""JSON API under /api/v1: one module per area (its routes and its part of the OpenAPI
document), put together by :mod:`app.api.openapi`."""

from app.api import (
    accounts,
    audit_log,
    corpora,
    corpus_items,
    exports,
    labeling,
    ledger,
    openapi,
    pools,
    projects,
    quality,
    releases,
    review,
    uploads,
)
from app.api.blueprint import bp

__all__ = [
    "bp",
    "accounts",
    "audit_log",
    "corpora",
    "corpus_items",
    "exports",
    "labeling",
    "ledger",
    "openapi",
    "pools",
    "projects",
    "quality",
    "releases",
    "review",
    "uploads",
]
