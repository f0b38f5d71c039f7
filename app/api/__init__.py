"""JSON API under /api/v1 (routes in :mod:`app.api.views`, contract in :mod:`app.api.openapi`)."""

from app.api import openapi, views
from app.api.blueprint import bp

__all__ = ["bp", "openapi", "views"]
