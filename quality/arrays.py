"""Array types and input checks shared by the quality metrics.

Every metric takes plain Python sequences or numpy arrays; these helpers turn them into
validated numpy arrays once, so the metrics themselves can stay vectorised.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def as_rating_matrix(data: npt.ArrayLike) -> FloatArray:
    """Return ``data`` as a float raters × units matrix with ``np.nan`` for missing ratings.

    Raises ValueError when ``data`` is not two-dimensional or holds an infinite value.
    """
    matrix = np.asarray(data, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"expected a raters × units matrix, got {matrix.ndim} dimension(s)")
    if np.isinf(matrix).any():
        raise ValueError("ratings must be finite numbers or nan for missing")
    return matrix


def as_triples(triples: npt.ArrayLike, n_classes: int) -> IntArray:
    """Return ``triples`` as an int64 array of rows ``(item, worker, label)``, all 0-based.

    Raises ValueError when the array is not n × 3, holds a negative id, a label outside
    ``0 .. n_classes - 1``, or ``n_classes`` is below 1.
    """
    if n_classes < 1:
        raise ValueError(f"n_classes must be at least 1, got {n_classes}")
    raw = np.asarray(triples)
    if raw.size == 0:
        return np.zeros((0, 3), dtype=np.int64)
    if raw.ndim != 2 or raw.shape[1] != 3:
        raise ValueError(f"triples must have shape (n, 3), got {raw.shape}")
    if not np.issubdtype(raw.dtype, np.integer):
        raise ValueError(f"triples must be integers, got dtype {raw.dtype}")
    rows = raw.astype(np.int64, copy=False)
    if (rows < 0).any():
        raise ValueError("item, worker and label ids must be non-negative")
    if (rows[:, 2] >= n_classes).any():
        raise ValueError(f"a label is outside 0 .. {n_classes - 1}")
    return rows


def id_count(ids: IntArray, given: int | None, what: str) -> int:
    """How many ids ``0 .. n - 1`` to report: ``given``, or the largest id + 1 when None.

    Raises ValueError when ``given`` is smaller than the largest id + 1.
    """
    needed = int(ids.max()) + 1 if ids.size else 0
    if given is None:
        return needed
    if given < needed:
        raise ValueError(f"n_{what} = {given} but the answers mention {what} id {needed - 1}")
    return given
