"""What must not happen to a release: raw text out, self-approval, publishing twice, a
residual identifier left, partial objects after a storage failure, lost analysis work."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Corpus, Release, ReleaseDocument
from app.releases import analysis, scanning
from app.storage import ObjectStore, StorageUnavailable
from tests.app.releases.release_world import DOCUMENTS, ReleaseWorld, fake_analyze_batch


def test_a_document_the_analyser_crashes_on_holds_the_release(releases: ReleaseWorld) -> None:
    release_id = releases.analysed([*DOCUMENTS, "第五份文件 CRASH 在此"])
    release = releases.publisher.get(f"/api/v1/releases/{release_id}").json
    assert release["state"] == "failed"
    [failure] = release["failures"]
    assert failure["seq"] == 5 and "RuntimeError: analyser crashed" in failure["error"]
    for caller, action in ((releases.auditor, "approve"), (releases.publisher, "publish")):
        refused = caller.post(f"/api/v1/releases/{release_id}/{action}")
        assert (
            refused.status_code == 409 and refused.json["error"]["code"] == "release.bad_transition"
        )
    with releases.world.app.app_context():
        assert db.session.scalar(
            select(func.count())
            .select_from(ReleaseDocument)
            .where(ReleaseDocument.status == "analysed")
        ) == len(DOCUMENTS)


def test_the_builder_cannot_approve_their_own_release(releases: ReleaseWorld) -> None:
    admin = releases.world.api(releases.world.user("admin"))
    corpus_id = releases.corpus(DOCUMENTS)
    created = admin.post("/api/v1/releases", {"corpus_id": corpus_id, "title": "自建"})
    assert created.status_code == 201, created.json
    release_id = created.json["id"]
    assert admin.post(f"/api/v1/releases/{release_id}/analyse").status_code == 202
    releases.review_all(release_id)
    refused = admin.post(f"/api/v1/releases/{release_id}/approve")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "release.self_approval"
    assert releases.publisher.post(f"/api/v1/releases/{release_id}/approve").status_code == 403
    assert releases.auditor.post(f"/api/v1/releases/{release_id}/approve").status_code == 200


def test_approval_waits_for_the_sample_and_the_bound(releases: ReleaseWorld) -> None:
    release_id = releases.analysed()  # 4 documents: a bound of 10 per 1,000 samples all
    refused = releases.auditor.post(f"/api/v1/releases/{release_id}/approve")
    assert refused.json["error"]["code"] == "release.sample_unreviewed"
    missed = [{"start": 0, "end": 3, "entity_type": "PERSON", "decision": "add"}]
    summary = releases.review_all(release_id, add={2: missed, 4: missed})
    assert summary["missed"] == 2
    # 2 missed in 4 of 4 documents: nothing is left unreviewed, so the bound is 0.
    assert summary["bound_per_1000"] == 0 and summary["meets_bound"]
    assert releases.auditor.post(f"/api/v1/releases/{release_id}/approve").status_code == 200


def test_a_bound_above_the_policy_blocks_approval(releases: ReleaseWorld) -> None:
    texts = [f"第{n}号文件,无个人信息。" for n in range(60)]
    release_id = releases.analysed(texts, policy={"residual_bound": 200, "sample_rate": 0.2})
    missed = [{"start": 0, "end": 2, "entity_type": "PERSON", "decision": "add"}]
    summary = releases.review_all(release_id, add={seq: missed for seq in range(1, 61)})
    assert 12 <= summary["sample_size"] < 60 and summary["bound_per_1000"] > 200
    refused = releases.auditor.post(f"/api/v1/releases/{release_id}/approve")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "release.bound_not_met"


def test_a_residual_finding_blocks_until_a_reviewer_resolves_it(releases: ReleaseWorld) -> None:
    release_id = releases.analysed([*DOCUMENTS, "证人张三丰到场。"])
    listed = releases.auditor.get(f"/api/v1/releases/{release_id}/sample?residual=1").json
    assert [d["seq"] for d in listed["documents"]] == [5]
    releases.review_all(release_id)
    refused = releases.auditor.post(f"/api/v1/releases/{release_id}/approve")
    assert (
        refused.status_code == 409 and refused.json["error"]["code"] == "release.residual_findings"
    )
    with releases.world.app.app_context():
        document_id = db.session.scalar(
            select(ReleaseDocument.id).where(
                ReleaseDocument.release_id == release_id, ReleaseDocument.seq == 5
            )
        )
    document = releases.document(release_id, document_id)
    assert document["residual_findings"] == [
        {"start": 2, "end": 5, "entity_type": "PERSON", "score": 0.6}
    ]
    assert releases.state(release_id) == "in_review"
    response = releases.auditor.post(
        f"/api/v1/releases/{release_id}/documents/{document_id}/decisions",
        {"decisions": [{"start": 2, "end": 5, "entity_type": "PERSON", "decision": "add"}]},
    )
    assert response.status_code == 200, response.json
    assert releases.auditor.post(f"/api/v1/releases/{release_id}/approve").status_code == 200
    assert releases.publisher.post(f"/api/v1/releases/{release_id}/publish").status_code == 202


def test_publishing_twice_is_refused(releases: ReleaseWorld) -> None:
    release_id = releases.published()
    again = releases.publisher.post(f"/api/v1/releases/{release_id}/publish")
    assert again.status_code == 409 and again.json["error"]["code"] == "release.bad_transition"


def test_storage_down_mid_publish_leaves_nothing_listed_and_publishes_later(
    releases: ReleaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    release_id = releases.analysed()
    releases.review_all(release_id)
    releases.auditor.post(f"/api/v1/releases/{release_id}/approve")
    real_put = ObjectStore.put_stream
    calls = {"n": 0}

    def failing_put(self: ObjectStore, key: str, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise StorageUnavailable("connection refused")
        real_put(self, key, *args, **kwargs)

    monkeypatch.setattr(ObjectStore, "put_stream", failing_put)
    queued = releases.publisher.post(f"/api/v1/releases/{release_id}/publish")
    assert queued.status_code == 202  # the job ran (immediate mode) and failed half-way
    release = releases.publisher.get(f"/api/v1/releases/{release_id}").json
    assert release["state"] == "approved" and release["publish_error"] == "storage_unavailable"
    assert not release["publishing"]
    anonymous = releases.world.app.test_client()
    assert anonymous.get("/api/v1/catalog").json["releases"] == []
    assert anonymous.get(f"/api/v1/releases/{release_id}/manifest").status_code == 404
    monkeypatch.setattr(ObjectStore, "put_stream", real_put)
    assert releases.publisher.post(f"/api/v1/releases/{release_id}/publish").status_code == 202
    assert [r["id"] for r in anonymous.get("/api/v1/catalog").json["releases"]] == [release_id]


class WorkerKilled(BaseException):
    """What a SIGKILL looks like to the code in between: nothing after it runs."""


def test_a_killed_analysis_resumes_without_duplicate_findings(
    releases: ReleaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analysis, "BATCH", 2)
    seen: list[str] = []

    def dying(texts: Any, *args: Any, profile: str = "default", **kwargs: Any) -> Any:
        texts = list(texts)
        if profile == "default":
            if seen:
                raise WorkerKilled
            seen.extend(texts)
        return fake_analyze_batch(texts, *args, profile=profile, **kwargs)

    monkeypatch.setattr(scanning, "analyze_batch", dying)
    with pytest.raises(WorkerKilled):
        releases.analysed()
    app = releases.world.app
    with app.app_context():
        release = db.session.scalars(select(Release)).one()
        assert release.state == "analysing" and release.analysed_count == 2
        db.session.execute(update(Release).values(heartbeat_at=None))
        db.session.commit()
        assert analysis.stalled_analyses() == [release.id]
    resumed: list[str] = []

    def counting(texts: Any, *args: Any, profile: str = "default", **kwargs: Any) -> Any:
        texts = list(texts)
        if profile == "default":
            resumed.extend(texts)
        return fake_analyze_batch(texts, *args, profile=profile, **kwargs)

    monkeypatch.setattr(scanning, "analyze_batch", counting)
    with app.app_context():
        analysis.analyse_release(release.id)
    assert sorted(seen + resumed) == sorted(DOCUMENTS)
    assert releases.state(release.id) == "in_review"
    with app.app_context():
        findings = db.session.scalars(
            select(ReleaseDocument.findings).order_by(ReleaseDocument.seq)
        ).all()
    assert [len(f) for f in findings] == [2, 0, 2, 0]
    release_json = releases.publisher.get(f"/api/v1/releases/{release.id}").json
    assert release_json["analysed"] == len(DOCUMENTS)
    assert release_json["characters"] == sum(map(len, DOCUMENTS))


def test_a_batch_stored_twice_counts_once(
    any_db_releases: ReleaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers on one release (a stale one queued again while the first still runs):
    the second's copy of a batch writes nothing and adds nothing to the progress."""
    stored: list[tuple[Any, ...]] = []
    store = analysis._store

    def twice(release_id: int, batch: Any, outcomes: Any) -> None:
        store(release_id, batch, outcomes)
        stored.append((release_id, batch, outcomes))
        broken = [{**values, "findings": [[0, 1, "PERSON", 0.5]]} for values in outcomes]
        store(release_id, batch, broken)

    monkeypatch.setattr(analysis, "_store", twice)
    release_id = any_db_releases.analysed()
    assert stored and any_db_releases.state(release_id) == "in_review"
    release = any_db_releases.publisher.get(f"/api/v1/releases/{release_id}").json
    assert release["analysed"] == len(DOCUMENTS) == release["documents"]
    assert release["characters"] == sum(map(len, DOCUMENTS))
    with any_db_releases.world.app.app_context():
        findings = db.session.scalars(
            select(ReleaseDocument.findings).order_by(ReleaseDocument.seq)
        ).all()
    assert [len(f) for f in findings] == [2, 0, 2, 0]


def test_a_failed_release_analysed_again_counts_each_document_once(
    any_db_releases: ReleaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [*DOCUMENTS, "第五份文件 CRASH 在此"]
    release_id = any_db_releases.analysed(texts)
    failed = any_db_releases.publisher.get(f"/api/v1/releases/{release_id}").json
    assert failed["state"] == "failed" and failed["analysed"] == len(texts)

    def mended(texts: Any, *args: Any, **kwargs: Any) -> Any:
        return fake_analyze_batch([t.replace("CRASH", "") for t in texts], *args, **kwargs)

    monkeypatch.setattr(scanning, "analyze_batch", mended)
    again = any_db_releases.publisher.post(f"/api/v1/releases/{release_id}/analyse")
    assert again.status_code == 202, again.json
    release = any_db_releases.publisher.get(f"/api/v1/releases/{release_id}").json
    assert release["state"] == "in_review"
    assert release["analysed"] == len(texts) == release["documents"]
    assert release["characters"] == sum(map(len, texts))


def test_an_empty_or_unfinished_corpus_makes_no_release(releases: ReleaseWorld) -> None:
    corpus_id = releases.corpus(DOCUMENTS)
    with releases.world.app.app_context():
        db.session.execute(update(Corpus).values(status="processing"))
        db.session.commit()
    refused = releases.publisher.post("/api/v1/releases", {"corpus_id": corpus_id, "title": "空"})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "release.empty_corpus"


def test_bad_policies_and_decisions_are_refused_with_their_codes(releases: ReleaseWorld) -> None:
    corpus_id = releases.corpus(DOCUMENTS)
    bad = releases.publisher.post(
        "/api/v1/releases",
        {"corpus_id": corpus_id, "title": "x", "policy": {"operators": {"PERSON": "shuffle"}}},
    )
    assert bad.status_code == 422 and bad.json["error"]["code"] == "policy.unknown_operator"
    assert bad.json["error"]["message"] == "策略中有未知的脱敏方式。"
    assert bad.json["error"]["details"] == [{"field": "operators.PERSON"}]
    release_id = releases.analysed()
    sample = releases.auditor.get(f"/api/v1/releases/{release_id}/sample").json
    document_id = sample["documents"][0]["id"]
    url = f"/api/v1/releases/{release_id}/documents/{document_id}/decisions"
    for decisions, code in (
        (
            [{"start": 0, "end": 999, "entity_type": "PERSON", "decision": "add"}],
            "span.out_of_range",
        ),
        (
            [{"start": 0, "end": 2, "entity_type": "SSN", "decision": "add"}],
            "span.unknown_entity_type",
        ),
        (
            [{"start": 0, "end": 2, "entity_type": "PERSON", "decision": "reject"}],
            "span.unknown_finding",
        ),
        ([{"start": 0, "end": 2, "entity_type": "PERSON", "decision": "maybe"}], "bad_field"),
        ("all", "bad_field"),
    ):
        response = releases.auditor.post(url, {"decisions": decisions})
        assert response.status_code == 422 and response.json["error"]["code"] == code
    assert releases.publisher.post(url, {"decisions": []}).status_code == 403


def test_other_tenants_see_a_404(releases: ReleaseWorld) -> None:
    release_id = releases.analysed()
    from tests.app.releases.release_world import organization

    other = releases.world.api(
        releases.world.user("publisher", organization(releases.world, "publisher", "芜湖市档案馆"))
    )
    vendor = releases.world.vendor_api()
    for caller in (other, vendor, releases.enterprise):
        assert caller.get(f"/api/v1/releases/{release_id}").status_code == 404
        assert caller.post(f"/api/v1/releases/{release_id}/analyse").status_code == 404
    assert other.post(f"/api/v1/releases/{release_id}/withdraw").status_code == 404
    assert releases.publisher.get(f"/api/v1/releases/{2**63}").status_code == 404


def test_a_publishing_job_whose_worker_died_is_queued_again(
    releases: ReleaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import timedelta

    from app.models.base import utcnow
    from app.releases import publishing

    release_id = releases.analysed()
    releases.review_all(release_id)
    releases.auditor.post(f"/api/v1/releases/{release_id}/approve")
    monkeypatch.setattr("app.jobs.enqueue_publishing", lambda _release_id: None)
    monkeypatch.setattr("app.api.releases.enqueue_publishing", lambda _release_id: None)
    assert releases.publisher.post(f"/api/v1/releases/{release_id}/publish").status_code == 202
    assert releases.publisher.get(f"/api/v1/releases/{release_id}").json["publishing"]
    with releases.world.app.app_context():
        assert publishing.stalled_publishing() == []
        later = utcnow() + publishing.STALE_AFTER + timedelta(seconds=1)
        assert publishing.stalled_publishing(later) == [release_id]
        from app.jobs import resume_release_jobs

        monkeypatch.setattr(publishing, "utcnow", lambda: later)
        resume_release_jobs.call_local()
    assert releases.state(release_id) == "published"


def test_withdrawing_during_analysis_stops_it(
    releases: ReleaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(analysis, "BATCH", 2)
    app = releases.world.app

    def withdrawn_meanwhile(texts: Any, *args: Any, profile: str = "default", **kwargs: Any) -> Any:
        if profile == "default":  # someone withdraws while the first batch is analysed
            with app.app_context():
                db.session.execute(update(Release).values(state="withdrawn"))
                db.session.commit()
        return fake_analyze_batch(list(texts), *args, profile=profile, **kwargs)

    monkeypatch.setattr(scanning, "analyze_batch", withdrawn_meanwhile)
    release_id = releases.analysed()
    assert releases.state(release_id) == "withdrawn"
    with app.app_context():
        statuses = db.session.scalars(
            select(ReleaseDocument.status).order_by(ReleaseDocument.seq)
        ).all()
    assert statuses == ["analysed", "analysed", "pending", "pending"]
