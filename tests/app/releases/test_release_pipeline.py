"""A release from upload to catalog through the API: analysis, sampled review, second-person
approval, publishing with a signed manifest, logged downloads."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, ReleaseDownload
from app.releases.manifest import canonical_bytes, verify_manifest
from app.storage import object_store
from tests.app.releases.release_world import DOCUMENTS, ReleaseWorld


def stored(app: Any, key: str) -> bytes:
    with app.app_context():
        return b"".join(object_store().iter_chunks(key))


def test_a_release_goes_from_draft_to_the_catalog(
    releases: ReleaseWorld, signing_key: Ed25519PrivateKey
) -> None:
    release_id = releases.analysed()
    assert releases.state(release_id) == "in_review"
    summary = releases.review_all(release_id)
    assert summary["reviewed"] == summary["sample_size"] == len(DOCUMENTS)
    assert summary["missed"] == 0 and summary["meets_bound"]

    approved = releases.auditor.post(f"/api/v1/releases/{release_id}/approve")
    assert approved.status_code == 200, approved.json
    published = releases.publisher.post(f"/api/v1/releases/{release_id}/publish")
    assert published.status_code == 202, published.json
    assert releases.state(release_id) == "published"

    app = releases.world.app
    jsonl = stored(app, f"releases/{release_id}/documents.jsonl").decode()
    assert "13912345678" not in jsonl and "王小明" not in jsonl and "李建国" not in jsonl
    assert "<电话>" in jsonl and "<姓名-" in jsonl
    assert "合肥市政府办公厅关于印发数据开放目录的通知。" in jsonl

    signed = releases.world.app.test_client().get(f"/api/v1/releases/{release_id}/manifest").json
    manifest, signature = signed["manifest"], signed["signature"]
    assert verify_manifest(manifest, signature, signing_key.public_key())
    raw_manifest = stored(app, f"releases/{release_id}/manifest.json")
    assert raw_manifest == canonical_bytes(manifest)
    for entry in manifest["files"]:
        body = stored(app, f"releases/{release_id}/{entry['path']}")
        assert hashlib.sha256(body).hexdigest() == entry["sha256"] and len(body) == entry["size"]
    assert manifest["findings_by_type"] == {"CN_PHONE": 2, "PERSON": 2}
    assert manifest["counts"]["documents"] == len(DOCUMENTS)
    assert manifest["deid"]["models"] and manifest["approver"]["id"] != manifest["builder"]["id"]
    sig_file = json.loads(stored(app, f"releases/{release_id}/manifest.sig"))
    signing_key.public_key().verify(base64.b64decode(sig_file["signature"]), raw_manifest)


def test_catalog_is_public_and_downloads_are_for_ai_companies_and_logged(
    releases: ReleaseWorld,
) -> None:
    release_id = releases.published()
    anonymous = releases.world.app.test_client()
    listed = anonymous.get("/api/v1/catalog").json["releases"]
    assert [r["id"] for r in listed] == [release_id]
    assert listed[0]["publisher"] == "合肥市档案馆" and listed[0]["department"] == "档案局"
    assert listed[0]["city"] == "合肥" and listed[0]["documents"] == len(DOCUMENTS)

    link = releases.enterprise.post(
        f"/api/v1/releases/{release_id}/downloads", {"file": "documents.jsonl"}
    )
    assert link.status_code == 200, link.json
    assert "/api/v1/release-files/" in link.json["url"]  # this app's address, not S3's
    for caller, status in ((releases.publisher, 403), (releases.auditor, 403)):
        assert (
            caller.post(
                f"/api/v1/releases/{release_id}/downloads", {"file": "documents.jsonl"}
            ).status_code
            == status
        )
    missing = releases.enterprise.post(
        f"/api/v1/releases/{release_id}/downloads", {"file": "../corpora/1/raw/original.txt"}
    )
    assert missing.status_code == 404
    with releases.world.app.app_context():
        downloads = db.session.scalars(select(ReleaseDownload)).all()
        assert [(d.release_id, d.path) for d in downloads] == [(release_id, "documents.jsonl")]
        assert (
            db.session.scalar(
                select(AuditEvent.id).where(AuditEvent.action == "release_downloaded")
            )
            is not None
        )


def test_every_transition_is_an_audit_event(releases: ReleaseWorld) -> None:
    release_id = releases.published()
    with releases.world.app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "release", AuditEvent.object_id == release_id)
            .order_by(AuditEvent.id)
        ).all()
    assert actions == [
        "release_draft",
        "release_analysing",
        "release_in_review",
        "release_approved",
        "release_publish_requested",
        "release_published",
    ]
