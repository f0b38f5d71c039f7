"""Audit paths (RFC 9162 §2.1.3.1, hex) of the many leaves of one statement, in one pass.

A statement of 100,000 lines needs 100,000 audit paths of about twenty hashes each, and
neighbouring lines share most of them. The paths are built level by level
(:func:`app.ledger.merkle.paths_from_siblings`) from the sibling subtrees they name
(:func:`app.ledger.merkle.path_siblings`). Those subtrees come, in order of cost, from the
vendor's own leaf hashes (read with the lines already: a run of consecutive entries hashes up
into nearly every sibling its paths need), then from the stored subtree hashes (a few in one
query, many level by level), or, when that would read more rows than the log holds, from the
whole tree rebuilt in memory.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from app.ledger import log, merkle

# Up to this many proofs, each reads its own stored subtree hashes (one query for all).
IN_MEMORY_PROOFS = 64
# More proofs read the stored hashes their paths share, level by level, unless that is more rows
# than this share of the log: then hashing the whole tree in memory is cheaper.
STORED_LEVELS_UP_TO = 1.0
CHUNK = 5000  # ids per IN list
ONE_QUERY = 64  # levels missing at most this many subtrees are read together, in one query


def subtrees_over(leaves: Mapping[int, bytes], top: int) -> list[dict[int, bytes]]:
    """The complete subtrees up to level ``top`` all of whose leaves are in ``leaves``.

    ``leaves`` maps leaf indexes to leaf hashes. Returns per level from 0 (the leaf hashes
    themselves) a mapping index -> RFC 6962 node hash: about one hash per given leaf.
    """
    sha256 = hashlib.sha256
    levels = [dict(leaves)]
    for _ in range(top):
        below, above = levels[-1], {}
        for index, left in below.items():
            if not index & 1:
                right = below.get(index + 1)
                if right is not None:
                    above[index >> 1] = sha256(b"\x01" + left + right).digest()
        if not above:
            break
        levels.append(above)
    return levels


def audit_paths(
    seqs: list[int], size: int, own_leaves: Mapping[int, bytes] | None = None
) -> list[list[str]]:
    """The audit paths (hex, nearest the leaf first) of the leaves ``seqs`` in the tree of
    ``size``, in the order of ``seqs``.

    ``own_leaves`` (leaf hashes by seq) are hashes the caller has read already: they and the
    complete subtrees over them are not read again. Raises ``ValueError`` for a seq outside the
    tree and ``log.MissingSubtrees`` when the stored tree lacks a hash.
    """
    if len(seqs) <= IN_MEMORY_PROOFS:
        return _few_paths(seqs, size)
    indexes = [seq - 1 for seq in seqs]
    levels, ragged = merkle.path_siblings(indexes, size)
    first, last = min(seqs), max(seqs)
    span = {s - 1: h for s, h in (own_leaves or {}).items() if first <= s <= last and s <= size}
    known = subtrees_over(span, len(levels) - 1) if levels else []
    missing = [wanted - level.keys() for wanted, level in zip(levels, known, strict=False)]
    missing += levels[len(known) :]
    if sum(_rows_to_read(wanted) for wanted in missing) >= size * STORED_LEVELS_UP_TO:
        rows = log.driver_rows(
            f"SELECT leaf_hash FROM ledger_entry WHERE seq <= {int(size)} ORDER BY seq", "hashes"
        )
        tree = merkle.MerkleLevels(bytes(digest) for (digest,) in rows)
        by_index = tree.inclusion_proofs_hex(indexes, size)
        return [by_index[index] for index in indexes]
    fetched = _stored(missing)
    nodes = [
        {i: (mine.get(i) or found[i]).hex() for i in wanted}
        for wanted, mine, found in zip(levels, known + [{}] * len(levels), fetched, strict=False)
    ]
    paths = merkle.paths_from_siblings(indexes, size, nodes, _ragged_hex(ragged, size))
    return [paths[index] for index in indexes]


def _stored(missing: list[set[int]]) -> list[dict[int, bytes]]:
    """The stored hashes of the subtrees ``missing[level]``, per level: levels missing few
    together in one query, each other level with a query (or a few) of its own."""
    few = [(lv, i) for lv, wanted in enumerate(missing) if len(wanted) <= ONE_QUERY for i in wanted]
    together = log.fetch_subtrees(few) if few else {}
    found: list[dict[int, bytes]] = []
    for level, wanted in enumerate(missing):
        if len(wanted) <= ONE_QUERY:
            found.append({index: together[(level, index)] for index in wanted})
        else:
            found.append(_stored_level(level, wanted))
    return found


def _dense(wanted: set[int]) -> bool:
    return max(wanted) - min(wanted) < 4 * len(wanted) + 64


def _rows_to_read(wanted: set[int]) -> int:
    if not wanted:
        return 0
    return max(wanted) - min(wanted) + 1 if _dense(wanted) else len(wanted)


def _stored_level(level: int, wanted: set[int]) -> dict[int, bytes]:
    """Stored hashes of level ``level``'s complete subtrees ``wanted``, by index (a range
    scan when they lie close together; more may come back). Level 0 is the leaf hashes."""
    # seq = index + 1 on level 0: the condition is on the key column itself, so it uses the key.
    shift, select_from, column = (
        (1, "SELECT seq - 1, leaf_hash FROM ledger_entry WHERE ", "seq")
        if level == 0
        else (
            0,
            f'SELECT "index", hash FROM ledger_tree_node WHERE level = {int(level)} AND ',
            '"index"',
        )
    )
    ordered = sorted(int(index) + shift for index in wanted)
    if _dense(wanted):
        where = [f"{column} BETWEEN {ordered[0]} AND {ordered[-1]}"]
    else:
        where = [
            f"{column} IN ({','.join(map(str, ordered[n : n + CHUNK]))})"
            for n in range(0, len(ordered), CHUNK)
        ]
    found: dict[int, bytes] = {}
    for condition in where:
        for batch in log.driver_batches(select_from + condition, "nodes"):
            found.update(batch)
    if not wanted <= found.keys():
        raise log.MissingSubtrees("the ledger's stored tree is missing subtree hashes")
    return found


def _ragged_hex(levels: set[int], size: int) -> dict[int, str]:
    """The hash (hex) of each level's last node, made of the right edge's complete subtrees."""

    def compute(sub: merkle.Subtree) -> list[bytes]:
        return [merkle.range_hash((size - 1) >> lv << lv, size, sub) for lv in sorted(levels)]

    hashes = log.fetch_subtrees(merkle.needed_subtrees(compute))
    edge = compute(lambda level, index: hashes[(level, index)])
    return {level: digest.hex() for level, digest in zip(sorted(levels), edge, strict=True)}


def _few_paths(seqs: list[int], size: int) -> list[list[str]]:
    wanted = [c for seq in seqs for c in _needed(seq, size)]
    hashes = log.fetch_subtrees(wanted)
    return [
        [h.hex() for h in merkle.inclusion_proof(seq - 1, size, lambda lv, i: hashes[(lv, i)])]
        for seq in seqs
    ]


def _needed(seq: int, size: int) -> list[tuple[int, int]]:
    return merkle.needed_subtrees(lambda sub: merkle.inclusion_proof(seq - 1, size, sub))
