"""Builders for the app tests: organizations, accounts, tokens, an API client and a login; and
readers of what the app stored: an export's lines, the skip reasons in the audit trail.

Test modules import these; the fixtures that hand them out live in conftest.py."""

from __future__ import annotations

import io
import itertools
import json
import urllib.request
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def valid_uscc(seed: int) -> str:
    """A checksum-valid 统一社会信用代码 derived from ``seed``."""
    from deid.checksums import uscc_check_char

    body = f"913401{seed:011d}"
    return body + uscc_check_char(body)


@dataclass
class Api:
    """Test client calls with a bearer token."""

    client: Any
    token: str

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, url: str) -> Any:
        return self.client.get(url, headers=self._headers())

    def post(self, url: str, json: Any = None, **kwargs: Any) -> Any:
        return self.client.post(url, json=json, headers=self._headers(), **kwargs)

    def upload(self, content: bytes, filename: str = "corpus.txt", name: str = "语料") -> Any:
        data = {"file": (io.BytesIO(content), filename), "name": name}
        return self.client.post(
            "/api/v1/corpora",
            data=data,
            headers=self._headers(),
            content_type="multipart/form-data",
        )


class World:
    """Creates what a test needs through the real services."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def org(self, name: str = "数据公司", city: str = "合肥") -> int:
        from app.accounts.organizations import create_organization

        with self.app.app_context():
            return create_organization(name, valid_uscc(next(_counter)), city, None).id

    def user(self, role: str, org: int | None = None, domains: list[str] | None = None) -> str:
        from app.accounts.services import create_user

        email = f"{role}{next(_counter)}@example.cn"
        with self.app.app_context():
            create_user(
                email,
                PASSWORD,
                role,
                name=f"{role} user",
                organization_id=org,
                domains=domains or (["政务"] if role == "expert" else None),
            )
        return email

    def api(self, email: str) -> Api:
        from app.accounts.services import issue_api_token

        with self.app.app_context():
            token = issue_api_token(email)
        return Api(self.app.test_client(), token)

    def vendor_api(self, org: int | None = None) -> Api:
        return self.api(self.user("vendor", org if org is not None else self.org()))

    def ready_corpus(self, api: Api, texts: list[str]) -> int:
        response = api.upload("\n\n".join(texts).encode())
        assert response.status_code == 201, response.json
        corpus_id: int = response.json["id"]
        assert api.get(f"/api/v1/corpora/{corpus_id}").json["status"] == "ready"
        return corpus_id

    def project(
        self,
        api: Api,
        texts: list[str],
        overlap: int = 2,
        labels: tuple[str, ...] = ("正面", "负面", "中性"),
    ) -> int:
        corpus_id = self.ready_corpus(api, texts)
        response = api.post(
            "/api/v1/projects",
            {
                "name": f"情感分类 {corpus_id}",
                "corpus_id": corpus_id,
                "type": "classify",
                "labels": list(labels),
                "overlap": overlap,
                "instructions": "判断情感",
            },
        )
        assert response.status_code == 201, response.json
        project_id: int = response.json["id"]
        return project_id


def login(client: Any, email: str, password: str = PASSWORD) -> Any:
    """Log in through the form."""
    return client.post("/login", data={"email": email, "password": password})


def download(url: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return [json.loads(line) for line in response.read().decode().splitlines()]


def export_lines(api: Api, url: str) -> list[dict[str, Any]]:
    """The lines of an export, downloaded through the app's route ``url`` with ``api``."""
    response = api.get(url)
    assert response.status_code == 200, response.status_code
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def skip_events(app: Any) -> list[str]:
    from app.extensions import db
    from app.models import AuditEvent

    with app.app_context():
        return [
            e.detail["reason"]
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "task_skipped")
                .order_by(AuditEvent.id)
            )
        ]
