"""Migrations: one head, upgrade from empty on both databases, no drift from the models."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from tests.conftest import DATABASES, database_url

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def test_single_head() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


@pytest.mark.parametrize("kind", DATABASES)
def test_upgrade_from_empty_has_no_drift(kind: str, tmp_path: Path, s3_server: Any) -> None:
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from tests.conftest import _reset_postgres

    url = database_url(kind, tmp_path)
    if kind == "postgresql":
        _reset_postgres(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "k" * 40, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == []
        db.engine.dispose()
