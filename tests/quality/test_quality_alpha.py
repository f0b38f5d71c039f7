"""Krippendorff's alpha against Krippendorff's own worked example and the `krippendorff` package."""

from __future__ import annotations

import math

import numpy as np
import pytest
from quality_examples import KRIPPENDORFF_2011

from quality import alpha_bootstrap_ci, krippendorff_alpha
from quality.alpha import LEVELS, Level

NAN = np.nan


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_matches_krippendorff_2011_worked_example(level: Level, published: float) -> None:
    assert krippendorff_alpha(KRIPPENDORFF_2011, level) == pytest.approx(published, abs=5e-4)


def test_nominal_example_exact_fraction() -> None:
    # Krippendorff 2011: n = 40 pairable values, 4 of 608 coincidence halves disagree.
    assert krippendorff_alpha(KRIPPENDORFF_2011) == pytest.approx(1 - 39 * 4 / 608, rel=1e-12)


def test_perfect_agreement_is_one_and_systematic_disagreement_is_negative() -> None:
    agree = np.array([[1, 2, 3, 1], [1, 2, 3, 1]], dtype=float)
    assert krippendorff_alpha(agree) == 1.0
    swapped = np.array([[1, 2, 1, 2], [2, 1, 2, 1]], dtype=float)
    assert krippendorff_alpha(swapped) < 0


def test_units_with_a_single_value_do_not_count() -> None:
    with_lonely_unit = np.hstack([KRIPPENDORFF_2011, [[7.0], [NAN], [NAN], [NAN]]])
    assert krippendorff_alpha(with_lonely_unit) == krippendorff_alpha(KRIPPENDORFF_2011)


def test_rater_order_and_unit_order_do_not_matter() -> None:
    rng = np.random.default_rng(3)
    shuffled = KRIPPENDORFF_2011[rng.permutation(4)][:, rng.permutation(12)]
    for level in LEVELS:
        assert krippendorff_alpha(shuffled, level) == pytest.approx(
            krippendorff_alpha(KRIPPENDORFF_2011, level), rel=1e-12
        )


@pytest.mark.parametrize(
    "data",
    [
        np.array([[1.0, NAN], [NAN, 2.0]]),  # no unit has two values
        np.array([[3.0, 3.0], [3.0, 3.0]]),  # no variation at all
        np.full((3, 4), NAN),
    ],
)
def test_undefined_alpha_is_nan(data: np.ndarray) -> None:
    result = krippendorff_alpha(data)
    assert isinstance(result, float)
    assert math.isnan(result)


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="raters × units"):
        krippendorff_alpha(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="unknown level"):
        krippendorff_alpha(KRIPPENDORFF_2011, "cardinal")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="non-negative"):
        krippendorff_alpha(np.array([[-1.0, 2.0], [1.0, 2.0]]), "ratio")
    with pytest.raises(ValueError, match="finite"):
        krippendorff_alpha(np.array([[np.inf, 2.0], [1.0, 2.0]]))


def _random_ratings(seed: int, raters: int, units: int, values: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, values + 1, units)
    noise = rng.integers(-1, 2, (raters, units)) * (rng.random((raters, units)) < 0.4)
    data = np.clip(truth + noise, 1, values).astype(float)
    data[rng.random((raters, units)) < 0.3] = NAN
    return data


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", range(5))
def test_matches_reference_library_on_random_data(level: Level, seed: int) -> None:
    krippendorff = pytest.importorskip("krippendorff")
    data = _random_ratings(seed, raters=3 + seed, units=50 + 30 * seed, values=5)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
    assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=1e-10)


def test_bootstrap_interval_brackets_alpha_and_is_repeatable() -> None:
    data = _random_ratings(7, raters=4, units=300, values=4)
    point = krippendorff_alpha(data)
    low, high = alpha_bootstrap_ci(data, "nominal", n=400, seed=11)
    assert low < point < high
    assert high - low < 0.2
    assert alpha_bootstrap_ci(data, "nominal", n=400, seed=11) == (low, high)


def test_bootstrap_interval_narrows_with_more_units() -> None:
    small = _random_ratings(8, raters=4, units=60, values=4)
    large = _random_ratings(8, raters=4, units=2000, values=4)
    low_s, high_s = alpha_bootstrap_ci(small, "interval", n=300, seed=1)
    low_l, high_l = alpha_bootstrap_ci(large, "interval", n=300, seed=1)
    assert high_l - low_l < (high_s - low_s) / 2


def test_bootstrap_interval_undefined_and_bad_arguments() -> None:
    assert all(math.isnan(x) for x in alpha_bootstrap_ci(np.full((2, 3), NAN), seed=0))
    with pytest.raises(ValueError, match="at least 1"):
        alpha_bootstrap_ci(KRIPPENDORFF_2011, n=0)
    with pytest.raises(ValueError, match="confidence"):
        alpha_bootstrap_ci(KRIPPENDORFF_2011, confidence=1.0)


def test_interval_alpha_takes_continuous_values_and_matches_reference() -> None:
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(21)
    truth = rng.normal(50.0, 10.0, 150)
    data = truth + rng.normal(0.0, 4.0, (3, 150))
    data[rng.random(data.shape) < 0.25] = NAN
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    assert krippendorff_alpha(data, "interval") == pytest.approx(expected, abs=1e-10)
    low, high = alpha_bootstrap_ci(data, "interval", n=200, seed=2)
    assert low < expected < high


def test_interval_alpha_is_undefined_when_every_value_is_equal() -> None:
    assert math.isnan(krippendorff_alpha(np.full((3, 5), 0.1), "interval"))


def test_too_many_distinct_values_for_a_count_matrix_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = np.arange(40.0).reshape(2, 20)
    before = krippendorff_alpha(data, "interval")
    monkeypatch.setattr("quality.alpha.MAX_COUNT_CELLS", 100)
    with pytest.raises(ValueError, match="too many"):
        krippendorff_alpha(data, "ordinal")
    # The interval level needs no count matrix, so the cap does not apply to it.
    assert krippendorff_alpha(data, "interval") == before


@pytest.mark.parametrize("level", ["nominal", "interval"])
def test_bootstrap_agrees_with_naive_unit_resampling(level: Level) -> None:
    data = _random_ratings(13, raters=4, units=250, values=4)
    data[:2, np.isnan(data[:2]).any(axis=0)] = 1.0  # every unit keeps two values
    rng = np.random.default_rng(5)
    naive = [
        krippendorff_alpha(data[:, rng.integers(0, data.shape[1], data.shape[1])], level)
        for _ in range(600)
    ]
    expected = np.quantile(naive, [0.025, 0.975])
    low, high = alpha_bootstrap_ci(data, level, n=600, seed=6)
    assert low == pytest.approx(expected[0], abs=0.02)
    assert high == pytest.approx(expected[1], abs=0.02)
