"""The manifest of a published release, its canonical bytes and its Ed25519 signature.

The manifest lists every published file with its sha256 and size, the counts, the policy,
the findings by type, the names kept by the allow-list, the residual bound, the
de-identifier's source and model hashes, who built and approved the release and when.
It is signed over canonical JSON (keys sorted, no spaces, UTF-8) with Ed25519 (RFC 8032),
so anyone holding the bureau's public key can check a download offline.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import deid
from app.releases.policy import ReleasePolicy
from app.releases.sampling import ResidualBound

MANIFEST_VERSION = 1
ALGORITHM = "Ed25519"
DEID_DIR = Path(deid.__file__).resolve().parent
CHUNK = 1 << 20


@dataclass(frozen=True)
class ManifestFile:
    """One published object: its path inside the release, sha256 (hex) and size in bytes."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Person:
    """Who acted on a release, as the manifest names them."""

    id: int
    name: str
    organization: str


def file_entry(path: str, data: bytes) -> ManifestFile:
    """The manifest entry of ``data`` published at ``path``."""
    return ManifestFile(path, hashlib.sha256(data).hexdigest(), len(data))


def file_digest(path: Path) -> str:
    """sha256 (hex) of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def deid_fingerprint(deid_dir: Path = DEID_DIR) -> dict[str, Any]:
    """What identifies the de-identifier that ran: sha256 over its Python sources (path and
    bytes, in path order), sha256 of every model file ``model/*.npz`` and the version of
    presidio-analyzer underneath."""
    source = hashlib.sha256()
    for path in sorted(deid_dir.rglob("*.py")):
        source.update(path.relative_to(deid_dir).as_posix().encode() + b"\0")
        source.update(path.read_bytes() + b"\0")
    models = {p.name: file_digest(p) for p in sorted((deid_dir / "model").glob("*.npz"))}
    return {
        "source_sha256": source.hexdigest(),
        "models": models,
        "presidio_analyzer": metadata.version("presidio-analyzer"),
    }


def _utc(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("manifest times must be timezone-aware")
    return moment.isoformat()


def build_manifest(
    *,
    release: Mapping[str, Any],
    files: Iterable[ManifestFile],
    counts: Mapping[str, int],
    policy: ReleasePolicy,
    findings_by_type: Mapping[str, int],
    kept_names: Mapping[str, int],
    residual: ResidualBound,
    deid_info: Mapping[str, Any],
    builder: Person,
    approver: Person,
    times: Mapping[str, datetime | None],
) -> dict[str, Any]:
    """The manifest as plain data.  ``release`` carries id, title and the like; ``files``
    every published object; ``counts`` documents, characters …; ``times`` the moments of the
    state changes (timezone-aware).  Raises ``ValueError`` for two files at one path or a
    naive time."""
    entries = sorted(files, key=lambda f: f.path)
    if len({f.path for f in entries}) != len(entries):
        raise ValueError("two manifest files share a path")
    return {
        "manifest_version": MANIFEST_VERSION,
        "release": dict(release),
        "files": [asdict(f) for f in entries],
        "counts": dict(counts),
        "policy": policy.to_dict(),
        "findings_by_type": dict(sorted(findings_by_type.items())),
        "kept_names": dict(sorted(kept_names.items())),
        "residual": asdict(residual),
        "deid": dict(deid_info),
        "builder": asdict(builder),
        "approver": asdict(approver),
        "times": {name: _utc(moment) for name, moment in sorted(times.items())},
    }


def _canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def canonical_bytes(manifest: Mapping[str, Any]) -> bytes:
    """The bytes that are signed and published: JSON with sorted keys, no whitespace,
    UTF-8 (non-ASCII kept), no NaN or infinity.  Raises ``ValueError`` for those."""
    return _canonical(manifest)


def write_canonical(
    manifest: Mapping[str, Any], out: IO[bytes], more_files: Iterable[ManifestFile] = ()
) -> None:
    """Write to ``out`` the canonical bytes of ``manifest`` with ``more_files`` merged into
    its ``files`` by path: byte for byte ``canonical_bytes`` of the manifest that lists them
    all, without holding that list (a release of a million documents lists a million
    texts).  ``more_files`` must come sorted by path.  Raises ``ValueError`` for files out
    of order or two at one path."""
    listed = (ManifestFile(f["path"], f["sha256"], f["size"]) for f in manifest["files"])
    merged = heapq.merge(listed, more_files, key=lambda f: f.path)
    out.write(b"{")
    for index, key in enumerate(sorted(manifest)):
        out.write((b"," if index else b"") + _canonical(key) + b":")
        if key == "files":
            _write_files(merged, out)
        else:
            out.write(_canonical(manifest[key]))
    out.write(b"}")


def _write_files(files: Iterable[ManifestFile], out: IO[bytes]) -> None:
    out.write(b"[")
    last: str | None = None
    for entry in files:
        if last is not None and entry.path <= last:
            raise ValueError("manifest files out of order or sharing a path")
        out.write(b"," if last is not None else b"")
        out.write(_canonical({"path": entry.path, "sha256": entry.sha256, "size": entry.size}))
        last = entry.path
    out.write(b"]")


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short name of a public key: the first 16 hex digits of sha256 of its raw bytes."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def sign_manifest(manifest: Mapping[str, Any], private_key: Ed25519PrivateKey) -> dict[str, str]:
    """Sign ``canonical_bytes(manifest)`` with Ed25519 (RFC 8032).  Returns the signature
    document: algorithm, key id, public key and signature (both base64)."""
    return sign_bytes(canonical_bytes(manifest), private_key)


def sign_bytes(data: bytes, private_key: Ed25519PrivateKey) -> dict[str, str]:
    """The signature document (as ``sign_manifest`` makes it) of the manifest's bytes
    ``data``, as ``write_canonical`` wrote them."""
    public_key = private_key.public_key()
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {
        "algorithm": ALGORITHM,
        "key_id": key_id(public_key),
        "public_key": base64.b64encode(raw).decode(),
        "signature": base64.b64encode(private_key.sign(data)).decode(),
    }


def verify_bytes(data: bytes, signature: Mapping[str, str], public_key: Ed25519PublicKey) -> bool:
    """True when ``signature`` (as made by ``sign_manifest``) is a valid Ed25519 signature
    of ``data`` by ``public_key``; the key named inside the signature is not trusted, only
    compared."""
    if signature.get("algorithm") != ALGORITHM or signature.get("key_id") != key_id(public_key):
        return False
    try:
        public_key.verify(base64.b64decode(signature.get("signature", ""), validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_manifest(
    manifest: Mapping[str, Any], signature: Mapping[str, str], public_key: Ed25519PublicKey
) -> bool:
    """``verify_bytes`` over the canonical bytes of ``manifest``."""
    return verify_bytes(canonical_bytes(manifest), signature, public_key)


def check_files(manifest: Mapping[str, Any], digests: Sequence[ManifestFile]) -> list[str]:
    """Paths whose published bytes differ from the manifest (missing, extra, other hash or
    size); empty when the files are exactly those the manifest lists."""
    listed = {f["path"]: (f["sha256"], f["size"]) for f in manifest["files"]}
    found = {f.path: (f.sha256, f.size) for f in digests}
    return sorted(p for p in listed.keys() | found.keys() if listed.get(p) != found.get(p))
