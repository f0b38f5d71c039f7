"""Gold accuracy and Wilson intervals: closed forms, statsmodels, per-worker scoring."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quality import gold_accuracy, gold_accuracy_by_worker, wilson_interval

Z95 = 1.959963984540054


def test_wilson_interval_with_no_successes_has_closed_form_upper_bound() -> None:
    # p̂ = 0 gives low = 0 and high = z² / (n + z²) (Wilson 1927).
    low, high = wilson_interval(0, 10)
    assert low == pytest.approx(0.0, abs=1e-15)
    assert high == pytest.approx(Z95**2 / (10 + Z95**2), rel=1e-12)
    low, high = wilson_interval(10, 10)
    assert high == pytest.approx(1.0, abs=1e-15)
    assert low == pytest.approx(10 / (10 + Z95**2), rel=1e-12)


@pytest.mark.parametrize(
    ("successes", "total", "confidence"),
    [(81, 263, 0.95), (1, 3, 0.95), (45, 50, 0.9), (500, 1000, 0.99), (7, 7, 0.8)],
)
def test_wilson_interval_matches_statsmodels(successes: int, total: int, confidence: float) -> None:
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    expected = proportion.proportion_confint(
        successes, total, alpha=1 - confidence, method="wilson"
    )
    assert wilson_interval(successes, total, confidence) == pytest.approx(expected, abs=1e-12)


def test_wilson_interval_shrinks_with_more_evidence() -> None:
    narrow = wilson_interval(900, 1000)
    wide = wilson_interval(9, 10)
    assert narrow[1] - narrow[0] < (wide[1] - wide[0]) / 5
    assert narrow[0] < 0.9 < narrow[1]


def test_wilson_interval_edge_cases() -> None:
    assert all(math.isnan(x) for x in wilson_interval(0, 0))
    with pytest.raises(ValueError, match="successes <= total"):
        wilson_interval(3, 2)
    with pytest.raises(ValueError, match="confidence"):
        wilson_interval(1, 2, confidence=0.0)


def test_gold_accuracy_counts_right_answers() -> None:
    result = gold_accuracy(["a", "b", "b", "c"], ["a", "b", "c", "c"])
    assert (result.correct, result.total, result.accuracy) == (3, 4, 0.75)
    assert (result.low, result.high) == wilson_interval(3, 4)
    empty = gold_accuracy([], [])
    assert empty.total == 0 and math.isnan(empty.accuracy)
    with pytest.raises(ValueError, match="equal length"):
        gold_accuracy([1, 2], [1])


def test_gold_accuracy_by_worker_scores_only_gold_items() -> None:
    gold = np.array([1, -1, 0, 2])  # item 1 is not gold; item 4 lies past the gold list
    triples = np.array(
        [
            [0, 0, 1], [2, 0, 0], [3, 0, 1],  # worker 0: 2 of 3 right
            [1, 1, 2], [4, 1, 0],  # worker 1: no gold answer
            [0, 2, 0], [3, 2, 2],  # worker 2: 1 of 2 right
        ]
    )  # fmt: skip
    result = gold_accuracy_by_worker(triples, gold, n_classes=3)
    assert result.correct.tolist() == [2, 0, 1]
    assert result.total.tolist() == [3, 0, 2]
    np.testing.assert_allclose(result.accuracy, [2 / 3, np.nan, 0.5])
    assert (result.low[0], result.high[0]) == pytest.approx(wilson_interval(2, 3))
    assert math.isnan(result.low[1]) and math.isnan(result.high[1])


def test_gold_accuracy_by_worker_reports_every_worker_id_asked_for() -> None:
    result = gold_accuracy_by_worker(np.array([[0, 0, 1]]), np.array([1]), 2, n_workers=3)
    assert result.total.tolist() == [1, 0, 0]
    with pytest.raises(ValueError, match="n_workers"):
        gold_accuracy_by_worker(np.array([[0, 4, 1]]), np.array([1]), 2, n_workers=3)
