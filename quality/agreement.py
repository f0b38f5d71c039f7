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

from quality.alpha import value_counts


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


def fleiss_kappa(counts: npt.ArrayLike) -> float:
    """Fleiss' κ from a units × categories count matrix with the same number of raters per unit.

    ``counts[i, j]`` is n_ij, how many of the n raters put unit i in category j.
    P_i = (Σ_j n_ij² − n) / (n (n − 1)), P̄ = mean_i P_i, p_j = Σ_i n_ij / (N n),
    P̄_e = Σ_j p_j², κ = (P̄ − P̄_e) / (1 − P̄_e) (Fleiss 1971). Returns nan when
    P̄_e = 1 (every rating in one category). Raises ValueError when the matrix is not 2-D,
    is empty, holds negative or fractional counts, rows differ in total, or n < 2.
    """
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
    per_unit = (np.square(table).sum(axis=1) - n) / (n * (n - 1.0))
    shares = table.sum(axis=0) / table.sum()
    expected = float(np.square(shares).sum())
    if expected >= 1.0:
        return math.nan
    return (float(per_unit.mean()) - expected) / (1.0 - expected)


def percent_agreement(data: npt.ArrayLike) -> float:
    """Share of agreeing rater pairs, averaged over units rated at least twice.

    ``data`` is a raters × units matrix with ``np.nan`` for missing. For unit u with m_u
    ratings and n_uc of them equal to value c, agreement is Σ_c n_uc (n_uc − 1) /
    (m_u (m_u − 1)); the result is its mean over units (Fleiss 1971's P̄, generalised to
    a varying number of raters). Returns nan when no unit has two ratings.
    Raises ValueError when ``data`` is not 2-D or holds an infinite value.
    """
    counts, _ = value_counts(data)
    if counts.shape[0] == 0:
        return math.nan
    ratings = counts.sum(axis=1)
    agreeing = (counts * (counts - 1.0)).sum(axis=1)
    return float(np.mean(agreeing / (ratings * (ratings - 1.0))))
