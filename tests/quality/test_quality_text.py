"""Text agreement for the `clean` task: edit distance and mean pairwise similarity."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from quality import levenshtein, normalized_edit_distance, text_agreement


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("kitten", "sitting", 3),  # Levenshtein's textbook example
        ("flaw", "lawn", 2),
        ("", "abc", 3),
        ("合肥市蜀山区", "合肥市庐阳区", 2),
        ("皖标", "皖标", 0),
    ],
)
def test_levenshtein_known_distances(a: str, b: str, distance: int) -> None:
    assert levenshtein(a, b) == distance
    assert levenshtein(b, a) == distance


def test_levenshtein_matches_nltk_on_random_strings() -> None:
    nltk = pytest.importorskip("nltk")
    rng = random.Random(0)
    for _ in range(500):
        a = "".join(rng.choice("ab皖标 ") for _ in range(rng.randint(0, 15)))
        b = "".join(rng.choice("ab皖标 ") for _ in range(rng.randint(0, 15)))
        assert levenshtein(a, b) == nltk.edit_distance(a, b), (a, b)


def test_normalized_edit_distance_is_scaled_by_the_longer_text() -> None:
    assert normalized_edit_distance("kitten", "sitting") == pytest.approx(3 / 7)
    assert normalized_edit_distance("", "") == 0.0
    assert normalized_edit_distance("abc", "xyz") == 1.0


def test_text_agreement_averages_pairs_per_item_then_items() -> None:
    annotations = [
        ["合肥市蜀山区", "kitten", "单独", None],
        ["合肥市庐阳区", "sitting", None, None],
        ["合肥市蜀山区", None, None, "x"],
    ]
    result = text_agreement(annotations)
    item0 = float(np.mean([1 - 2 / 6, 1.0, 1 - 2 / 6]))
    item1 = 1 - 3 / 7
    np.testing.assert_allclose(result.per_item, [item0, item1, np.nan, np.nan])
    assert result.mean_similarity == pytest.approx((item0 + item1) / 2)


def test_text_agreement_edge_cases() -> None:
    assert math.isnan(text_agreement([["a"], [None]]).mean_similarity)
    assert text_agreement([["same"], ["same"]]).mean_similarity == 1.0
    with pytest.raises(ValueError, match="different item counts"):
        text_agreement([["a"], ["a", "b"]])
