"""Signed tree heads: ``{"tree_size", "root_hash", "timestamp", "signature", "public_key"}``.

The shape is fixed by issue 12 and read by other tools: ``root_hash`` is hex, ``signature`` and
``public_key`` (the raw 32-byte Ed25519 key, RFC 8032) are base64, and the signature covers the
canonical JSON of ``tree_size``, ``root_hash`` and ``timestamp``. The timestamp is UTC in
ISO 8601 with seconds and a ``Z`` (``2026-12-03T07:14:40Z``). Pure: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from app.ledger.verify_statement import VerificationError, check_tree_head, tree_head_message

__all__ = [
    "VerificationError",
    "format_timestamp",
    "public_key_base64",
    "sign_tree_head",
    "verify_tree_head",
]


def format_timestamp(moment: datetime) -> str:
    """``moment`` (timezone-aware) as a tree-head timestamp: UTC, seconds, ``Z``."""
    if moment.tzinfo is None:
        raise ValueError("a tree head's time must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def public_key_base64(key: Ed25519PublicKey) -> str:
    """The raw 32-byte Ed25519 public key, base64 (RFC 4648 §4, padded)."""
    return base64.b64encode(key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def sign_tree_head(
    key: Ed25519PrivateKey, tree_size: int, root_hash: bytes, moment: datetime
) -> dict[str, Any]:
    """Sign the head of a tree of ``tree_size`` leaves with root ``root_hash`` at ``moment``.

    Returns the five-field tree head dict. Ed25519 (RFC 8032) over the canonical JSON of
    ``{"tree_size", "root_hash", "timestamp"}``.
    """
    if tree_size < 0 or len(root_hash) != 32:
        raise ValueError("a tree head needs a size >= 0 and a 32-byte root")
    timestamp = format_timestamp(moment)
    signature = key.sign(tree_head_message(tree_size, root_hash.hex(), timestamp))
    return {
        "tree_size": tree_size,
        "root_hash": root_hash.hex(),
        "timestamp": timestamp,
        "signature": base64.b64encode(signature).decode(),
        "public_key": public_key_base64(key.public_key()),
    }


def verify_tree_head(head: Mapping[str, Any], key: Ed25519PublicKey | None = None) -> bytes:
    """Check ``head``'s signature, by ``key`` when given; return its 32-byte root hash.

    Raises ``VerificationError`` when the head is malformed, signed by another key, or the
    signature does not verify.
    """
    pinned = public_key_base64(key) if key is not None else None
    return check_tree_head(head, pinned)
