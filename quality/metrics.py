"""Registry of agreement metrics over a raters × units matrix, chosen by name.

Every entry takes the same input — raters × units, ``np.nan`` for missing — and returns a
float (nan when the metric is undefined on that data), so a report can list any of them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Protocol

import numpy as np
import numpy.typing as npt

from quality.agreement import cohen_kappa, fleiss_kappa, percent_agreement
from quality.alpha import Level, krippendorff_alpha, value_counts
from quality.arrays import as_rating_matrix


class AgreementMetric(Protocol):
    """An agreement metric: raters × units matrix (nan = missing) in, a float out."""

    def __call__(self, data: npt.ArrayLike) -> float: ...


class _Alpha:
    """Krippendorff's α at one fixed level, as a registry entry."""

    def __init__(self, level: Level) -> None:
        self.level: Level = level

    def __call__(self, data: npt.ArrayLike) -> float:
        return krippendorff_alpha(data, self.level)


def fleiss_kappa_of_ratings(data: npt.ArrayLike) -> float:
    """Fleiss' κ (Fleiss 1971) over the units that every rater labelled.

    ``data`` is raters × units with ``np.nan`` for missing; values are treated as nominal
    categories. Returns nan when fewer than two raters or no complete unit remain, or κ is
    undefined. Raises ValueError on a malformed matrix.
    """
    matrix = as_rating_matrix(data)
    complete = matrix[:, ~np.isnan(matrix).any(axis=0)]
    if complete.shape[0] < 2 or complete.shape[1] == 0:
        return math.nan
    counts, _ = value_counts(complete)
    return fleiss_kappa(counts)


def cohen_kappa_of_ratings(data: npt.ArrayLike) -> float:
    """Cohen's κ (Cohen 1960) between the two rows of a 2 × units matrix, on shared units.

    Units missing either rating are dropped. Returns nan when no unit is shared or κ is
    undefined. Raises ValueError unless there are exactly two raters.
    """
    matrix = as_rating_matrix(data)
    if matrix.shape[0] != 2:
        raise ValueError(f"Cohen's kappa needs exactly two raters, got {matrix.shape[0]}")
    shared = matrix[:, ~np.isnan(matrix).any(axis=0)]
    if shared.shape[1] == 0:
        return math.nan
    return cohen_kappa(shared[0], shared[1])


AGREEMENT_METRICS: Mapping[str, AgreementMetric] = MappingProxyType(
    {
        "krippendorff_alpha_nominal": _Alpha("nominal"),
        "krippendorff_alpha_ordinal": _Alpha("ordinal"),
        "krippendorff_alpha_interval": _Alpha("interval"),
        "krippendorff_alpha_ratio": _Alpha("ratio"),
        "fleiss_kappa": fleiss_kappa_of_ratings,
        "cohen_kappa": cohen_kappa_of_ratings,
        "percent_agreement": percent_agreement,
    }
)


def agreement_metric(name: str) -> AgreementMetric:
    """Look up an agreement metric by name in :data:`AGREEMENT_METRICS`.

    Raises KeyError, naming the known metrics, when ``name`` is not registered.
    """
    try:
        return AGREEMENT_METRICS[name]
    except KeyError:
        known = ", ".join(sorted(AGREEMENT_METRICS))
        raise KeyError(f"unknown agreement metric {name!r}; known: {known}") from None


def agreement_report(data: npt.ArrayLike, names: Iterable[str]) -> dict[str, float]:
    """Compute the named agreement metrics on one raters × units matrix.

    Returns ``{name: value}``, nan where a metric is undefined on the data. Raises KeyError
    for an unknown name and ValueError from a metric that cannot take the data (e.g.
    ``cohen_kappa`` with three raters).
    """
    matrix = as_rating_matrix(data)
    return {name: agreement_metric(name)(matrix) for name in names}
