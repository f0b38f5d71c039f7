"""RFC 6962 hashing and RFC 9162 proofs against the published reference vectors.

The vectors are those of Google's Certificate Transparency code, as kept in
github.com/transparency-dev/merkle (``proof/verify_test.go`` and ``rfc6962/rfc6962_test.go``,
Apache-2.0): eight leaves, the root of every prefix, and known inclusion and consistency proofs.
Their inclusion-vector leaf numbers are 1-based there and 0-based here.
"""

from __future__ import annotations

import hashlib

import pytest

from app.ledger import merkle

# fmt: off
LEAVES = [
    b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
# ROOTS[n - 1] is MTH of the first n leaves.
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, audit path)
INCLUSION = [
    (0, 1, []),
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
# (old size, new size, consistency proof)
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]
# fmt: on
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def root(size: int) -> bytes:
    return bytes.fromhex(ROOTS[size - 1])


def reference_mth(leaves: list[bytes]) -> bytes:
    """MTH written straight from RFC 6962 §2.1's recursive definition."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_mth(leaves[:k]) + reference_mth(leaves[k:])).digest()


def test_hashes_match_rfc6962_reference_values() -> None:
    assert merkle.EMPTY_ROOT.hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert merkle.leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    assert merkle.leaf_hash(b"L123456").hex() == (
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert merkle.node_hash(b"N123", b"N456").hex() == (
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_of_every_prefix_match_the_vectors(size: int) -> None:
    tree = merkle.MerkleLevels.from_leaves(LEAVES)
    assert tree.root(size) == root(size)
    assert merkle.MerkleLevels.from_leaves(LEAVES[:size]).root() == root(size)


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_match_the_vectors(index: int, size: int, path: list[str]) -> None:
    tree = merkle.MerkleLevels.from_leaves(LEAVES)
    assert [h.hex() for h in merkle.inclusion_proof(index, size, tree.subtree)] == path
    leaf = merkle.leaf_hash(LEAVES[index])
    assert merkle.verify_inclusion(index, size, leaf, [bytes.fromhex(h) for h in path], root(size))


@pytest.mark.parametrize(("old", "new", "proof"), CONSISTENCY)
def test_consistency_proofs_match_the_vectors(old: int, new: int, proof: list[str]) -> None:
    tree = merkle.MerkleLevels.from_leaves(LEAVES)
    assert [h.hex() for h in merkle.consistency_proof(old, new, tree.subtree)] == proof
    hashes = [bytes.fromhex(h) for h in proof]
    assert merkle.verify_consistency(old, new, root(old), root(new), hashes)


def corrupted_inclusions(index: int, size: int, path: list[bytes], top: bytes, leaf: bytes):
    """The wrong-input probes of transparency-dev/merkle's verify_test.go."""
    yield index - 1, size, leaf, path, top
    yield index + 1, size, leaf, path, top
    yield index ^ 2, size, leaf, path, top
    yield index, size * 2, leaf, path, top
    yield index, size // 2, leaf, path, top
    yield index, size, b"WrongLeaf", path, top
    yield index, size, leaf, path, merkle.EMPTY_ROOT
    yield index, size, leaf, path, SOME_HASH
    yield index, size, leaf, [*path, b""], top
    yield index, size, leaf, [*path, top], top
    yield index, size, leaf, [b"", *path], top
    yield index, size, leaf, [top, *path], top
    for i in range(len(path)):
        flipped = list(path)
        flipped[i] = bytes([path[i][0] ^ 8]) + path[i][1:]
        yield index, size, leaf, flipped, top
    if path:
        yield index, size, leaf, path[:-1], top
    if len(path) > 1:
        yield index, size, leaf, [path[0], SOME_HASH, *path[1:]], top


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_corrupted_inclusion_proofs_fail(index: int, size: int, path: list[str]) -> None:
    hashes = [bytes.fromhex(h) for h in path]
    leaf = merkle.leaf_hash(LEAVES[index])
    for probe in corrupted_inclusions(index, size, hashes, root(size), leaf):
        assert not merkle.verify_inclusion(*probe), probe


def corrupted_consistencies(old: int, new: int, first: bytes, second: bytes, proof: list[bytes]):
    """The wrong-input probes of transparency-dev/merkle's verify_test.go."""
    yield old - 1, new, first, second, proof
    yield old + 1, new, first, second, proof
    yield old ^ 2, new, first, second, proof
    yield old, new * 2, first, second, proof
    yield old, new // 2, first, second, proof
    yield old, new, b"WrongRoot", second, proof
    yield old, new, first, b"WrongRoot", proof
    yield old, new, second, first, proof
    yield old, new, first, second, []
    for extra in (b"", first, second):
        yield old, new, first, second, [*proof, extra]
    for extra in (b"", first, second, proof[0]):
        yield old, new, first, second, [extra, *proof]
    yield old, new, first, second, proof[:-1]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([proof[i][0] ^ 16]) + proof[i][1:]
        yield old, new, first, second, flipped


@pytest.mark.parametrize(("old", "new", "proof"), [c for c in CONSISTENCY if c[2]])
def test_corrupted_consistency_proofs_fail(old: int, new: int, proof: list[str]) -> None:
    hashes = [bytes.fromhex(h) for h in proof]
    for probe in corrupted_consistencies(old, new, root(old), root(new), hashes):
        assert not merkle.verify_consistency(*probe), probe


@pytest.mark.parametrize(
    ("old", "new", "first", "second", "proof", "valid"),
    [
        (0, 0, b"r1", b"r1", [], True),
        (0, 0, b"r1", b"r2", [], False),
        (0, 1, b"r1", b"r2", [], True),
        (1, 1, b"r2", b"r2", [], True),
        (1, 1, b"r1", b"r2", [], False),
        (1, 0, b"r1", b"r2", [], False),
        (2, 1, b"r1", b"r2", [], False),
        (1, 2, b"r1", b"r2", [], False),
        (0, 1, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [merkle.EMPTY_ROOT], False),
        (1, 1, merkle.EMPTY_ROOT, merkle.EMPTY_ROOT, [merkle.EMPTY_ROOT], False),
    ],
)
def test_trivial_consistency_cases(old, new, first, second, proof, valid) -> None:
    assert merkle.verify_consistency(old, new, first, second, proof) is valid


def test_every_proof_of_a_ragged_tree_verifies_and_agrees_with_the_rfc_recursion() -> None:
    leaves = [f"entry {i}".encode() for i in range(70)]
    tree = merkle.MerkleLevels.from_leaves(leaves)
    for size in range(1, 71):
        top = reference_mth(leaves[:size])
        assert tree.root(size) == top
        for index in range(size):
            path = merkle.inclusion_proof(index, size, tree.subtree)
            assert merkle.verify_inclusion(index, size, merkle.leaf_hash(leaves[index]), path, top)
        for old in range(1, size + 1):
            proof = merkle.consistency_proof(old, size, tree.subtree)
            assert merkle.verify_consistency(old, size, tree.root(old), top, proof)
            assert not merkle.verify_consistency(old, size, SOME_HASH, top, proof) or old == size


def test_bulk_inclusion_proofs_equal_the_rfc_paths() -> None:
    tree = merkle.MerkleLevels.from_leaves([bytes([i]) for i in range(70)])
    for size in range(1, 71):
        fast = tree.inclusion_proofs(range(size), size)
        assert all(fast[i] == merkle.inclusion_proof(i, size, tree.subtree) for i in range(size))
        hexed = tree.inclusion_proofs_hex(range(size), size)
        assert all(hexed[i] == [h.hex() for h in fast[i]] for i in range(size))
    with pytest.raises(ValueError):
        tree.inclusion_proofs([5], 5)


def test_appending_one_leaf_at_a_time_builds_the_same_tree() -> None:
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(37)]
    grown = merkle.MerkleLevels()
    for leaf in leaves:
        grown.append(leaf)
    assert grown.levels == merkle.MerkleLevels(leaves).levels
    assert grown.root() == reference_mth([bytes([i]) for i in range(37)])


def test_needed_subtrees_lists_what_a_proof_reads() -> None:
    tree = merkle.MerkleLevels.from_leaves(LEAVES[:7])
    asked = merkle.needed_subtrees(lambda sub: merkle.inclusion_proof(1, 7, sub))
    assert sorted(asked) == [(0, 0), (0, 6), (1, 1), (1, 2)]
    fetched = {coordinates: tree.subtree(*coordinates) for coordinates in asked}
    path = merkle.inclusion_proof(1, 7, lambda level, index: fetched[(level, index)])
    assert merkle.verify_inclusion(1, 7, merkle.leaf_hash(LEAVES[1]), path, root(7))


def test_out_of_range_requests_are_refused() -> None:
    tree = merkle.MerkleLevels.from_leaves(LEAVES[:3])
    with pytest.raises(ValueError):
        merkle.inclusion_proof(3, 3, tree.subtree)
    with pytest.raises(ValueError):
        merkle.consistency_proof(4, 3, tree.subtree)
    with pytest.raises(IndexError):
        tree.subtree(1, 1)
    assert merkle.tree_hash(0, tree.subtree) == merkle.EMPTY_ROOT


@pytest.mark.parametrize("batch", [1, 2, 3, 5, 8, 13])
def test_appending_batches_closes_exactly_the_complete_subtrees(batch: int) -> None:
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(75)]
    whole = merkle.MerkleLevels(leaves)
    stored = {(0, i): digest for i, digest in enumerate(leaves)}
    size = 0
    while size < len(leaves):
        chunk = leaves[size : size + batch]
        needed = merkle.frontier_needed(size, len(chunk))
        frontier = {level: stored[(level, index)] for level, index in needed}
        for level, index, digest in merkle.extend_frontier(size, frontier, chunk):
            assert (level, index) not in stored
            stored[(level, index)] = digest
        size += len(chunk)
    expected = {
        (level, index): whole.subtree(level, index)
        for level in range(len(whole.levels))
        for index in range(len(whole.levels[level]) // 32)
    }
    assert stored == expected


def test_paths_from_the_siblings_they_name_equal_the_rfc_paths() -> None:
    tree = merkle.MerkleLevels.from_leaves([bytes([i]) for i in range(45)])
    for size in range(1, 46):
        chosen = [i for i in range(size) if i % 3 != 1]
        levels, ragged = merkle.path_siblings(chosen, size)
        nodes = [{i: tree.subtree(level, i) for i in wanted} for level, wanted in enumerate(levels)]
        edge = {lv: merkle.range_hash((size - 1) >> lv << lv, size, tree.subtree) for lv in ragged}
        paths = merkle.paths_from_siblings(chosen, size, nodes, edge)
        assert paths == {i: merkle.inclusion_proof(i, size, tree.subtree) for i in chosen}


def test_subtrees_over_given_leaves_are_the_complete_subtrees_under_them_only() -> None:
    from app.ledger.statement_proofs import subtrees_over

    tree = merkle.MerkleLevels.from_leaves([bytes([i]) for i in range(45)])
    given = {i: tree.subtree(0, i) for i in [*range(3, 30), 31, 33, *range(36, 45)]}
    levels = subtrees_over(given, 10)
    for level, found in enumerate(levels):
        width = 1 << level
        under = [
            i
            for i in range(45 // width)
            if all(leaf in given for leaf in range(i * width, (i + 1) * width))
        ]
        assert found == {i: tree.subtree(level, i) for i in under}
    assert len(levels) == 4  # leaves 8..15 and 16..23 make level 3; no block of 16 is whole
