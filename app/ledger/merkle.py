"""The ledger's Merkle tree: RFC 6962 hashing, RFC 9162 §2.1 proofs. Pure: bytes in, bytes out.

Leaves are hashed ``SHA-256(0x00 || leaf)`` and nodes ``SHA-256(0x01 || left || right)``; the
tree head of n leaves is the Merkle Tree Hash MTH(D[n]), split at the largest power of two
smaller than n (RFC 6962 §2.1). Proof *generation* never needs the whole tree: it asks a
``Subtree`` callable for the hash of complete subtrees only, so the platform can keep those
(level, index) hashes in the database and a proof at a million entries costs a few dozen
look-ups. ``needed_subtrees`` lists those look-ups first, so they can be fetched in one query.
``MerkleLevels`` is the compact in-memory tree (one ``bytearray`` per level) used to verify the
whole log. Verification of inclusion proofs lives in ``verify_statement`` (shipped to vendors)
and is re-exported here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import AnyStr, TypeVar

from app.ledger.verify_statement import (
    HASH_SIZE,
    VerificationError,
    leaf_hash,
    node_hash,
    root_from_inclusion_proof,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MerkleLevels",
    "Subtree",
    "VerificationError",
    "consistency_proof",
    "extend_frontier",
    "frontier_needed",
    "inclusion_proof",
    "leaf_hash",
    "needed_subtrees",
    "node_hash",
    "path_siblings",
    "paths_from_siblings",
    "range_hash",
    "root_from_inclusion_proof",
    "tree_hash",
    "verify_consistency",
    "verify_inclusion",
]

T = TypeVar("T")

# MTH({}) = SHA-256() (RFC 6962 §2.1): the root of the empty tree.
EMPTY_ROOT = hashlib.sha256(b"").digest()

# subtree(level, index) -> hash of the complete subtree over leaves
# [index * 2**level, (index + 1) * 2**level); level 0 is the leaf hash itself.
Subtree = Callable[[int, int], bytes]


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2), RFC 6962 §2.1's k."""
    return 1 << ((n - 1).bit_length() - 1)


def range_hash(start: int, end: int, subtree: Subtree) -> bytes:
    """MTH(D[start:end]) built from complete subtrees (RFC 6962 §2.1).

    ``start`` must be a multiple of the largest power of two <= ``end - start``, which holds
    for every subtree that RFC 6962's recursion visits. Raises ``ValueError`` otherwise.
    """
    n = end - start
    if n <= 0:
        raise ValueError(f"empty or reversed range [{start}, {end})")
    if n & (n - 1) == 0:
        if start % n:
            raise ValueError(f"subtree [{start}, {end}) is not aligned")
        level = n.bit_length() - 1
        return subtree(level, start >> level)
    k = split_point(n)
    return node_hash(range_hash(start, start + k, subtree), range_hash(start + k, end, subtree))


def tree_hash(size: int, subtree: Subtree) -> bytes:
    """The root MTH(D[size]) of the first ``size`` leaves; the empty tree hashes to EMPTY_ROOT."""
    if size < 0:
        raise ValueError("a tree size is never negative")
    return EMPTY_ROOT if size == 0 else range_hash(0, size, subtree)


def inclusion_proof(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """The audit path PATH(index, D[size]) of RFC 9162 §2.1.3.1, nearest the leaf first.

    Raises ``ValueError`` when ``index`` is not a leaf of a tree of ``size``.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:
        mid = start + split_point(end - start)
        if index < mid:
            path.append(range_hash(mid, end, subtree))
            end = mid
        else:
            path.append(range_hash(start, mid, subtree))
            start = mid
    path.reverse()
    return path


def consistency_proof(old_size: int, new_size: int, subtree: Subtree) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1 (SUBPROOF with b = true).

    Empty when ``old_size`` is 0 or equal to ``new_size``. Raises ``ValueError`` when
    ``old_size`` is negative or larger than ``new_size``.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size}")
    if old_size in (0, new_size):
        return []
    proof: list[bytes] = []
    start, end, m, whole = 0, new_size, old_size, True
    while end - start != m:
        k = split_point(end - start)
        if m <= k:
            proof.append(range_hash(start + k, end, subtree))
            end = start + k
        else:
            proof.append(range_hash(start, start + k, subtree))
            start, m, whole = start + k, m - k, False
    if not whole:
        proof.append(range_hash(start, end, subtree))
    proof.reverse()
    return proof


def frontier_needed(size: int, count: int) -> list[tuple[int, int]]:
    """The right-edge subtrees of a tree of ``size`` leaves that appending ``count`` leaves
    closes into bigger ones: (level, index) for each set bit ``level`` of ``size`` whose parent
    the new leaves complete. Appending one leaf needs one per trailing 1 bit of ``size``."""
    return [
        (level, (size >> level) - 1)
        for level in range(size.bit_length())
        if (size >> level) & 1 and (size + count) >> (level + 1) > size >> (level + 1)
    ]


def extend_frontier(
    size: int, frontier: dict[int, bytes], leaf_hashes: Iterable[bytes]
) -> list[tuple[int, int, bytes]]:
    """Append leaf hashes to a tree of ``size`` leaves; return the subtrees they complete.

    ``frontier`` maps a level to the hash of the tree's right-edge complete subtree at that
    level (at least those ``frontier_needed`` names) and is updated in place. The result lists
    each newly complete subtree above the leaves as (level, index, hash), in order of creation.
    """
    closed: list[tuple[int, int, bytes]] = []
    for digest in leaf_hashes:
        index, level, current = size, 0, digest
        while index & 1:
            current = node_hash(frontier.pop(level), current)
            level, index = level + 1, index >> 1
            closed.append((level, index, current))
        frontier[level] = current
        size += 1
    return closed


def needed_subtrees(compute: Callable[[Subtree], object]) -> list[tuple[int, int]]:
    """The (level, index) subtree hashes ``compute`` asks for, in the order it asks.

    Runs ``compute`` once against placeholder hashes, so a caller can fetch every hash a proof
    needs in one database query, then run the proof again against the fetched values.
    """
    asked: list[tuple[int, int]] = []

    def record(level: int, index: int) -> bytes:
        asked.append((level, index))
        return bytes(HASH_SIZE)

    compute(record)
    return asked


def path_siblings(indexes: Iterable[int], size: int) -> tuple[list[set[int]], set[int]]:
    """What the audit paths of leaves ``indexes`` in a tree of ``size`` read, level by level.

    Returns, per level from the leaves up, the indexes of the complete subtrees they need, and
    the set of levels whose last (possibly ragged) node they need: that node is the hash of
    leaves ``[(size - 1) >> level << level, size)``. Raises ``ValueError`` for an index outside.
    """
    current = set(indexes)
    if current and not (0 <= min(current) and max(current) < size):
        raise ValueError(f"a leaf index is outside a tree of {size}")
    levels: list[set[int]] = []
    ragged: set[int] = set()
    last = size - 1
    while last:  # the nodes on the paths at this level, then their parents
        if last & 1 and last - 1 in current:
            ragged.add(len(levels))
        levels.append({node ^ 1 for node in current if node ^ 1 < last})
        current, last = {node >> 1 for node in current}, last >> 1
    return levels, ragged


def paths_from_siblings(
    indexes: Iterable[int],
    size: int,
    nodes: Sequence[Mapping[int, T]],
    ragged: Mapping[int, T],
) -> dict[int, list[T]]:
    """Audit paths (RFC 9162 §2.1.3.1, nearest the leaf first) read from what
    :func:`path_siblings` named: ``nodes[level][index]`` and ``ragged[level]``.

    Leaves under one node share the path above it, so each node's path upwards is built once,
    from the root down, and a leaf's path is its sibling and its parent's path: about two list
    copies per leaf, not one Python step per leaf and level.
    """
    below: list[tuple[list[int], int]] = []
    current, last = sorted(set(indexes)), size - 1
    while last:
        below.append((current, last))
        current = sorted({node >> 1 for node in current})
        last >>= 1
    upwards: dict[int, list[T]] = {node: [] for node in current}
    for level in range(len(below) - 1, -1, -1):
        here, last = below[level]
        row, step = nodes[level], dict[int, list[T]]()
        for node in here:
            sibling, rest = node ^ 1, upwards[node >> 1]
            if sibling < last:
                step[node] = [row[sibling], *rest]
            elif sibling == last:
                step[node] = [ragged[level], *rest]
            else:
                step[node] = rest
        upwards = step
    # Each leaf's list is its own (a node with no sibling has its parent's, shared with none).
    return {index: upwards[index] for index in indexes}


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """True when ``proof`` shows the tree ``new_root`` extends ``old_root`` (RFC 9162 §2.1.4.2)."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof or any(len(c) != HASH_SIZE for c in proof):
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    roots = _roots_from_consistency_path(old_size, new_size, path)
    return roots == (old_root, new_root)


def _roots_from_consistency_path(
    old_size: int, new_size: int, path: list[bytes]
) -> tuple[bytes, bytes] | None:
    """Steps 3-7 of RFC 9162 §2.1.4.2: the two roots a path leads to, or None if malformed."""
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return (fr, sr) if sn == 0 else None


class MerkleLevels:
    """A whole tree in memory: level L is one ``bytearray`` of 32-byte complete-subtree hashes.

    Level 0 holds the leaf hashes; level L+1 pairs level L, dropping an odd last node (it is
    not a complete subtree). About 64 bytes per leaf in all; a million leaves take a few
    seconds to build with hashlib.
    """

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        """Build the levels above ``leaf_hashes`` (each 32 bytes, in leaf order)."""
        self.levels: list[bytearray] = [bytearray(b"".join(leaf_hashes))]
        if len(self.levels[0]) % HASH_SIZE:
            raise ValueError("leaf hashes must be 32 bytes each")
        self._build_from(0)

    @classmethod
    def from_concatenated(cls, leaf_hashes: bytearray) -> MerkleLevels:
        """The tree over leaf hashes given as one buffer of 32-byte hashes (kept, not copied)."""
        tree = cls()
        tree.levels[0] = leaf_hashes
        if len(leaf_hashes) % HASH_SIZE:
            raise ValueError("leaf hashes must be 32 bytes each")
        tree._build_from(0)
        return tree

    @classmethod
    def from_leaves(cls, leaves: Iterable[bytes]) -> MerkleLevels:
        """The tree over raw leaf bytes (hashed with RFC 6962's 0x00 prefix)."""
        return cls(leaf_hash(leaf) for leaf in leaves)

    @property
    def size(self) -> int:
        """The number of leaves."""
        return len(self.levels[0]) // HASH_SIZE

    def subtree(self, level: int, index: int) -> bytes:
        """The hash of complete subtree ``index`` at ``level``; ``IndexError`` when absent."""
        offset = index * HASH_SIZE
        row = self.levels[level] if 0 <= level < len(self.levels) else bytearray()
        if index < 0 or offset + HASH_SIZE > len(row):
            raise IndexError(f"no complete subtree ({level}, {index})")
        return bytes(row[offset : offset + HASH_SIZE])

    def root(self, size: int | None = None) -> bytes:
        """MTH of the first ``size`` leaves (all of them by default)."""
        return tree_hash(self.size if size is None else size, self.subtree)

    def inclusion_proofs(self, indexes: Iterable[int], size: int) -> dict[int, list[bytes]]:
        """Audit paths (RFC 9162 §2.1.3.1) of many leaves of the tree of ``size``, fast.

        Walks up from each leaf: a sibling left of the level's last node is a complete subtree
        read from ``levels``; the sibling that *is* the level's last node may be ragged and is
        computed once per level for all leaves; a node with no sibling moves up unchanged.
        Gives exactly ``inclusion_proof``'s paths. Raises ``ValueError`` for an index outside.
        """
        frozen = [bytes(row) for row in self.levels]  # slices of bytes are bytes: one copy
        return self._paths(indexes, size, frozen, lambda digest: digest)

    def inclusion_proofs_hex(self, indexes: Iterable[int], size: int) -> dict[int, list[str]]:
        """``inclusion_proofs`` with every hash as lowercase hex, sliced from hex levels.

        For statements of 100,000 lines: no per-hash conversion to hex.
        """
        frozen = [row.hex() for row in self.levels]
        return self._paths(indexes, size, frozen, bytes.hex)

    def _paths(
        self,
        indexes: Iterable[int],
        size: int,
        frozen: list[AnyStr],
        encode: Callable[[bytes], AnyStr],
    ) -> dict[int, list[AnyStr]]:
        if not 0 < size <= self.size:
            raise ValueError(f"no tree of size {size} here")
        width = len(frozen[0]) // self.size if self.size else HASH_SIZE
        fringe: dict[int, AnyStr] = {}
        proofs: dict[int, list[AnyStr]] = {}
        for index in indexes:
            if not 0 <= index < size:
                raise ValueError(f"leaf index {index} is outside a tree of {size}")
            path, node, last, level = [], index, size - 1, 0
            while last:
                sibling = node ^ 1
                if sibling < last:
                    path.append(frozen[level][sibling * width : (sibling + 1) * width])
                elif sibling == last:
                    if level not in fringe:
                        fringe[level] = encode(range_hash(sibling << level, size, self.subtree))
                    path.append(fringe[level])
                node, last, level = node >> 1, last >> 1, level + 1
            proofs[index] = path
        return proofs

    def append(self, leaf_digest: bytes) -> None:
        """Add one leaf hash and the complete subtrees it closes (amortised O(1) hashes)."""
        if len(leaf_digest) != HASH_SIZE:
            raise ValueError("a leaf hash is 32 bytes")
        self.levels[0] += leaf_digest
        index, level = self.size - 1, 0
        while index & 1:
            row = self.levels[level]
            parent = node_hash(bytes(row[-2 * HASH_SIZE : -HASH_SIZE]), bytes(row[-HASH_SIZE:]))
            level, index = level + 1, index >> 1
            if level == len(self.levels):
                self.levels.append(bytearray())
            self.levels[level] += parent

    def _build_from(self, level: int) -> None:
        """Fill every level above ``level`` by pairing its nodes."""
        row = self.levels[level]
        while len(row) >= 2 * HASH_SIZE:
            view, sha = memoryview(row), hashlib.sha256
            parent = bytearray()
            for offset in range(0, len(row) - HASH_SIZE, 2 * HASH_SIZE):
                parent += sha(b"\x01" + view[offset : offset + 2 * HASH_SIZE]).digest()
            self.levels.append(parent)
            row = parent
