"""Builders for the release tests: a publisher with a corpus, reviewers, an AI company, and
a fake analyser that is quick and predictable (the real one runs in one end-to-end test)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from deid import Finding
from tests.app.builders import Api, World, valid_uscc

_numbers = itertools.count(500)
PHONE = re.compile(r"1[3-9]\d{9}")
NAMES = re.compile("王小明|李建国")
# Only the recall profiles (``recall``, and ``residual``, the residual scan's) see this name:
# a residual finding of the default profile's output.
RECALL_ONLY = re.compile("张三丰")

DOCUMENTS = [
    "申请人王小明,电话13912345678,已受理。",
    "合肥市政府办公厅关于印发数据开放目录的通知。",
    "经办人李建国,联系电话13800001111。",
    "本通知自发布之日起施行。",
]


def fake_analyze_batch(
    texts: Iterable[str],
    language: str = "zh",
    entities: Any = None,
    batch_size: int = 64,
    profile: str = "default",
    analyzer: Any = None,
) -> list[list[Finding]]:
    """Phones and two names; ``张三丰`` only in the recall profiles; ``CRASH`` raises."""
    found = []
    for text in texts:
        if "CRASH" in text:
            raise RuntimeError("analyser crashed on this text")
        findings = [Finding(m.start(), m.end(), "CN_PHONE", 0.95) for m in PHONE.finditer(text)]
        findings += [Finding(m.start(), m.end(), "PERSON", 0.7) for m in NAMES.finditer(text)]
        if profile in ("recall", "residual"):
            findings += [
                Finding(m.start(), m.end(), "PERSON", 0.6) for m in RECALL_ONLY.finditer(text)
            ]
        found.append(sorted(findings))
    return found


@dataclass
class ReleaseWorld:
    """The people of a release and helpers to move it along through the API."""

    world: World
    publisher: Api
    publisher_email: str
    auditor: Api
    second_auditor: Api
    enterprise: Api

    def corpus(self, texts: list[str]) -> int:
        return self.world.ready_corpus(self.publisher, texts)

    def create(self, texts: list[str] | None = None, **body: Any) -> dict[str, Any]:
        corpus_id = self.corpus(texts or DOCUMENTS)
        response = self.publisher.post(
            "/api/v1/releases",
            {
                "corpus_id": corpus_id,
                "title": "合肥市政府公文 2025",
                "domain": "政务",
                "licence": "CC BY 4.0",
                **body,
            },
        )
        assert response.status_code == 201, response.json
        return dict(response.json)

    def analysed(self, texts: list[str] | None = None, **body: Any) -> int:
        release_id = int(self.create(texts, **body)["id"])
        response = self.publisher.post(f"/api/v1/releases/{release_id}/analyse")
        assert response.status_code == 202, response.json
        return release_id

    def published(
        self, texts: list[str] | None = None, approver: Api | None = None, **body: Any
    ) -> int:
        """A release analysed, its whole sample reviewed by the auditor, approved (by
        ``approver``, the auditor by default) and published; its id."""
        release_id = self.analysed(texts, **body)
        self.review_all(release_id)
        approved = (approver or self.auditor).post(f"/api/v1/releases/{release_id}/approve")
        assert approved.status_code == 200, approved.json
        published = self.publisher.post(f"/api/v1/releases/{release_id}/publish")
        assert published.status_code == 202, published.json
        return release_id

    def review_all(
        self,
        release_id: int,
        add: dict[int, list[dict[str, Any]]] | None = None,
        reviewer: Api | None = None,
    ) -> dict[str, Any]:
        reviewer = reviewer or self.auditor
        sample = reviewer.get(f"/api/v1/releases/{release_id}/sample?page=1").json
        summary: dict[str, Any] = sample["summary"]
        for entry in sample["documents"]:
            decisions = [
                {
                    "start": f["start"],
                    "end": f["end"],
                    "entity_type": f["entity_type"],
                    "decision": "accept",
                }
                for f in self.document(release_id, entry["id"])["findings"]
            ]
            decisions += (add or {}).get(entry["seq"], [])
            response = reviewer.post(
                f"/api/v1/releases/{release_id}/documents/{entry['id']}/decisions",
                {"decisions": decisions, "done": True},
            )
            assert response.status_code == 200, response.json
            summary = response.json
        return summary

    def document(self, release_id: int, document_id: int) -> dict[str, Any]:
        response = self.auditor.get(f"/api/v1/releases/{release_id}/documents/{document_id}")
        assert response.status_code == 200, response.json
        return dict(response.json)

    def state(self, release_id: int) -> str:
        return str(self.publisher.get(f"/api/v1/releases/{release_id}").json["state"])


def organization(world: World, kind: str, name: str, department: str | None = None) -> int:
    from app.accounts.organizations import create_organization

    with world.app.app_context():
        return create_organization(
            name, valid_uscc(next(_numbers)), "合肥", None, kind, department
        ).id


def release_world(world: World) -> ReleaseWorld:
    publisher_org = organization(world, "publisher", "合肥市档案馆", "档案局")
    enterprise_org = organization(world, "enterprise", "科大讯飞")
    publisher_email = world.user("publisher", publisher_org)
    return ReleaseWorld(
        world,
        world.api(publisher_email),
        publisher_email,
        world.api(world.user("auditor")),
        world.api(world.user("auditor")),
        world.api(world.user("enterprise", enterprise_org)),
    )
