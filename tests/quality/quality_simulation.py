"""Simulated crowd answers with known worker confusion matrices, for consensus tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SimulatedCrowd:
    triples: np.ndarray  # rows (item, worker, label)
    truth: np.ndarray  # true class per item
    confusions: np.ndarray  # workers × true class × answered class


def simulate_crowd(
    seed: int,
    n_items: int = 2000,
    n_workers: int = 8,
    n_classes: int = 4,
    missing: float = 0.3,
    accuracy: tuple[float, float] = (0.35, 0.9),
) -> SimulatedCrowd:
    """Draw answers: worker w answers k for an item of class c with probability conf[w, c, k]."""
    rng = np.random.default_rng(seed)
    truth = rng.choice(n_classes, n_items, p=rng.dirichlet(np.full(n_classes, 3.0)))
    confusions = np.empty((n_workers, n_classes, n_classes))
    for worker in range(n_workers):
        correct = rng.uniform(*accuracy)
        for c in range(n_classes):
            wrong = rng.dirichlet(np.ones(n_classes - 1)) * (1.0 - correct)
            confusions[worker, c] = np.insert(wrong, c, correct)
    items, workers = np.meshgrid(np.arange(n_items), np.arange(n_workers), indexing="ij")
    keep = rng.random(items.shape) >= missing
    items, workers = items[keep], workers[keep]
    cumulative = confusions[workers, truth[items]].cumsum(axis=1)
    labels = np.minimum((rng.random(items.size)[:, None] > cumulative).sum(axis=1), n_classes - 1)
    return SimulatedCrowd(np.column_stack([items, workers, labels]), truth, confusions)
