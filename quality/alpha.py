"""Krippendorff's alpha for any number of raters, missing values and four levels of measurement.

Source: K. Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), the
coincidence-matrix form, section C; the bootstrap interval resamples units.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt

from quality.arrays import FloatArray, IntArray, as_rating_matrix

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
# Cap on the dense units × values count matrix (8 bytes a cell, so 400 MB).
MAX_COUNT_CELLS = 50_000_000
# α from per-unit rows (counts, or interval sums) and optional per-row weights.
AlphaOfUnits = Callable[[FloatArray, FloatArray | None], float]
# Below this many distinct unit patterns a bootstrap draw is one multinomial over patterns.
MULTINOMIAL_PATTERNS = 5_000


def value_counts(data: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Count, per pairable unit, how often each distinct value was given.

    ``data`` is a raters × units matrix with ``np.nan`` for missing. Returns ``(counts,
    values)``: ``counts[u, c]`` is n_uc, the number of raters who gave unit ``u`` the value
    ``values[c]``, over the units with at least two values (the pairable units of
    Krippendorff 2011); ``values`` is sorted ascending. Raises ValueError on bad input or
    when units × distinct values (or distinct values squared) exceeds ``MAX_COUNT_CELLS``.
    """
    matrix = as_rating_matrix(data)
    present = ~np.isnan(matrix)
    values, codes = np.unique(matrix[present], return_inverse=True)
    unit_of_value = np.nonzero(present)[1]
    per_unit = present.sum(axis=0)
    pairable_units = np.flatnonzero(per_unit >= 2)
    keep = per_unit[unit_of_value] >= 2
    compact_unit = np.searchsorted(pairable_units, unit_of_value[keep])
    n_values = values.size
    if max(pairable_units.size, n_values) * n_values > MAX_COUNT_CELLS:
        raise ValueError(
            f"{n_values} distinct values over {pairable_units.size} units is too many for a "
            "coincidence matrix; round or bin the values (interval level has no such limit)"
        )
    flat = np.bincount(
        compact_unit * n_values + codes[keep], minlength=pairable_units.size * n_values
    )
    counts = flat.reshape(pairable_units.size, n_values).astype(np.float64)
    return counts, values.astype(np.float64)


def coincidence_matrix(counts: FloatArray, unit_weights: FloatArray | None = None) -> FloatArray:
    """Build Krippendorff's coincidence matrix from per-unit value counts.

    o_ck = Σ_u w_u (n_uc n_uk − [c = k] n_uc) / (m_u − 1), with m_u = Σ_c n_uc and w_u = 1
    unless ``unit_weights`` (one per unit, e.g. bootstrap multiplicities) is given
    (Krippendorff 2011, section C). ``counts`` must only hold units with m_u ≥ 2.
    """
    pairable = counts.sum(axis=1) - 1.0
    scale = 1.0 / pairable
    if unit_weights is not None:
        scale = scale * unit_weights
    weighted = counts * scale[:, None]
    coincidences: FloatArray = weighted.T @ counts
    coincidences[np.diag_indices_from(coincidences)] -= weighted.sum(axis=0)
    return coincidences


def squared_distances(values: FloatArray, marginals: FloatArray, level: Level) -> FloatArray:
    """Return the matrix of squared differences δ²_ck between the sorted ``values``.

    nominal: 0 if c = k else 1; ordinal: (Σ_{g=c..k} n_g − (n_c + n_k)/2)² with the
    coincidence marginals n_g (``marginals``); interval: (c − k)²; ratio: ((c − k)/(c + k))²
    (Krippendorff 2011, section E). Raises ValueError for an unknown level or, for
    ``ratio``, a negative value.
    """
    if level == "nominal":
        return 1.0 - np.eye(values.size)
    if level == "ordinal":
        rank = np.cumsum(marginals) - marginals / 2.0
        return np.square(rank[:, None] - rank[None, :])
    if level == "interval":
        return np.square(values[:, None] - values[None, :])
    if level == "ratio":
        if (values < 0).any():
            raise ValueError("ratio level needs non-negative values")
        total = values[:, None] + values[None, :]
        diff = values[:, None] - values[None, :]
        safe = np.where(total == 0, 1.0, total)
        return np.where(total == 0, 0.0, np.square(diff / safe))
    raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")


def alpha_from_coincidences(coincidences: FloatArray, values: FloatArray, level: Level) -> float:
    """Compute α = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck from a coincidence matrix.

    Returns nan when α is undefined: fewer than two pairable values, or no variation
    (expected disagreement zero). Source: Krippendorff 2011, section C.
    """
    marginals = coincidences.sum(axis=1)
    total = float(marginals.sum())
    distances = squared_distances(values, marginals, level)
    if total <= 1.0:
        return math.nan
    expected = float(marginals @ distances @ marginals)
    if expected <= 0.0:
        return math.nan
    observed = float((coincidences * distances).sum())
    return 1.0 - (total - 1.0) * observed / expected


def _interval_alpha(units: FloatArray, weights: FloatArray | None) -> float:
    """Interval α from per-unit rows ``(m_u, Σx, Σx²)``, without a coincidence matrix.

    With δ² = (c − k)², Σ_ck o_ck δ²_ck = Σ_u 2 (m_u Σx² − (Σx)²) / (m_u − 1) and
    Σ_ck n_c n_k δ²_ck = 2 (n Σx² − (Σx)²) over all pairable values — the same α as
    Krippendorff 2011's coincidence form, at any number of distinct values.
    """
    sizes, sums, squares = units[:, 0], units[:, 1], units[:, 2]
    w = np.ones_like(sizes) if weights is None else weights
    total = float(w @ sizes)
    if total <= 1.0:
        return math.nan
    expected = 2.0 * (total * float(w @ squares) - float(w @ sums) ** 2)
    if expected <= 0.0:
        return math.nan
    observed = float(w @ (2.0 * (sizes * squares - sums**2) / (sizes - 1.0)))
    return 1.0 - (total - 1.0) * observed / expected


def _interval_unit_sums(data: npt.ArrayLike) -> FloatArray:
    """Per pairable unit: number of values, their sum and sum of squares (shifted), as rows."""
    matrix = as_rating_matrix(data)
    present = ~np.isnan(matrix)
    pairable = present.sum(axis=0) >= 2
    kept, mask = matrix[:, pairable], present[:, pairable]
    # Shift by one observed value: exact zeros when all agree, and less cancellation.
    shifted = np.where(mask, kept - (kept[mask][0] if mask.any() else 0.0), 0.0)
    sizes = mask.sum(axis=0).astype(np.float64)
    return np.column_stack([sizes, shifted.sum(axis=0), np.square(shifted).sum(axis=0)])


def _units_and_alpha(data: npt.ArrayLike, level: Level) -> tuple[FloatArray, AlphaOfUnits]:
    """Per-unit rows for ``level`` and the function computing α from (weighted) rows."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")
    if level == "interval":
        return _interval_unit_sums(data), _interval_alpha
    counts, values = value_counts(data)

    def alpha_of_counts(units: FloatArray, weights: FloatArray | None) -> float:
        """α from (weighted) per-unit value counts through the coincidence matrix."""
        return alpha_from_coincidences(coincidence_matrix(units, weights), values, level)

    return counts, alpha_of_counts


def krippendorff_alpha(data: npt.ArrayLike, level: Level = "nominal") -> float:
    """Krippendorff's α reliability of a raters × units matrix (``np.nan`` = missing).

    ``level`` is ``nominal``, ``ordinal``, ``interval`` or ``ratio`` and chooses the
    difference function δ². α = 1 − D_o / D_e = 1 − (n − 1) Σ_ck o_ck δ²_ck /
    Σ_ck n_c n_k δ²_ck over the coincidence matrix o of all pairable values (units rated at
    least twice), n_c its marginals and n their total (Krippendorff 2011, "Computing
    Krippendorff's Alpha-Reliability"). The interval level uses the equivalent sum form and
    takes any number of distinct values; the others build a units × values count matrix and
    refuse more than ``MAX_COUNT_CELLS`` cells.

    Returns a float in (−∞, 1]; returns nan (the app shows null) when α is undefined: no
    unit has two values, or every pairable value is the same. Raises ValueError when the
    matrix is not 2-D, holds an infinite value, ``level`` is unknown, ``ratio`` meets a
    negative value, or there are too many distinct values for the count matrix.
    """
    units, alpha_of_units = _units_and_alpha(data, level)
    return alpha_of_units(units, None)


def _unit_patterns(units: FloatArray) -> tuple[FloatArray, IntArray, IntArray]:
    """Distinct unit rows, the pattern of every unit, and how many units share each pattern."""
    radix = int(units.max()) + 1 if units.size else 1
    integral = bool(np.all(units == np.round(units))) and units.min(initial=0.0) >= 0
    if integral and units.shape[1] * math.log2(radix) < 62:
        # Small count vectors: one int64 key per unit sorts far faster than rows do.
        keys = units.astype(np.int64) @ (radix ** np.arange(units.shape[1], dtype=np.int64))
        _, first, inverse, counts = np.unique(
            keys, return_index=True, return_inverse=True, return_counts=True
        )
        return units[first], inverse.astype(np.int64), counts.astype(np.int64)
    patterns, inverse, counts = np.unique(units, axis=0, return_inverse=True, return_counts=True)
    return patterns, inverse.reshape(-1).astype(np.int64), counts.astype(np.int64)


def _resampled_weights(
    rng: np.random.Generator, multiplicity: IntArray, pattern_of_unit: IntArray
) -> FloatArray:
    """How often each unit pattern appears when the units are drawn with replacement."""
    n_units, n_patterns = pattern_of_unit.size, multiplicity.size
    if n_patterns <= MULTINOMIAL_PATTERNS:
        draws = rng.multinomial(n_units, multiplicity / n_units)
    else:
        draws = np.bincount(
            pattern_of_unit[rng.integers(0, n_units, n_units)], minlength=n_patterns
        )
    return np.asarray(draws, dtype=np.float64)


def alpha_bootstrap_ci(
    data: npt.ArrayLike,
    level: Level = "nominal",
    n: int = 1000,
    seed: int | None = None,
    *,
    confidence: float = 0.95,
) -> tuple[float, float]:
    """Percentile bootstrap interval ``(low, high)`` for Krippendorff's α.

    Each of ``n`` replicates draws the pairable units with replacement and recomputes α
    from the reweighted coincidence matrix (Krippendorff 2011 formula; unit-level bootstrap,
    Efron & Tibshirani 1993 percentile method). Units with identical value counts are
    pooled, so a draw is one multinomial over the distinct patterns. Undefined replicates
    are dropped; returns ``(nan, nan)`` if every replicate is undefined. ``seed`` makes the
    result repeatable. Raises ValueError for ``n < 1``, ``confidence`` outside (0, 1), or
    bad data or level.
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    units, alpha_of_units = _units_and_alpha(data, level)
    if units.shape[0] == 0:
        return math.nan, math.nan
    patterns, pattern_of_unit, multiplicity = _unit_patterns(units)
    rng = np.random.default_rng(seed)
    replicates = np.array(
        [
            alpha_of_units(patterns, _resampled_weights(rng, multiplicity, pattern_of_unit))
            for _ in range(n)
        ]
    )
    defined = replicates[~np.isnan(replicates)]
    if defined.size == 0:
        return math.nan, math.nan
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(defined, [tail, 1.0 - tail])
    return float(low), float(high)
