"""One release through the real de-identifier (no fake): what is published leaks none of the
identifiers in the documents, and text without identifiers comes out unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from app.storage import object_store
from tests.app.builders import World
from tests.app.releases.release_world import release_world

IDENTIFIERS = ["340104198001010012", "13912345678", "wangxm@example.com", "张伟"]
DOCUMENTS = [
    "关于张伟同志信访事项的答复意见。张伟，身份证号340104198001010012，联系电话13912345678。",
    "来信人电子邮箱wangxm@example.com，请按期回复。",
    "合肥市数据资源局关于开展2025年公共数据开放工作的通知。各县区数据资源局：现将有关事项通知如下。",
    "本办法自发布之日起施行，由市数据资源局负责解释。",
]


@pytest.mark.slow
@pytest.mark.parametrize("processes", [0, 2], ids=["in_process", "worker_processes"])
def test_the_real_deid_leaves_no_identifier_in_the_published_release(
    world: World, signing_key: Any, processes: int
) -> None:
    """In the job's own process, and in spawned worker processes (one per profile), as the
    consumer runs it: the same release comes out."""
    world.app.config["RELEASE_ANALYSER_PROCESSES"] = processes
    people = release_world(world)
    release_id = people.analysed(DOCUMENTS)
    assert people.state(release_id) == "in_review"
    people.review_all(release_id)
    residual = people.auditor.get(f"/api/v1/releases/{release_id}/sample?residual=1").json
    for entry in residual["documents"]:  # what the recall scan still saw: redact it too
        found = people.document(release_id, entry["id"])["residual_findings"]
        people.auditor.post(
            f"/api/v1/releases/{release_id}/documents/{entry['id']}/decisions",
            {"decisions": [{**f, "decision": "add"} for f in found]},
        )
    approved = people.auditor.post(f"/api/v1/releases/{release_id}/approve")
    assert approved.status_code == 200, approved.json
    published = people.publisher.post(f"/api/v1/releases/{release_id}/publish")
    assert published.status_code == 202, published.json
    assert people.state(release_id) == "published"
    with world.app.app_context():
        jsonl = b"".join(
            object_store().iter_chunks(f"releases/{release_id}/documents.jsonl")
        ).decode()
    for identifier in IDENTIFIERS:
        assert identifier not in jsonl
    assert DOCUMENTS[3] in jsonl
