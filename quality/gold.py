"""Accuracy on gold items (items whose answer is known), with Wilson score intervals."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt

from quality.arrays import FloatArray, IntArray, as_triples, id_count


def _normal_quantile(confidence: float) -> float:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def _wilson_bounds(
    successes: FloatArray, totals: FloatArray, z: float
) -> tuple[FloatArray, FloatArray]:
    """Vectorised Wilson bounds; nan where ``totals`` is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = successes / totals
        z2n = z * z / totals
        centre = (share + z2n / 2.0) / (1.0 + z2n)
        half = z / (1.0 + z2n) * np.sqrt(share * (1.0 - share) / totals + z2n / (4.0 * totals))
    low = np.where(totals > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(totals > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def wilson_interval(successes: int, total: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval ``(low, high)`` for a proportion ``successes / total``.

    With p̂ = s/n and z the normal quantile for ``confidence``: centre = (p̂ + z²/2n) /
    (1 + z²/n), half-width = z / (1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²) (Wilson 1927).
    Returns ``(nan, nan)`` when ``total`` is 0. Raises ValueError when counts are negative,
    ``successes > total`` or ``confidence`` is outside (0, 1).
    """
    if total < 0 or successes < 0 or successes > total:
        raise ValueError(f"need 0 <= successes <= total, got {successes} of {total}")
    z = _normal_quantile(confidence)
    low, high = _wilson_bounds(np.array([float(successes)]), np.array([float(total)]), z)
    return float(low[0]), float(high[0])


@dataclass(frozen=True)
class GoldAccuracy:
    """``correct`` of ``total`` gold answers right; ``accuracy`` and its Wilson interval."""

    correct: int
    total: int
    accuracy: float
    low: float
    high: float


def gold_accuracy(
    answers: Sequence[Any] | npt.ArrayLike,
    gold: Sequence[Any] | npt.ArrayLike,
    confidence: float = 0.95,
) -> GoldAccuracy:
    """Share of ``answers`` equal to the ``gold`` answers, with a Wilson interval (Wilson 1927).

    ``answers`` and ``gold`` are equal-length label sequences, position i being the same
    gold item. accuracy = correct / total; ``(nan, nan, nan)`` for accuracy and bounds when
    there is no gold answer. Raises ValueError when the lengths differ or ``confidence`` is
    outside (0, 1).
    """
    given, expected = np.asarray(answers), np.asarray(gold)
    if given.shape != expected.shape or given.ndim != 1:
        raise ValueError("answers and gold must be one-dimensional and of equal length")
    correct, total = int(np.sum(given == expected)), int(given.size)
    low, high = wilson_interval(correct, total, confidence)
    accuracy = correct / total if total else math.nan
    return GoldAccuracy(correct, total, accuracy, low, high)


@dataclass(frozen=True)
class WorkerGoldAccuracy:
    """Per-worker gold scores: arrays indexed by worker id (nan where a worker saw no gold)."""

    correct: IntArray
    total: IntArray
    accuracy: FloatArray
    low: FloatArray
    high: FloatArray


def gold_accuracy_by_worker(
    triples: npt.ArrayLike,
    gold_labels: npt.ArrayLike,
    n_classes: int,
    confidence: float = 0.95,
    *,
    n_workers: int | None = None,
) -> WorkerGoldAccuracy:
    """Accuracy of every worker on the gold items they answered, with Wilson intervals.

    ``triples`` holds rows ``(item, worker, label)``, 0-based; ``gold_labels[item]`` is the
    known label of a gold item and -1 for other items (items past its end are not gold).
    Answers on non-gold items are ignored. Output arrays have one entry per worker id
    ``0 .. n_workers - 1`` (default: largest worker id + 1); accuracy = correct / total,
    interval per Wilson (1927), nan for a worker without gold answers. Raises ValueError on
    malformed triples, a worker id past ``n_workers`` or a bad ``confidence``.
    """
    z = _normal_quantile(confidence)
    rows = as_triples(triples, n_classes)
    gold = np.asarray(gold_labels, dtype=np.int64)
    n_workers = id_count(rows[:, 1], n_workers, "workers")
    in_range = rows[:, 0] < gold.size
    rows = rows[in_range]
    expected = gold[rows[:, 0]]
    on_gold = expected >= 0
    workers = rows[on_gold, 1]
    right = rows[on_gold, 2] == expected[on_gold]
    total = np.bincount(workers, minlength=n_workers)
    correct = np.bincount(workers, weights=right, minlength=n_workers).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        accuracy = np.where(total > 0, correct / total, np.nan)
    low, high = _wilson_bounds(correct.astype(np.float64), total.astype(np.float64), z)
    return WorkerGoldAccuracy(correct, total.astype(np.int64), accuracy, low, high)
