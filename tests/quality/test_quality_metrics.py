"""The agreement-metric registry: lookup by name and the raters × units adapters."""

from __future__ import annotations

import math

import numpy as np
import pytest
from quality_examples import KRIPPENDORFF_2011

from quality import (
    AGREEMENT_METRICS,
    agreement_metric,
    agreement_report,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
)

NAN = np.nan
RATINGS = KRIPPENDORFF_2011


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_entries_apply_their_level(level: str) -> None:
    metric = agreement_metric(f"krippendorff_alpha_{level}")
    assert metric(RATINGS) == krippendorff_alpha(RATINGS, level)  # type: ignore[arg-type]


def test_fleiss_entry_uses_units_every_rater_labelled() -> None:
    complete = RATINGS[:, ~np.isnan(RATINGS).any(axis=0)]
    counts = np.stack([np.bincount(col.astype(int), minlength=6)[1:] for col in complete.T])
    assert agreement_metric("fleiss_kappa")(RATINGS) == pytest.approx(fleiss_kappa(counts))
    assert math.isnan(agreement_metric("fleiss_kappa")(np.array([[1.0, NAN], [NAN, 2.0]])))


def test_cohen_entry_uses_shared_units_and_needs_two_raters() -> None:
    pair = RATINGS[[0, 1]]
    shared = ~np.isnan(pair).any(axis=0)
    expected = cohen_kappa(pair[0, shared], pair[1, shared])
    assert agreement_metric("cohen_kappa")(pair) == pytest.approx(expected)
    with pytest.raises(ValueError, match="exactly two raters"):
        agreement_metric("cohen_kappa")(RATINGS)


def test_every_registered_metric_scores_perfect_agreement_as_one() -> None:
    perfect = np.array([[1, 2, 3, 2, 1], [1, 2, 3, 2, 1]], dtype=float)
    for name, metric in AGREEMENT_METRICS.items():
        assert metric(perfect) == pytest.approx(1.0), name


def test_report_and_unknown_names() -> None:
    report = agreement_report(RATINGS, ["percent_agreement", "krippendorff_alpha_nominal"])
    assert report == {
        "percent_agreement": pytest.approx(9 / 11),
        "krippendorff_alpha_nominal": pytest.approx(0.743421052631579),
    }
    with pytest.raises(KeyError, match="known: cohen_kappa"):
        agreement_metric("scotts_pi")
