"""Near-duplicate groups by MinHash (issue 13): the pure grouping against exact Jaccard
similarity, and the background search through the API with its progress and the drop of
every group's copies."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from app.corpora.near_duplicates import (
    BANDS,
    GROUPS,
    KEEP,
    PERMUTATIONS,
    ROWS,
    group_signatures,
    near_duplicate_groups,
    shingles,
)
from tests.app.builders import World

BASE = (
    "坚持以习近平新时代中国特色社会主义思想为指导,全面贯彻党的二十大精神,认真落实关于发展"
    "新一代人工智能的系列重要指示精神,发挥我省认知智能大模型先发优势,立足国际视野。"
)


def _jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def _unrelated(seed: int, length: int = 80) -> str:
    rng = random.Random(seed)
    return "".join(chr(0x4E00 + rng.randrange(5000)) for _ in range(length))


def test_copies_with_small_edits_group_and_unrelated_texts_do_not() -> None:
    edited = BASE.replace("全面", "全力")
    spaced = BASE[:40] + "\n  " + BASE[40:]  # line breaks and spaces do not hide a copy
    assert _jaccard(BASE, edited) > 0.85
    items = [(1, BASE), (2, _unrelated(1)), (3, edited), (4, _unrelated(2)), (5, spaced)]
    assert near_duplicate_groups(items, 0.8) == [[1, 3, 5]]


def test_estimates_follow_the_exact_jaccard_similarity() -> None:
    # Pairs far above the threshold are found, pairs far below are not.
    rng = random.Random(7)
    far_above, far_below = [], []
    for index in range(30):
        text = _unrelated(100 + index, 120)
        cut = rng.randrange(5, 20)
        close = text[:cut] + "某" + text[cut + 1 :]
        half = text[:60] + _unrelated(500 + index, 60)
        far_above.append((text, close))
        far_below.append((text, half))
        assert _jaccard(text, close) > 0.9 and _jaccard(text, half) < 0.4
    for text, close in far_above:
        assert near_duplicate_groups([(1, text), (2, close)], 0.8) == [[1, 2]]
    for text, half in far_below:
        assert near_duplicate_groups([(1, text), (2, half)], 0.8) == []


def test_a_pair_unlike_its_buckets_first_text_is_found() -> None:
    # A, B and C share band 0 (one bucket, A first); B and C agree everywhere else but one
    # value per band (101 of 120: 0.84), so they meet in no other bucket, and A is like
    # neither. Comparing only with a bucket's first text missed the pair B–C.
    a = np.arange(PERMUTATIONS, dtype=np.uint32) + 1000
    b = np.arange(PERMUTATIONS, dtype=np.uint32) + 5000
    a[:ROWS] = b[:ROWS] = 7
    c = b.copy()
    for band in range(1, BANDS):
        c[band * ROWS] += 100_000
    matrix = np.stack([a, b, c])
    assert float(np.mean(b == c)) > 0.8 > float(np.mean(a == c))
    assert group_signatures(matrix, 0.8) == [[1, 2]]


def test_a_bucket_of_many_components_keeps_a_bounded_number() -> None:
    # Forty texts share band 0 and are otherwise unlike each other; the forty-first is a copy
    # of the first: it is found though the bucket keeps only GROUPS components.
    rows = [np.arange(PERMUTATIONS, dtype=np.uint32) + 1000 * (n + 1) for n in range(40)]
    for row in rows:
        row[:ROWS] = 7
    rows.append(rows[0].copy())
    assert GROUPS < 40 and KEEP >= 1
    assert group_signatures(np.stack(rows), 0.8) == [[0, 40]]


def test_short_texts_and_bad_thresholds() -> None:
    assert near_duplicate_groups([(1, "国内"), (2, "国 内"), (3, "国外")], 0.9) == [[1, 2]]
    assert near_duplicate_groups([], 0.8) == []
    for threshold in (0, -0.1, 1.5):
        with pytest.raises(ValueError):
            near_duplicate_groups([(1, "甲")], threshold)


def test_progress_is_reported_per_batch() -> None:
    seen: list[float] = []
    items = [(i, _unrelated(i, 30)) for i in range(4500)]
    near_duplicate_groups(items, 0.8, seen.append, total=len(items))
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) == 3


def test_search_through_the_api_and_drop_copies(any_db_world: World) -> None:
    vendor = any_db_world.vendor_api()
    texts = [BASE, _unrelated(1), BASE.replace("全面", "全力"), _unrelated(2), BASE + "特此通知"]
    corpus = any_db_world.ready_corpus(vendor, texts)
    bad = vendor.post(f"/api/v1/corpora/{corpus}/near-duplicates", {"threshold": 0.75})
    assert bad.status_code == 422 and bad.json["error"]["message"]
    started = vendor.post(f"/api/v1/corpora/{corpus}/near-duplicates", {"threshold": 0.7})
    assert started.status_code == 202
    run = vendor.get(f"/api/v1/corpora/{corpus}/near-duplicates/{started.json['id']}").json
    assert run["status"] == "done" and run["progress"] == 1.0 and run["items_compared"] == 5
    items = {
        i["id"]: i["text"] for i in vendor.get(f"/api/v1/corpora/{corpus}/items").json["items"]
    }
    assert [[items[i] for i in group] for group in run["groups"]] == [
        [texts[0], texts[2], texts[4]]
    ]
    stats = vendor.get(f"/api/v1/corpora/{corpus}/statistics").json
    assert stats["near_duplicate_rate"] == pytest.approx(2 / 5)
    dropped = vendor.post(f"/api/v1/corpora/{corpus}/near-duplicates/{run['id']}/drop")
    assert dropped.json == {"dropped": 2}
    kept = [i["text"] for i in vendor.get(f"/api/v1/corpora/{corpus}/items").json["items"]]
    assert kept == [texts[0], texts[1], texts[3]]
    other = any_db_world.vendor_api()
    assert other.get(f"/api/v1/corpora/{corpus}/near-duplicates/{run['id']}").status_code == 404


def test_corpus_page_shows_groups(app: Any, world: World) -> None:
    from tests.app.builders import login

    email = world.user("vendor", world.org())
    vendor = world.api(email)
    corpus = world.ready_corpus(vendor, [BASE, _unrelated(3), BASE + "。"])
    browser = app.test_client()
    login(browser, email)
    response = browser.post(f"/corpora/{corpus}/near-duplicates", data={"threshold": "0.8"})
    assert response.status_code == 302
    page = browser.get(f"/corpora/{corpus}").text
    assert 'id="near-duplicates-summary"' in page and page.count('class="card near-group"') == 1
