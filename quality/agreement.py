"""Chance-corrected agreement between raters on categorical labels.

Cohen's κ (Cohen 1960) for two raters, Fleiss' κ (Fleiss 1971) for a fixed number of raters
per unit, and raw pairwise percent agreement.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from quality.arrays import FloatArray, as_rating_matrix


def cohen_kappa(a: Sequence[Any] | npt.ArrayLike, b: Sequence[Any] | npt.ArrayLike) -> float:
    """Cohen's κ between two raters who labelled the same units.

    ``a`` and ``b`` are equal-length label sequences (any comparable labels; position i is
    the same unit). κ = (p_o − p_e) / (1 − p_e), with p_o the share of units labelled
    alike and p_e = Σ_c p_a(c) p_b(c) from each rater's label proportions (Cohen 1960).
    Returns nan when p_e = 1 (both raters used one and the same label throughout).
    Raises ValueError when the sequences differ in length, are empty or are not 1-D.
    """
    left, right = np.asarray(a), np.asarray(b)
    if left.ndim != 1 or right.ndim != 1:
        raise ValueError("cohen_kappa takes two one-dimensional label sequences")
    if left.size != right.size:
        raise ValueError(f"label sequences differ in length: {left.size} != {right.size}")
    if left.size == 0:
        raise ValueError("cohen_kappa needs at least one labelled unit")
    _, codes = np.unique(np.concatenate([left, right]), return_inverse=True)
    codes_a, codes_b = codes[: left.size], codes[left.size :]
    n_labels = int(codes.max()) + 1
    observed = float(np.mean(codes_a == codes_b))
    share_a = np.bincount(codes_a, minlength=n_labels) / left.size
    share_b = np.bincount(codes_b, minlength=n_labels) / left.size
    expected = float(share_a @ share_b)
    if expected >= 1.0:
        return math.nan
    return (observed - expected) / (1.0 - expected)


def _checked_counts(counts: npt.ArrayLike) -> tuple[FloatArray, float]:
    """Validate a units × categories count matrix; return it and the raters per unit."""
    table = np.asarray(counts, dtype=np.float64)
    if table.ndim != 2 or table.size == 0:
        raise ValueError("fleiss_kappa takes a non-empty units × categories count matrix")
    if (table < 0).any() or (table != np.round(table)).any():
        raise ValueError("counts must be non-negative whole numbers")
    raters = table.sum(axis=1)
    if (raters != raters[0]).any():
        raise ValueError("every unit must be rated by the same number of raters")
    n = float(raters[0])
    if n < 2:
        raise ValueError("fleiss_kappa needs at least two raters per unit")
    return table, n


def fleiss_kappa(counts: npt.ArrayLike) -> float:
    """Fleiss' κ from a units × categories count matrix with the same number of raters per unit.

    ``counts[i, j]`` is n_ij, how many of the n raters put unit i in category j.
    P_i = (Σ_j n_ij² − n) / (n (n − 1)), P̄ = mean_i P_i, p_j = Σ_i n_ij / (N n),
    P̄_e = Σ_j p_j², κ = (P̄ − P̄_e) / (1 − P̄_e) (Fleiss 1971). Returns nan when
    P̄_e = 1 (every rating in one category). Raises ValueError when the matrix is not 2-D,
    is empty, holds negative or fractional counts, rows differ in total, or n < 2.
    """
    table, n = _checked_counts(counts)
    per_unit = (np.square(table).sum(axis=1) - n) / (n * (n - 1.0))
    shares = table.sum(axis=0) / table.sum()
    expected = float(np.square(shares).sum())
    if expected >= 1.0:
        return math.nan
    return (float(per_unit.mean()) - expected) / (1.0 - expected)


def fleiss_kappa_by_category(counts: npt.ArrayLike) -> FloatArray:
    """Fleiss' per-category κ_j from a units × categories count matrix (n raters per unit).

    κ_j = 1 − Σ_i n_ij (n − n_ij) / (N n (n − 1) p_j q_j), with p_j the share of all
    ratings in category j and q_j = 1 − p_j (Fleiss 1971, eq. 20–21); it equals Fleiss' κ of
    the data collapsed to "j" versus "not j", and Σ_j p_j q_j κ_j / Σ_j p_j q_j is the
    overall κ. Returns one float per category, nan where p_j is 0 or 1. Raises ValueError as
    :func:`fleiss_kappa` does.
    """
    table, n = _checked_counts(counts)
    shares = table.sum(axis=0) / table.sum()
    spread = shares * (1.0 - shares)
    disagreement = (table * (n - table)).sum(axis=0) / (table.shape[0] * n * (n - 1.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        kappas = 1.0 - disagreement / spread
    return np.where(spread > 0, kappas, np.nan)


def unit_agreement(data: npt.ArrayLike) -> FloatArray:
    """Share of agreeing rater pairs on each unit: Σ_c n_uc (n_uc − 1) / (m_u (m_u − 1)).

    ``data`` is a raters × units matrix with ``np.nan`` for missing; returns one float per
    unit, nan where fewer than two raters rated it (Fleiss 1971's P_i). Useful for routing
    low-agreement items to a reviewer. Raises ValueError when ``data`` is not 2-D or holds
    an infinite value.
    """
    matrix = as_rating_matrix(data)
    present = ~np.isnan(matrix)
    _, codes = np.unique(matrix[present], return_inverse=True)
    n_units, n_values = matrix.shape[1], int(codes.max()) + 1 if codes.size else 1
    # Sparse (unit, value) counts: memory follows the ratings, not units × distinct values.
    keys, counts = np.unique(np.nonzero(present)[1] * n_values + codes, return_counts=True)
    equal_pairs = np.bincount(keys // n_values, weights=counts * (counts - 1.0), minlength=n_units)
    ratings = present.sum(axis=0).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = equal_pairs / (ratings * (ratings - 1.0))
    return np.where(ratings >= 2, shares, np.nan)


def percent_agreement(data: npt.ArrayLike) -> float:
    """Share of agreeing rater pairs, averaged over units rated at least twice.

    ``data`` is a raters × units matrix with ``np.nan`` for missing. For unit u with m_u
    ratings and n_uc of them equal to value c, agreement is Σ_c n_uc (n_uc − 1) /
    (m_u (m_u − 1)) (:func:`unit_agreement`); the result is its mean over units (Fleiss
    1971's P̄, generalised to a varying number of raters). Returns nan when no unit has two
    ratings. Raises ValueError when ``data`` is not 2-D or holds an infinite value.
    """
    per_unit = unit_agreement(data)
    defined = per_unit[~np.isnan(per_unit)]
    return float(defined.mean()) if defined.size else math.nan
