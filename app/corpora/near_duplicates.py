"""Near-duplicate groups by MinHash over character shingles (pure: plain values in and out).

A text's shingles are its overlapping runs of ``SHINGLE`` characters (whitespace removed, so
line breaks and spacing do not hide a copy); a text shorter than that is one shingle. Each
shingle is packed into a 64-bit number (three 21-bit code points), then ``PERMUTATIONS``
multiply-shift hashes ``h_i(x) = (a_i · x + b_i) mod 2^64 >> 32`` (a universal family,
Dietzfelbinger et al. 1997) give the signature: per hash, the least value over the shingles.
Two signatures agree in a position with probability equal to the texts' Jaccard similarity
(Broder 1997).

Candidates come from locality-sensitive hashing (Leskovec, Rajaraman, Ullman, *Mining of
Massive Datasets*, ch. 3.4): the signature is cut into ``BANDS`` bands of ``ROWS`` rows; texts
sharing a whole band land in one bucket. With 20 × 6 a pair at Jaccard 0.8 becomes a candidate
with probability 0.998, one at 0.3 with 0.015. Within a bucket each text is compared with the
texts of the *other* components the bucket holds (up to ``KEEP`` texts of each of up to
``GROUPS`` components): a text unlike the bucket's first but like a later one is still
joined to it, and the work stays linear (a bucket of templated texts is one component, so
a newcomer is compared with a few of them, not all). A pair whose estimated similarity
reaches the threshold is joined, and groups are the connected components (union–find) of
two or more texts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

SHINGLE = 3
BANDS, ROWS = 20, 6
PERMUTATIONS = BANDS * ROWS
BATCH = 2000
# Per LSH bucket: texts kept of each component, and components kept.
KEEP, GROUPS = 4, 16
CHUNK = 65_536
_SEED = 20231
_rng = np.random.default_rng(_SEED)
_A = _rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)

Signature = NDArray[np.uint32]


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """The text's overlapping character runs of ``size`` (whitespace removed); a shorter
    non-empty text is its own single shingle; an empty text has none."""
    compact = "".join(text.split())
    if len(compact) <= size:
        return {compact} if compact else set()
    return {compact[i : i + size] for i in range(len(compact) - size + 1)}


def _shingle_hashes(text: str) -> NDArray[np.uint64]:
    """The distinct shingles of a text as 64-bit numbers: three code points (< 2^21 each)
    packed side by side, so equal numbers are equal shingles."""
    compact = "".join(text.split())
    points = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(points) <= SHINGLE:
        padded = np.zeros(SHINGLE, dtype=np.uint64)
        padded[: len(points)] = points
        windows = padded[None, :]
    else:
        windows = np.lib.stride_tricks.sliding_window_view(points, SHINGLE)
    packed = (windows[:, 0] << np.uint64(42)) | (windows[:, 1] << np.uint64(21)) | windows[:, 2]
    return np.unique(packed)


def _minima(hashed: list[NDArray[np.uint64]]) -> NDArray[np.uint32]:
    flat = np.concatenate(hashed)
    mixed = np.empty((len(flat), PERMUTATIONS), dtype=np.uint64)
    with np.errstate(over="ignore"):  # arithmetic modulo 2^64 is the point
        np.multiply(flat[:, None], _A[None, :], out=mixed)
        np.add(mixed, _B[None, :], out=mixed)
    np.right_shift(mixed, np.uint64(32), out=mixed)
    starts = np.cumsum([0] + [len(h) for h in hashed[:-1]])
    return np.minimum.reduceat(mixed, starts, axis=0).astype(np.uint32)


def _signature_of_long(hashes: NDArray[np.uint64]) -> NDArray[np.uint32]:
    parts = [_minima([hashes[i : i + CHUNK]]) for i in range(0, len(hashes), CHUNK)]
    signature: NDArray[np.uint32] = np.min(np.concatenate(parts), axis=0)
    return signature


def signatures(texts: Sequence[str]) -> NDArray[np.uint32]:
    """MinHash signatures, one row of ``PERMUTATIONS`` values per text. At most ``CHUNK``
    shingles are hashed at once (a 64 MB matrix), whatever the texts' lengths."""
    out = np.empty((len(texts), PERMUTATIONS), dtype=np.uint32)
    pending: list[int] = []
    hashed: list[NDArray[np.uint64]] = []
    size = 0
    for position, text in enumerate(texts):
        hashes = _shingle_hashes(text)
        if len(hashes) > CHUNK:
            out[position] = _signature_of_long(hashes)
            continue
        if size + len(hashes) > CHUNK:
            out[pending] = _minima(hashed)
            pending, hashed, size = [], [], 0
        pending.append(position)
        hashed.append(hashes)
        size += len(hashes)
    if pending:
        out[pending] = _minima(hashed)
    return out


def similarity(first: Signature, second: Signature) -> float:
    """Estimated Jaccard similarity of two texts: the share of agreeing signature values."""
    return float(np.count_nonzero(first == second)) / PERMUTATIONS


class _Components:
    """Union–find over positions, with path halving."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, node: int) -> int:
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def join(self, first: int, second: int) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


# A bucket: its only text so far, or its kept texts by component (root → positions).
Bucket = int | dict[int, list[int]]


def _by_component(components: _Components, bucket: dict[int, list[int]]) -> dict[int, list[int]]:
    """The bucket's kept texts by their component now (joins may have merged two)."""
    merged: dict[int, list[int]] = {}
    for root, members in bucket.items():
        kept = merged.setdefault(components.find(root), [])
        kept.extend(members[: KEEP - len(kept)])
    return merged


def _place(
    components: _Components,
    matrix: NDArray[np.uint32],
    bucket: Bucket,
    position: int,
    threshold: float,
) -> dict[int, list[int]]:
    """Compare the text at ``position`` with the bucket's texts of other components, join it
    to each component it is like, and keep it in the bucket; returns the bucket."""
    groups = {components.find(bucket): [bucket]} if isinstance(bucket, int) else bucket
    groups = _by_component(components, groups)
    for members in groups.values():
        if components.find(members[0]) == components.find(position):
            continue
        for member in members:
            if similarity(matrix[member], matrix[position]) >= threshold:
                components.join(member, position)
                break
    groups = _by_component(components, groups)
    root = components.find(position)
    if root in groups or len(groups) < GROUPS:
        kept = groups.setdefault(root, [])
        if len(kept) < KEEP:
            kept.append(position)
    return groups


def group_signatures(matrix: NDArray[np.uint32], threshold: float) -> list[list[int]]:
    """Groups (positions in ``matrix``, ascending; groups ordered by first position) of rows
    whose estimated similarity reaches ``threshold``, through LSH banding."""
    components = _Components(len(matrix))
    for band in range(BANDS):
        buckets: dict[bytes, Bucket] = {}
        columns = matrix[:, band * ROWS : (band + 1) * ROWS]
        for position in range(len(matrix)):
            key = columns[position].tobytes()
            bucket = buckets.setdefault(key, position)
            if bucket != position:
                buckets[key] = _place(components, matrix, bucket, position, threshold)
    members: dict[int, list[int]] = {}
    for position in range(len(matrix)):
        members.setdefault(components.find(position), []).append(position)
    return sorted((group for group in members.values() if len(group) > 1), key=lambda g: g[0])


def near_duplicate_groups(
    items: Iterable[tuple[int, str]],
    threshold: float,
    progress: Callable[[float], None] | None = None,
    total: int = 0,
) -> list[list[int]]:
    """Groups of item ids whose texts are near-duplicates (estimated Jaccard similarity of
    their character shingles ≥ ``threshold``, 0 < threshold ≤ 1). ``items``: (id, text) in
    corpus order; ``progress`` is called with the share signed so far (of ``total`` items)
    after every batch. Raises ValueError for a threshold outside (0, 1]."""
    if not 0 < threshold <= 1:
        raise ValueError("threshold must be in (0, 1]")
    ids: list[int] = []
    blocks: list[NDArray[np.uint32]] = []
    batch: list[tuple[int, str]] = []
    for entry in items:
        batch.append(entry)
        if len(batch) == BATCH:
            _sign(batch, ids, blocks, progress, total)
            batch = []
    if batch:
        _sign(batch, ids, blocks, progress, total)
    if not ids:
        return []
    groups = group_signatures(np.concatenate(blocks), threshold)
    return [[ids[position] for position in group] for group in groups]


def _sign(
    batch: list[tuple[int, str]],
    ids: list[int],
    blocks: list[NDArray[np.uint32]],
    progress: Callable[[float], None] | None,
    total: int,
) -> None:
    ids.extend(item_id for item_id, _ in batch)
    blocks.append(signatures([text for _, text in batch]))
    if progress is not None and total:
        progress(min(len(ids) / total, 1.0))
