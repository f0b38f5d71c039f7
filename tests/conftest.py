"""Shared fixtures: the real S3 server, a fresh database per test, logged-in clients.

SQLite always; PostgreSQL too when ``WANBIAO_TEST_POSTGRES_URL`` names a database the tests may
wipe (CI gives one). The app package is imported lazily so the pure-package tests never need it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Huey and the var/ secrets are resolved when app modules are imported: point them at a
# throwaway directory before any test imports the app. This file runs twice in a session
# (pytest loads it as ``conftest``, helpers import it as ``tests.conftest``): the second run
# must keep the first one's directory, or the app's Huey queue and the consumer a browser test
# starts would use different ones, depending on which test module was collected first.
_VAR = Path(os.environ.get("WANBIAO_TEST_VAR_DIR") or tempfile.mkdtemp(prefix="wanbiao-test-var-"))
os.environ["WANBIAO_TEST_VAR_DIR"] = os.environ["WANBIAO_VAR_DIR"] = str(_VAR)
for _name in ("WANBIAO_SECRET_KEY", "WANBIAO_S3_ENDPOINT", "DATABASE_URL"):
    os.environ.pop(_name, None)

POSTGRES_URL = os.environ.get("WANBIAO_TEST_POSTGRES_URL")
S3_ACCESS, S3_SECRET = "wanbiao-test", "wanbiao-test-secret-0123456789"


@dataclass
class S3:
    endpoint: str
    access_key: str
    secret_key: str


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3]:
    """The installed ``weed mini`` on free ports, for the whole session."""
    from app.storage.seaweed import start_weed

    server = start_weed(tmp_path_factory.mktemp("weed"), S3_ACCESS, S3_SECRET)
    try:
        yield S3(server.endpoint, S3_ACCESS, S3_SECRET)
    finally:
        server.stop()


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def make_app(
    tmp_path: Path, s3: S3, database_url: str | None = None, skip_bucket: bool = False, **extra: Any
) -> Any:
    """An app on a fresh database with its schema, bound to the test S3 server."""
    from app import create_app
    from app.extensions import db
    from app.storage import object_store

    url = database_url or f"sqlite:///{tmp_path / 'test.db'}"
    if url.startswith("postgresql"):
        _reset_postgres(url)
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "SQLALCHEMY_DATABASE_URI": url,
        "S3_ENDPOINT": s3.endpoint,
        "S3_ACCESS_KEY": s3.access_key,
        "S3_SECRET_KEY": s3.secret_key,
        "S3_BUCKET": "wanbiao-test",
        "HUEY_IMMEDIATE": True,
        "WTF_CSRF_ENABLED": False,
        "LOGIN_FAILURES_PER_MINUTE": 10,
    }
    config.update(extra)
    app = create_app(config)
    with app.app_context():
        db.create_all()
        if not skip_bucket:
            object_store().ensure_bucket()
    return app


@contextlib.contextmanager
def serve_in_thread(application: Any) -> Iterator[str]:
    """Serve the app over real HTTP on a free loopback port; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def database_url(kind: str, tmp_path: Path) -> str:
    """URL of a fresh test database of ``kind``; skips PostgreSQL when none is configured."""
    if kind == "postgresql":
        if not POSTGRES_URL:
            pytest.skip("WANBIAO_TEST_POSTGRES_URL is not set")
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(tmp_path: Path, s3_server: S3) -> Iterator[Any]:
    """An app on SQLite."""
    application = make_app(tmp_path, s3_server)
    yield application
    _dispose(application)


@pytest.fixture(params=DATABASES)
def any_db_app(request: pytest.FixtureRequest, tmp_path: Path, s3_server: S3) -> Iterator[Any]:
    """The same test on SQLite and on PostgreSQL."""
    application = make_app(tmp_path, s3_server, database_url(request.param, tmp_path))
    yield application
    _dispose(application)


def _dispose(application: Any) -> None:
    from app.extensions import db

    with application.app_context():
        db.session.remove()
        db.engine.dispose()
