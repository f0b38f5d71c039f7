"""Wanbiao web application: the factory reads like a table of contents."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app import database, error_pages, i18n, jobs, rate_limits, request_guards, security, storage
from app.accounts.views import bp as accounts_bp
from app.admin.views import bp as admin_bp
from app.api import bp as api_bp
from app.cli import init_app as init_cli
from app.config import PROJECT_ROOT, Config, load_config
from app.corpora.views import bp as corpora_bp
from app.extensions import csrf, db, login_manager, migrate
from app.home.views import bp as home_bp
from app.labeling.views import bp as labeling_bp
from app.ledger.views import bp as ledger_bp
from app.projects.views import bp as projects_bp
from app.quality.views import bp as quality_bp
from app.releases.views import bp as releases_bp
from app.review.views import bp as review_bp

assert database  # imported for its engine event listeners (WAL, BEGIN IMMEDIATE)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application. Refuses to start without a secret key."""
    app = Flask(__name__, static_folder=str(PROJECT_ROOT / "static"), static_url_path="/static")
    app.config.from_object(Config)
    app.config.from_prefixed_env("WANBIAO")
    load_config(app.config, test_config)
    register_extensions(app)
    register_blueprints(app)
    init_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind request limits, database, migrations, login, CSRF, translations, storage, jobs,
    rate limits and security."""
    request_guards.init_app(app)
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    storage.init_app(app)
    jobs.init_app(app)
    rate_limits.init_app(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per area of the product, then the error pages."""
    for blueprint in (
        accounts_bp,
        home_bp,
        corpora_bp,
        projects_bp,
        quality_bp,
        labeling_bp,
        review_bp,
        ledger_bp,
        releases_bp,
        admin_bp,
        api_bp,
    ):
        app.register_blueprint(blueprint)
    error_pages.init_app(app)
