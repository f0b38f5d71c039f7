"""The approval's residual scan starts one worker process for a few decided documents and a
second only when there is much to scan (a worker spends seconds loading the engine)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from app.releases import approval
from app.releases.scanning import Analysers
from tests.app.releases.release_world import ReleaseWorld


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


def _approve(releases: ReleaseWorld) -> None:
    release_id = releases.analysed()
    releases.review_all(release_id)
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
    releases.world.app.config["RELEASE_ANALYSER_PROCESSES"] = 0
    assert releases.auditor.post(f"/api/v1/releases/{release_id}/approve").status_code == 200
    assert started == [0]
