"""Consensus labels from many workers: majority vote and Dawid–Skene.

Answers come as an int array of rows ``(item, worker, label)``, all 0-based. Items and
workers are numbered ``0 .. max id``; an id with no answers still gets a row in the output.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from quality.arrays import FloatArray, IntArray, as_triples, id_count

# Floor for probabilities before taking logs, as crowd-kit does (_EPS = 1e-10): a worker who
# never used a label on some class would otherwise make that class impossible forever.
PROBABILITY_FLOOR = 1e-10


def vote_counts(
    triples: npt.ArrayLike, n_classes: int, *, n_items: int | None = None
) -> FloatArray:
    """Count the votes per item and class: ``counts[item, label]``, shape items × n_classes.

    ``triples`` holds rows ``(item, worker, label)``; items are ``0 .. n_items - 1``
    (default: the largest item id + 1). Raises ValueError on malformed rows or an item id
    at or past ``n_items``.
    """
    rows = as_triples(triples, n_classes)
    n_items = id_count(rows[:, 0], n_items, "items")
    flat = np.bincount(rows[:, 0] * n_classes + rows[:, 2], minlength=n_items * n_classes)
    return flat.reshape(n_items, n_classes).astype(np.float64)


def majority_vote(
    triples: npt.ArrayLike, n_classes: int, *, n_items: int | None = None
) -> IntArray:
    """Most frequent label per item.

    ``triples`` holds rows ``(item, worker, label)``, 0-based; returns an int array with one
    label per item ``0 .. n_items - 1`` (default: the largest item id + 1). Ties go to the
    smallest label; an item without answers gets -1. Raises ValueError on malformed rows,
    ``n_classes < 1`` or an item id at or past ``n_items``.
    """
    counts = vote_counts(triples, n_classes, n_items=n_items)
    labels: IntArray = np.asarray(counts.argmax(axis=1), dtype=np.int64)
    labels[counts.sum(axis=1) == 0] = -1
    return labels


@dataclass(frozen=True)
class DawidSkeneResult:
    """Outcome of :func:`dawid_skene`.

    ``labels[i]`` is the most probable class of item i; ``posteriors[i, c]`` is
    P(true class of i = c | answers); ``confusions[w, c, k]`` is P(worker w answers k |
    true class c); ``priors[c]`` is the estimated class share; ``log_likelihood`` is the
    observed-data log-likelihood per answer at the end; ``n_iter`` the EM iterations run;
    ``converged`` whether the tolerance was met before ``max_iter``. A worker id without
    answers gets uniform confusion rows.
    """

    labels: IntArray
    posteriors: FloatArray
    confusions: FloatArray
    priors: FloatArray
    log_likelihood: float
    n_iter: int
    converged: bool

    @property
    def worker_accuracy(self) -> FloatArray:
        """Expected accuracy of each worker, Σ_c priors[c] · confusions[w, c, c]."""
        diagonal = np.diagonal(self.confusions, axis1=1, axis2=2)
        return np.asarray(diagonal @ self.priors, dtype=np.float64)


@dataclass(frozen=True)
class _Answers:
    """Answer columns kept flat so that each EM step is a few ``np.bincount`` calls."""

    items: IntArray
    keys: IntArray  # worker * n_classes + label
    answered: npt.NDArray[np.bool_]  # per item: has at least one answer
    n_workers: int
    n_classes: int

    @classmethod
    def from_rows(
        cls, rows: IntArray, n_classes: int, n_items: int | None, n_workers: int | None
    ) -> _Answers:
        """Index validated ``(item, worker, label)`` rows."""
        items = np.ascontiguousarray(rows[:, 0])
        return cls(
            items=items,
            keys=rows[:, 1] * n_classes + rows[:, 2],
            answered=np.bincount(items, minlength=id_count(items, n_items, "items")) > 0,
            n_workers=id_count(rows[:, 1], n_workers, "workers"),
            n_classes=n_classes,
        )


def _confusions(answers: _Answers, posteriors: FloatArray) -> FloatArray:
    """M-step: θ_w,c,k ∝ Σ_{answers of w with label k} P(z_i = c) (Dawid & Skene 1979).

    ``posteriors`` is classes × items; returns workers × true class × answered class.
    """
    k, size = answers.n_classes, answers.n_workers * answers.n_classes
    soft_counts = np.stack(
        [
            np.bincount(answers.keys, weights=row[answers.items], minlength=size)
            for row in posteriors
        ]
    )
    by_worker = soft_counts.reshape(k, answers.n_workers, k).transpose(1, 0, 2)
    floored = np.maximum(by_worker, PROBABILITY_FLOOR)
    return np.asarray(floored / floored.sum(axis=2, keepdims=True), dtype=np.float64)


def _posteriors(
    answers: _Answers, confusions: FloatArray, priors: FloatArray
) -> tuple[FloatArray, float]:
    """E-step in log space; returns classes × items posteriors and the total log-likelihood.

    Items without answers get the prior and add nothing to the log-likelihood.
    """
    k, n_items = answers.n_classes, answers.answered.size
    log_table = np.log(confusions).transpose(1, 0, 2).reshape(k, answers.n_workers * k)
    log_joint = np.stack(
        [
            np.bincount(answers.items, weights=row[answers.keys], minlength=n_items)
            for row in log_table
        ]
    )
    log_joint += np.log(np.maximum(priors, PROBABILITY_FLOOR))[:, None]
    peak = log_joint.max(axis=0)
    log_joint -= peak
    scaled = np.exp(log_joint, out=log_joint)
    evidence = scaled.sum(axis=0)
    log_evidence = np.log(evidence) + peak
    log_likelihood = float(log_evidence[answers.answered].sum())
    scaled /= evidence
    return scaled, log_likelihood


def _clamp(posteriors: FloatArray, known: Mapping[int, int] | None) -> FloatArray:
    """Posteriors (classes × items) with each known item set to its known class."""
    if not known:
        return posteriors
    items = np.fromiter(known.keys(), dtype=np.int64, count=len(known))
    classes = np.fromiter(known.values(), dtype=np.int64, count=len(known))
    k, n_items = posteriors.shape
    if items.min() < 0 or items.max() >= n_items or classes.min() < 0 or classes.max() >= k:
        raise ValueError("known items and classes must lie within the answers' range")
    posteriors[:, items] = 0.0
    posteriors[classes, items] = 1.0
    return posteriors


def _empty_result(n_classes: int, n_items: int, n_workers: int) -> DawidSkeneResult:
    """No answers at all: uniform prior, posteriors and confusions."""
    uniform = 1.0 / n_classes
    return DawidSkeneResult(
        labels=np.zeros(n_items, dtype=np.int64),
        posteriors=np.full((n_items, n_classes), uniform),
        confusions=np.full((n_workers, n_classes, n_classes), uniform),
        priors=np.full(n_classes, uniform),
        log_likelihood=0.0,
        n_iter=0,
        converged=True,
    )


def dawid_skene(
    triples: npt.ArrayLike,
    n_classes: int,
    max_iter: int = 100,
    tol: float = 1e-6,
    *,
    n_items: int | None = None,
    n_workers: int | None = None,
    known: Mapping[int, int] | None = None,
) -> DawidSkeneResult:
    """Dawid–Skene consensus: EM estimate of true classes and per-worker confusion matrices.

    ``triples`` is an int array of rows ``(item, worker, label)``, 0-based, labels below
    ``n_classes``. Model (Dawid & Skene 1979): item i has a hidden class z_i ~ π; worker w
    answers k with probability θ_w[z_i, k], independently. EM starts from majority-vote
    shares, then alternates M-step π_c = mean_i P(z_i = c), θ_w,c,k ∝ Σ P(z_i = c) over w's
    answers k, and E-step P(z_i = c) ∝ π_c Π θ_w,c,k in log space. Probabilities are floored
    at 1e-10 as in crowd-kit. It stops when the log-likelihood per answer improves by less
    than ``tol`` or after ``max_iter`` rounds. Items are ``0 .. n_items - 1`` and workers
    ``0 .. n_workers - 1`` (default: largest id + 1); items without answers get the prior.

    ``known`` maps items whose true class is known (check items) to that class: their
    posteriors are clamped to it at the start and after every E-step, so they anchor the
    confusion matrices (semi-supervised EM, as in Raykar et al. 2010 with gold labels). With
    two workers and no known items, the two workers' reliabilities are not identifiable.

    Returns a :class:`DawidSkeneResult`. Raises ValueError on malformed triples,
    ``n_classes < 1``, ``max_iter < 1``, ``tol < 0``, an id past ``n_items``/``n_workers``,
    or a known item or class out of range.
    """
    if max_iter < 1:
        raise ValueError(f"max_iter must be at least 1, got {max_iter}")
    if tol < 0:
        raise ValueError(f"tol must be non-negative, got {tol}")
    rows = as_triples(triples, n_classes)
    answers = _Answers.from_rows(rows, n_classes, n_items, n_workers)
    if rows.shape[0] == 0:
        return _empty_result(n_classes, answers.answered.size, answers.n_workers)
    votes = vote_counts(rows, n_classes, n_items=answers.answered.size).T
    posteriors = _clamp(votes / np.maximum(votes.sum(axis=0), 1.0), known)
    # π_c is the mean posterior over answered items; a mat-vec beats a boolean column mask.
    item_weights = answers.answered / answers.answered.sum()
    previous, log_likelihood, converged, n_iter = -np.inf, -np.inf, False, 0
    while n_iter < max_iter and not converged:
        n_iter += 1
        priors = posteriors @ item_weights
        confusions = _confusions(answers, posteriors)
        posteriors, total = _posteriors(answers, confusions, priors)
        posteriors = _clamp(posteriors, known)
        previous, log_likelihood = log_likelihood, total / rows.shape[0]
        converged = log_likelihood - previous < tol
    return DawidSkeneResult(
        labels=posteriors.argmax(axis=0).astype(np.int64),
        posteriors=np.ascontiguousarray(posteriors.T),
        confusions=confusions,
        priors=priors,
        log_likelihood=log_likelihood,
        n_iter=n_iter,
        converged=converged,
    )
