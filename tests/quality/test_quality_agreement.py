"""Cohen's κ, Fleiss' κ and percent agreement against published examples and reference libraries."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quality import (
    cohen_kappa,
    fleiss_kappa,
    fleiss_kappa_by_category,
    percent_agreement,
    unit_agreement,
)

# Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories, κ = 0.210.
WIKIPEDIA_FLEISS = np.array(
    [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
)

# Fleiss (1971), 30 patients × 6 psychiatrists, 5 diagnoses; published κ = 0.430
# (R irr::kappam.fleiss gives 0.4302445). One row per patient, one column per rater.
FLEISS_1971_DIAGNOSES = np.array(
    [
        [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ]
)  # fmt: skip


def _category_counts(labels_by_unit: np.ndarray, n_categories: int) -> np.ndarray:
    return np.stack([np.bincount(row, minlength=n_categories + 1)[1:] for row in labels_by_unit])


def test_fleiss_kappa_wikipedia_example() -> None:
    assert fleiss_kappa(WIKIPEDIA_FLEISS) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_kappa_fleiss_1971_example() -> None:
    counts = _category_counts(FLEISS_1971_DIAGNOSES, 5)
    assert fleiss_kappa(counts) == pytest.approx(0.4302445, abs=1e-7)


@pytest.mark.parametrize("seed", range(5))
def test_fleiss_kappa_matches_statsmodels(seed: int) -> None:
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    rng = np.random.default_rng(seed)
    raters = 3 + seed
    truth = rng.integers(0, 4, 200)
    noise = rng.integers(0, 4, (200, raters))
    labels = np.where(rng.random((200, raters)) < 0.6, truth[:, None], noise)
    counts = np.stack([np.bincount(row, minlength=4) for row in labels])
    assert fleiss_kappa(counts) == pytest.approx(inter_rater.fleiss_kappa(counts), abs=1e-12)


def test_fleiss_kappa_undefined_and_invalid() -> None:
    assert math.isnan(fleiss_kappa([[3, 0], [3, 0]]))
    with pytest.raises(ValueError, match="same number of raters"):
        fleiss_kappa([[2, 1], [1, 1]])
    with pytest.raises(ValueError, match="at least two raters"):
        fleiss_kappa([[1, 0], [0, 1]])
    with pytest.raises(ValueError, match="whole numbers"):
        fleiss_kappa([[1.5, 0.5], [1.0, 1.0]])


def test_cohen_kappa_wikipedia_example() -> None:
    # Wikipedia "Cohen's kappa": 50 grant proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15.
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_cohen_kappa_matches_scikit_learn(seed: int) -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 3 + seed, 300)
    b = np.where(rng.random(300) < 0.5, a, rng.integers(0, 3 + seed, 300))
    assert cohen_kappa(a, b) == pytest.approx(metrics.cohen_kappa_score(a, b), abs=1e-12)


def test_cohen_kappa_edge_cases() -> None:
    assert cohen_kappa([1, 2, 3], [1, 2, 3]) == 1.0
    assert cohen_kappa([0, 1, 0, 1], [1, 0, 1, 0]) == -1.0
    assert math.isnan(cohen_kappa(["a", "a"], ["a", "a"]))
    with pytest.raises(ValueError, match="differ in length"):
        cohen_kappa([1, 2], [1])
    with pytest.raises(ValueError, match="at least one"):
        cohen_kappa([], [])


def test_percent_agreement_counts_agreeing_pairs_per_unit() -> None:
    nan = np.nan
    data = np.array(
        [
            [1, 1, 2, nan],
            [1, 2, 2, 3],
            [1, 3, nan, nan],
        ]
    )
    # unit 0: 3/3 pairs agree; unit 1: 0/3; unit 2: 1/1; unit 3 has one rating and is skipped.
    assert percent_agreement(data) == pytest.approx((1.0 + 0.0 + 1.0) / 3)
    assert math.isnan(percent_agreement(np.array([[1.0, nan], [nan, 2.0]])))


def test_percent_agreement_equals_fleiss_mean_pair_agreement() -> None:
    counts = _category_counts(FLEISS_1971_DIAGNOSES, 5)
    n = 6
    p_bar = float(((counts**2).sum(axis=1) - n).mean() / (n * (n - 1)))
    assert percent_agreement(FLEISS_1971_DIAGNOSES.T) == pytest.approx(p_bar, abs=1e-12)


def test_category_kappas_equal_kappa_of_each_category_against_the_rest() -> None:
    inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
    counts = _category_counts(FLEISS_1971_DIAGNOSES, 5)
    per_category = fleiss_kappa_by_category(counts)
    for j in range(5):
        collapsed = np.column_stack([counts[:, j], 6 - counts[:, j]])
        assert per_category[j] == pytest.approx(inter_rater.fleiss_kappa(collapsed), abs=1e-12)


def test_category_kappas_average_to_the_overall_kappa() -> None:
    counts = WIKIPEDIA_FLEISS
    shares = counts.sum(axis=0) / counts.sum()
    weights = shares * (1 - shares)
    pooled = float(weights @ fleiss_kappa_by_category(counts) / weights.sum())
    assert pooled == pytest.approx(fleiss_kappa(counts), abs=1e-12)
    unused = np.array([[2, 0, 0], [1, 1, 0]])
    assert math.isnan(fleiss_kappa_by_category(unused)[2])


def test_unit_agreement_scores_each_unit_and_skips_single_ratings() -> None:
    nan = np.nan
    data = np.array([[1, 1, 2, nan, 0.5], [1, 2, 2, 3, 0.5], [1, 3, nan, nan, 0.25]])
    np.testing.assert_allclose(unit_agreement(data), [1.0, 0.0, 1.0, nan, 1 / 3])
    assert percent_agreement(data) == pytest.approx((1.0 + 0.0 + 1.0 + 1 / 3) / 4)
