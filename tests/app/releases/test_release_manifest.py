"""Release manifests: contents, canonical bytes, Ed25519 signatures and tampering."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.releases.manifest import (
    DEID_DIR,
    ManifestFile,
    Person,
    build_manifest,
    canonical_bytes,
    check_files,
    deid_fingerprint,
    file_entry,
    sign_manifest,
    verify_bytes,
    verify_manifest,
)
from app.releases.policy import default_policy
from app.releases.sampling import residual_bound

FILES = {
    "documents.jsonl": b'{"id":1,"text":"<\xe5\xa7\x93\xe5\x90\x8d>"}\n',
    "documents.csv": b"id,text\n1,x\n",
    "texts/000001.txt": "公文正文".encode(),
}
BUILT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def manifest() -> dict[str, object]:
    return build_manifest(
        release={"id": 3, "title": "合肥市政府公文 2025", "publisher": "合肥市档案馆"},
        files=[file_entry(path, data) for path, data in FILES.items()],
        counts={"documents": 1, "characters": 4},
        policy=default_policy(),
        findings_by_type={"PERSON": 2, "CN_PHONE": 1},
        kept_names={"王清宪": 3},
        residual=residual_bound(0, 1, 1),
        deid_info=deid_fingerprint(),
        builder=Person(11, "张建", "合肥市档案馆"),
        approver=Person(12, "李审", "安徽省数据资源局"),
        times={
            "created": BUILT,
            "approved": BUILT + timedelta(hours=2),
            "published": BUILT.astimezone(timezone(timedelta(hours=8))) + timedelta(hours=3),
        },
    )


def test_manifest_lists_every_file_with_its_hash_and_size() -> None:
    data = manifest()
    assert [f["path"] for f in data["files"]] == sorted(FILES)
    for entry in data["files"]:
        body = FILES[entry["path"]]
        assert entry == {
            "path": entry["path"],
            "sha256": hashlib.sha256(body).hexdigest(),
            "size": len(body),
        }
    assert data["policy"]["operators"]["PERSON"] == "pseudonym"
    assert data["kept_names"] == {"王清宪": 3}
    assert data["builder"]["id"] == 11 and data["approver"]["id"] == 12
    assert data["times"]["published"] == "2026-12-01T19:00:00+08:00"
    assert data["residual"]["per_1000"] == 0


def test_deid_fingerprint_hashes_the_shipped_models() -> None:
    info = deid_fingerprint()
    models = sorted(p.name for p in (DEID_DIR / "model").glob("*.npz"))
    assert sorted(info["models"]) == models and models
    path = DEID_DIR / "model" / models[0]
    assert info["models"][models[0]] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(info["source_sha256"]) == 64 and info["presidio_analyzer"]


def test_canonical_bytes_are_sorted_compact_utf8() -> None:
    data = manifest()
    raw = canonical_bytes(data)
    assert (
        raw == json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    )
    assert "合肥市档案馆".encode() in raw and b": " not in raw
    assert canonical_bytes(json.loads(raw)) == raw
    with pytest.raises(ValueError):
        canonical_bytes({"bound": float("nan")})


def test_signed_manifest_verifies_and_a_tampered_one_does_not() -> None:
    key = Ed25519PrivateKey.generate()
    data = manifest()
    signature = sign_manifest(data, key)
    assert signature["algorithm"] == "Ed25519"
    assert verify_manifest(data, signature, key.public_key())
    assert verify_bytes(canonical_bytes(data), signature, key.public_key())

    tampered = copy.deepcopy(data)
    tampered["files"][0]["sha256"] = "0" * 64
    assert not verify_manifest(tampered, signature, key.public_key())
    tampered = copy.deepcopy(data)
    tampered["kept_names"]["王小明"] = 1
    assert not verify_manifest(tampered, signature, key.public_key())
    assert not verify_bytes(canonical_bytes(data) + b" ", signature, key.public_key())


def test_a_signature_by_another_key_or_a_mangled_one_fails() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    data = manifest()
    forged = sign_manifest(data, other)
    assert not verify_manifest(data, forged, key.public_key())
    # naming the trusted key does not help a signature made by another
    assert not verify_manifest(
        data, {**forged, "key_id": sign_manifest(data, key)["key_id"]}, key.public_key()
    )
    good = sign_manifest(data, key)
    for broken in (
        {**good, "signature": "not base64!"},
        {**good, "algorithm": "RSA"},
        {k: v for k, v in good.items() if k != "signature"},
    ):
        assert not verify_manifest(data, broken, key.public_key())


def test_check_files_names_what_differs_from_the_manifest() -> None:
    data = manifest()
    published = [file_entry(path, body) for path, body in FILES.items()]
    assert check_files(data, published) == []
    changed = [
        *published[:2],
        file_entry("texts/000001.txt", b"raw text"),
        ManifestFile("extra.txt", "0" * 64, 1),
    ]
    assert check_files(data, changed) == ["extra.txt", "texts/000001.txt"]
    assert check_files(data, published[:1]) == sorted(set(FILES) - {published[0].path})


def test_manifest_refuses_naive_times_and_duplicate_paths() -> None:
    base = dict(
        release={},
        counts={},
        policy=default_policy(),
        findings_by_type={},
        kept_names={},
        residual=residual_bound(0, 1, 1),
        deid_info={},
        builder=Person(1, "a", "o"),
        approver=Person(2, "b", "o"),
    )
    with pytest.raises(ValueError):
        build_manifest(files=[], times={"created": datetime(2026, 1, 1)}, **base)
    entry = file_entry("a.txt", b"x")
    with pytest.raises(ValueError):
        build_manifest(files=[entry, entry], times={}, **base)
