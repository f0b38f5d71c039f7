"""Check a Wanbiao ledger statement offline: ``python verify_statement.py statement.json``.

This one file is shipped with every statement download. It needs only the Python standard
library and ``cryptography``, and it never imports the platform, so a vendor, a city or the
bureau can run it without trusting Wanbiao's servers. The platform imports its verification
half too (``app.ledger.merkle``, ``app.ledger.tree_heads``): what vendors run is what the
platform itself trusts.

What it checks, in order, stopping at the first failure:

1. the tree head's Ed25519 signature over the canonical JSON of ``tree_size``, ``root_hash``
   and ``timestamp`` (and, with ``--public-key``, that it was signed by that key);
2. for every line: its leaf (base64) is canonical JSON of one ledger entry, the entry belongs to
   the statement's vendor, the line shows the entry's own sequence number, amount, kind and
   contract date, and the RFC 6962 inclusion proof leads from the leaf to the signed root.

Exit status 0 and ``OK: …`` when all holds, 1 and ``FAILED: line N (seq S): …`` otherwise.
Hashing follows RFC 6962 §2.1 (leaf ``SHA-256(0x00 || leaf)``, node
``SHA-256(0x01 || left || right)``); proof verification follows RFC 9162 §2.1.3.2.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

HASH_SIZE = 32
# The fields a statement line repeats from its leaf; the verifier insists they agree.
LINE_FIELDS = (
    "seq",
    "type",
    "kind",
    "amount_fen",
    "contract_date",
    "refers_to",
    "counterparty_name",
    "counterparty_uscc",
)


class VerificationError(ValueError):
    """A statement, tree head or proof that does not verify; the message says why."""


def leaf_hash(leaf: bytes) -> bytes:
    """RFC 6962 §2.1 leaf hash: SHA-256(0x00 || leaf)."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 §2.1 interior node hash: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def canonical_json(obj: Any) -> bytes:
    """Wanbiao's canonical JSON: sorted keys, no spaces, UTF-8 (not ASCII-escaped)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def root_from_inclusion_proof(
    index: int, size: int, leaf_digest: bytes, proof: Sequence[bytes]
) -> bytes:
    """The root an RFC 9162 §2.1.3.2 audit path leads to from leaf ``index`` of ``size``.

    Raises ``VerificationError`` when the index is outside the tree, a hash is not 32 bytes,
    or the path is too long or too short for the tree size.
    """
    if not 0 <= index < size:
        raise VerificationError(f"leaf index {index} is outside a tree of {size}")
    if len(leaf_digest) != HASH_SIZE or any(len(p) != HASH_SIZE for p in proof):
        raise VerificationError("a hash in the proof is not 32 bytes")
    fn, sn, r = index, size - 1, leaf_digest
    for p in proof:
        if sn == 0:
            raise VerificationError("the audit path is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerificationError("the audit path is shorter than the tree is deep")
    return r


def verify_inclusion(
    index: int, size: int, leaf_digest: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """True when the audit path proves leaf ``index`` is in the tree of ``size`` with ``root``."""
    try:
        return root_from_inclusion_proof(index, size, leaf_digest, proof) == root
    except VerificationError:
        return False


def tree_head_message(tree_size: int, root_hash_hex: str, timestamp: str) -> bytes:
    """The bytes a tree head's signature covers: canonical JSON of its first three fields."""
    return canonical_json(
        {"tree_size": tree_size, "root_hash": root_hash_hex, "timestamp": timestamp}
    )


def check_tree_head(head: Mapping[str, Any], pinned_key_b64: str | None = None) -> bytes:
    """Check a signed tree head; return its root hash (32 bytes).

    ``head`` is ``{"tree_size", "root_hash" (hex), "timestamp", "signature" (base64),
    "public_key" (base64 of the raw 32-byte Ed25519 key)}``. With ``pinned_key_b64`` the head
    must carry exactly that key. Raises ``VerificationError``.
    """
    try:
        size, root_hex, stamp = head["tree_size"], head["root_hash"], head["timestamp"]
        key_raw = base64.b64decode(head["public_key"], validate=True)
        signature = base64.b64decode(head["signature"], validate=True)
        root = bytes.fromhex(root_hex)
        key = Ed25519PublicKey.from_public_bytes(key_raw)
    except (KeyError, TypeError, ValueError, binascii.Error) as error:
        raise VerificationError(f"the tree head is malformed: {error}") from error
    if type(size) is not int or size < 0 or len(root) != HASH_SIZE or not isinstance(stamp, str):
        raise VerificationError("the tree head is malformed")
    if pinned_key_b64 is not None and head["public_key"] != pinned_key_b64:
        raise VerificationError("the tree head is signed by another key than the one given")
    try:
        key.verify(signature, tree_head_message(size, root_hex, stamp))
    except InvalidSignature as error:
        raise VerificationError("the tree head's signature does not verify") from error
    return root


def check_line(line: Mapping[str, Any], vendor_id: object, size: int, root: bytes) -> None:
    """Check one statement line against its leaf and the signed root; raise on a mismatch."""
    try:
        leaf = base64.b64decode(line["leaf"], validate=True)
        entry = json.loads(leaf.decode())
        proof = [bytes.fromhex(h) for h in line["audit_path"]]
        index = line["leaf_index"]
    except (KeyError, TypeError, ValueError, binascii.Error) as error:
        raise VerificationError(f"the line is malformed: {error}") from error
    if not isinstance(entry, dict) or canonical_json(entry) != leaf:
        raise VerificationError("the leaf is not canonical JSON of an entry")
    if entry.get("vendor_id") != vendor_id:
        raise VerificationError("the entry belongs to another vendor")
    for field in LINE_FIELDS:
        if line.get(field) != entry.get(field):
            raise VerificationError(
                f"{field} {line.get(field)!r} in the line differs from "
                f"{entry.get(field)!r} in the signed entry"
            )
    if type(index) is not int or type(entry.get("seq")) is not int or index != entry["seq"] - 1:
        raise VerificationError("the leaf index does not match the sequence number")
    if not verify_inclusion(index, size, leaf_hash(leaf), proof, root):
        raise VerificationError("the inclusion proof does not lead to the signed root")


def verify_statement(statement: Mapping[str, Any], pinned_key_b64: str | None = None) -> str:
    """Check a whole statement; return the ``OK: …`` report or raise ``VerificationError``.

    The error message names the first failing line (1-based) and its sequence number.
    """
    head = statement.get("tree_head")
    if not isinstance(head, Mapping):
        raise VerificationError("the statement has no tree head")
    root = check_tree_head(head, pinned_key_b64)
    vendor = statement.get("vendor")
    lines = statement.get("lines")
    if not isinstance(vendor, Mapping) or not isinstance(lines, list):
        raise VerificationError("the statement has no vendor or no lines")
    for number, line in enumerate(lines, start=1):
        try:
            if not isinstance(line, Mapping):
                raise VerificationError("the line is not an object")
            check_line(line, vendor.get("id"), head["tree_size"], root)
        except VerificationError as error:
            seq = line.get("seq") if isinstance(line, Mapping) else None
            raise VerificationError(f"line {number} (seq {seq}): {error}") from error
    check_volume(lines, statement.get("subsidy"))
    return (
        f"OK: {len(lines)} lines of {vendor.get('name', vendor.get('id'))} are in the signed "
        f"tree of {head['tree_size']} entries (root {head['root_hash']}, "
        f"{head['timestamp']}, key {head['public_key']})"
    )


def check_volume(lines: list[Any], summary: object) -> None:
    """The stated volume must be the sum of the lines marked counted (when a volume is stated)."""
    if not isinstance(summary, Mapping) or "volume_fen" not in summary:
        return
    counted = sum(line.get("amount_fen") or 0 for line in lines if line.get("counted") is True)
    if counted != summary["volume_fen"]:
        raise VerificationError(
            f"the stated volume {summary['volume_fen']} fen is not the sum of the counted "
            f"lines, {counted} fen"
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: read the statement file, print OK or the first failure."""
    parser = argparse.ArgumentParser(description="Verify a Wanbiao ledger statement offline.")
    parser.add_argument("statement", help="the statement JSON file")
    parser.add_argument("--public-key", help="base64 Ed25519 key the bureau published")
    args = parser.parse_args(argv)
    try:
        with open(args.statement, encoding="utf-8") as handle:
            statement = json.load(handle)
        report = verify_statement(statement, args.public_key)
    except (OSError, ValueError) as error:
        print(f"FAILED: {error}")
        return 1
    print(report)
    if args.public_key is None:
        print("Note: the signing key was not pinned; compare it with the key the bureau publishes.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
