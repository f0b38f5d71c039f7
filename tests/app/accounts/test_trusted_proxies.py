"""Behind a proxy the app must see the client's address (audit log, per-address limits), and
only when told how many proxies to trust: otherwise anyone could forge X-Forwarded-For."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.conftest import S3, make_app

FORWARDED = {"X-Forwarded-For": "198.51.100.23", "X-Forwarded-Proto": "https"}


def _failed_login_addresses(app: Any) -> list[str | None]:
    from app.extensions import db
    from app.models import AuditEvent

    client = app.test_client()
    client.post("/login", data={"email": "a@example.cn", "password": "x" * 12}, headers=FORWARDED)
    with app.app_context():
        return list(
            db.session.scalars(select(AuditEvent.ip).where(AuditEvent.action == "login_failed"))
        )


def test_the_client_address_comes_from_a_trusted_proxy(tmp_path: Path, s3_server: S3) -> None:
    app = make_app(tmp_path, s3_server, TRUSTED_PROXIES=1)
    assert _failed_login_addresses(app) == ["198.51.100.23"]


def test_forwarded_headers_are_ignored_without_trusted_proxies(
    tmp_path: Path, s3_server: S3
) -> None:
    app = make_app(tmp_path, s3_server)
    assert _failed_login_addresses(app) == ["127.0.0.1"]
