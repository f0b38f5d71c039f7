"""The approval's residual scan starts one worker process for a few decided documents and a
second only when there is much to scan (a worker spends seconds loading the engine), and none
when no decision changed a document's output."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ReleaseDocument
from app.releases import approval
from app.releases.scanning import Analysers
from tests.app.releases.release_world import DOCUMENTS, ReleaseWorld


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Worker processes each approval scan asked for; the scan itself runs in this process
    (with the fake analyser)."""
    asked: list[int] = []

    class Recording(Analysers):
        def __init__(self, processes: int, profiles: Sequence[str]) -> None:
            asked.append(processes)
            super().__init__(0, profiles)

    monkeypatch.setattr(approval, "Analysers", Recording)
    return asked


def _reject_first_findings(releases: ReleaseWorld, release_id: int) -> list[int]:
    """Reject the first finding of every sampled document that has one (a decision that
    changes the redacted output); returns those documents' ids."""
    rejected = []
    for entry in releases.auditor.get(f"/api/v1/releases/{release_id}/sample").json["documents"]:
        findings = releases.document(release_id, entry["id"])["findings"]
        if findings:
            span = {k: findings[0][k] for k in ("start", "end", "entity_type")}
            response = releases.auditor.post(
                f"/api/v1/releases/{release_id}/documents/{entry['id']}/decisions",
                {"decisions": [{**span, "decision": "reject"}], "done": True},
            )
            assert response.status_code == 200, response.json
            rejected.append(entry["id"])
    return rejected


def _approve(releases: ReleaseWorld) -> None:
    release_id = releases.analysed()
    releases.review_all(release_id)
    assert len(_reject_first_findings(releases, release_id)) == 2
    releases.world.app.config["RELEASE_ANALYSER_PROCESSES"] = 3
    response = releases.auditor.post(f"/api/v1/releases/{release_id}/approve")
    assert response.status_code == 200, response.json


def test_a_few_decided_documents_are_scanned_by_one_worker(
    releases: ReleaseWorld, started: list[int]
) -> None:
    _approve(releases)
    assert started == [1]


def test_many_decided_documents_get_a_second_worker(
    releases: ReleaseWorld, started: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(approval, "SECOND_WORKER_DOCUMENTS", 2)
    _approve(releases)
    assert started == [2]


def test_the_scan_stays_in_process_where_the_jobs_do(
    releases: ReleaseWorld, started: list[int]
) -> None:
    release_id = releases.analysed()
    releases.review_all(release_id)
    _reject_first_findings(releases, release_id)
    releases.world.app.config["RELEASE_ANALYSER_PROCESSES"] = 0
    assert releases.auditor.post(f"/api/v1/releases/{release_id}/approve").status_code == 200
    assert started == [0]


@pytest.fixture
def scanned(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    """The documents (by seq) each approval scan went through."""
    batches: list[list[int]] = []
    rescan = approval._rescan

    def recording(release: Any, document_ids: list[int], *args: Any) -> None:
        with_seq = select(ReleaseDocument.seq).where(ReleaseDocument.id.in_(document_ids))
        batches.append(sorted(db.session.scalars(with_seq)))
        rescan(release, document_ids, *args)

    monkeypatch.setattr(approval, "_rescan", recording)
    return batches


def test_accepted_findings_alone_need_no_second_scan(
    releases: ReleaseWorld, started: list[int], scanned: list[list[int]]
) -> None:
    """Accepting a finding leaves the redacted text as the analysis job scanned it: the
    approval starts no worker and keeps the stored residual findings."""
    release_id = releases.analysed()
    releases.review_all(release_id)
    assert releases.auditor.post(f"/api/v1/releases/{release_id}/approve").status_code == 200
    assert started == [] and scanned == []


def test_a_document_scanned_by_an_earlier_approval_is_scanned_again(
    any_db_releases: ReleaseWorld, started: list[int], scanned: list[list[int]]
) -> None:
    """Its residual findings came from the decisions of then: after a reviewer turns a
    rejection back into an acceptance they are scanned again, not kept."""
    release_id = any_db_releases.analysed([*DOCUMENTS, "证人张三丰到场。"])
    any_db_releases.review_all(release_id)
    [first, _] = _reject_first_findings(any_db_releases, release_id)
    refused = any_db_releases.auditor.post(f"/api/v1/releases/{release_id}/approve")
    assert refused.json["error"]["code"] == "release.residual_findings"  # seq 5's name
    assert scanned == [[1, 3]]
    finding = any_db_releases.document(release_id, first)["findings"][0]
    span = {k: finding[k] for k in ("start", "end", "entity_type")}
    accepted = any_db_releases.auditor.post(
        f"/api/v1/releases/{release_id}/documents/{first}/decisions",
        {"decisions": [{**span, "decision": "accept"}], "done": True},
    )
    assert accepted.status_code == 200, accepted.json
    refused = any_db_releases.auditor.post(f"/api/v1/releases/{release_id}/approve")
    assert refused.json["error"]["code"] == "release.residual_findings"
    assert scanned == [[1, 3], [1, 3]]
    with any_db_releases.world.app.app_context():
        rescanned = db.session.scalars(
            select(ReleaseDocument.seq)
            .where(ReleaseDocument.rescanned_at.is_not(None))
            .order_by(ReleaseDocument.seq)
        ).all()
    assert rescanned == [1, 3]
