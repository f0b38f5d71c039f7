"""Issue 11 for releases: publishing held every text's manifest entry in memory and the
catalog API listed every per-document file.  The manifest is now written streamed (the same
bytes, the same signature), the database keeps it without the texts, the manifest API
streams it from the object store, and the catalog counts the texts."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from app.extensions import db
from app.models import Release
from app.releases.manifest import (
    ManifestFile,
    Person,
    build_manifest,
    canonical_bytes,
    deid_fingerprint,
    file_entry,
    sign_bytes,
    sign_manifest,
    verify_bytes,
    verify_manifest,
    write_canonical,
)
from app.releases.policy import default_policy
from app.releases.sampling import residual_bound
from app.storage import ObjectStore, object_store
from app.storage.seaweed import find_free_base_port
from tests.app.releases.release_world import DOCUMENTS, ReleaseWorld

MOMENT = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
TOP = [file_entry("documents.jsonl", b'{"seq":1}\n'), file_entry("documents.csv", b"seq\n1\n")]
TEXTS = [file_entry(f"texts/{seq:06d}.txt", f"第{seq}号“公文”\n".encode()) for seq in range(1, 40)]


def manifest_of(files: list[ManifestFile]) -> dict[str, object]:
    return build_manifest(
        release={"id": 7, "title": "合肥市“政务”公文 \\ 2025", "publisher": "合肥市档案馆"},
        files=files,
        counts={"documents": len(TEXTS), "characters": 400, "spans_widened": 1},
        policy=default_policy(),
        findings_by_type={"PERSON": 2, "CN_PHONE": 1},
        kept_names={"王清宪": 3},
        residual=residual_bound(0, 4, len(TEXTS)),
        deid_info=deid_fingerprint(),
        builder=Person(11, "张建", "合肥市档案馆"),
        approver=Person(12, "李审", "安徽省数据资源局"),
        times={"created": MOMENT, "approved": MOMENT, "published": MOMENT, "analysed": None},
    )


def test_the_streamed_manifest_is_the_whole_manifests_bytes_and_verifies() -> None:
    whole = manifest_of([*TEXTS, *TOP])
    out = io.BytesIO()
    write_canonical(manifest_of(TOP), out, iter(TEXTS))
    assert out.getvalue() == canonical_bytes(whole)
    key = Ed25519PrivateKey.generate()
    signature = sign_bytes(out.getvalue(), key)
    assert signature == sign_manifest(whole, key)
    assert verify_manifest(json.loads(out.getvalue()), signature, key.public_key())
    assert not verify_bytes(out.getvalue().replace(b"7", b"8", 1), signature, key.public_key())


def test_texts_out_of_order_or_twice_are_refused() -> None:
    for texts in ([TEXTS[1], TEXTS[0]], [TEXTS[0], TEXTS[0]]):
        with pytest.raises(ValueError, match="out of order"):
            write_canonical(manifest_of(TOP), io.BytesIO(), iter(texts))


def published(releases: ReleaseWorld) -> int:
    release_id = releases.analysed()
    releases.review_all(release_id)
    assert releases.auditor.post(f"/api/v1/releases/{release_id}/approve").status_code == 200
    assert releases.publisher.post(f"/api/v1/releases/{release_id}/publish").status_code == 202
    assert releases.state(release_id) == "published"
    return release_id


def test_the_manifest_api_streams_the_published_manifest(
    releases: ReleaseWorld, signing_key: Ed25519PrivateKey
) -> None:
    release_id = published(releases)
    app = releases.world.app
    with app.app_context():
        raw = b"".join(object_store().iter_chunks(f"releases/{release_id}/manifest.json"))
        stored = db.session.scalar(select(Release.manifest).where(Release.id == release_id))
    response = app.test_client().get(f"/api/v1/releases/{release_id}/manifest")
    assert response.status_code == 200 and response.is_streamed
    assert response.content_type == "application/json"
    assert response.data.startswith(b'{"manifest":' + raw + b',"signature":')
    signed = response.json
    texts = [f["path"] for f in signed["manifest"]["files"] if f["path"].startswith("texts/")]
    assert texts == [f"texts/{seq:06d}.txt" for seq in range(1, len(DOCUMENTS) + 1)]
    assert canonical_bytes(signed["manifest"]) == raw
    assert verify_manifest(signed["manifest"], signed["signature"], signing_key.public_key())
    # The database keeps the manifest without the texts, and counts them.
    assert stored is not None and stored["text_files"] == len(DOCUMENTS)
    assert [f["path"] for f in stored["files"]] == ["documents.csv", "documents.jsonl"]


def test_the_manifest_api_is_a_503_while_the_object_store_is_down(
    releases: ReleaseWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    release_id = published(releases)
    app = releases.world.app
    dead = f"127.0.0.1:{find_free_base_port(start=29100, stop=29900)}"
    monkeypatch.setitem(app.extensions, "object_store", ObjectStore(dead, "x", "y", "gone"))
    client = app.test_client()
    response = client.get(f"/api/v1/releases/{release_id}/manifest")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "unavailable"
    assert "对象存储无响应" in response.json["error"]["message"]
    english = client.get(f"/api/v1/releases/{release_id}/manifest?lang=en")
    assert "object store does not answer" in english.json["error"]["message"]


def test_the_catalog_counts_the_texts_and_lists_the_other_files(releases: ReleaseWorld) -> None:
    release_id = published(releases)
    anonymous = releases.world.app.test_client()
    [entry] = anonymous.get("/api/v1/catalog").json["releases"]
    assert entry["id"] == release_id
    assert [f["path"] for f in entry["files"]] == ["documents.csv", "documents.jsonl"]
    assert entry["text_files"] == len(DOCUMENTS) and entry["file_count"] == len(DOCUMENTS) + 2
    page = anonymous.get("/releases/catalog").get_data(as_text=True)
    assert f"共 {len(DOCUMENTS) + 2} 个文件：{len(DOCUMENTS)} 个文本" in page
    english = anonymous.get("/releases/catalog?lang=en").get_data(as_text=True)
    assert f"{len(DOCUMENTS) + 2} files: {len(DOCUMENTS)} texts, one per document" in english


def test_a_text_is_still_downloadable_by_its_path(releases: ReleaseWorld) -> None:
    release_id = published(releases)
    app = releases.world.app
    answer = releases.enterprise.post(
        f"/api/v1/releases/{release_id}/downloads", {"file": "texts/000002.txt"}
    )
    assert answer.status_code == 200, answer.json
    fetched = app.test_client().get(answer.json["url"])
    with app.app_context():
        raw = b"".join(object_store().iter_chunks(f"releases/{release_id}/texts/000002.txt"))
    assert fetched.status_code == 200 and fetched.data == raw and raw
    for path in ("texts/000099.txt", "texts/2.txt", "texts/0000002.txt"):
        missing = releases.enterprise.post(
            f"/api/v1/releases/{release_id}/downloads", {"file": path}
        )
        assert missing.status_code == 404, path
