"""Majority vote and Dawid–Skene on hand-made answers, simulated crowds and against crowd-kit."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from quality_simulation import simulate_crowd

from quality import dawid_skene, majority_vote

# crowd-kit 1.4.1 uses pandas APIs that pandas 3 deprecates; that is its noise, not ours.
pytestmark = pytest.mark.filterwarnings("ignore::Warning:crowdkit.*")


def _crowdkit_fit(triples: np.ndarray, n_classes: int, **options: Any) -> Any:
    pd = pytest.importorskip("pandas")
    aggregation = pytest.importorskip("crowdkit.aggregation")
    frame = pd.DataFrame(triples, columns=["task", "worker", "label"])
    model = aggregation.DawidSkene(**options).fit(frame)
    probas = model.probas_.sort_index()[list(range(n_classes))].to_numpy()
    return probas


# Dawid & Skene (1979) Table 1: 45 patients rated 1-4 by five anaesthetists; anaesthetist 1
# rated every patient three times. Per patient: anaesthetist 1 (x3), then 2, 3, 4, 5.
DAWID_SKENE_1979 = """
1111111 3334334 1122122 2223121 2223222 2223322 1222111 3333433 2222223 2322223
4444444 2223343 1111111 2223212 1211111 1112111 1111111 1111111 2222221 2221322
2222222 2222221 2223222 2212222 1111111 1111111 2322222 1111111 1111111 1121121
1111111 3333233 1111111 2222222 2223232 4334343 2212232 2323233 3333432 1111111
1111111 1212111 2322222 1211111 2222222
""".split()


def _dawid_skene_1979_triples() -> np.ndarray:
    raters = [0, 0, 0, 1, 2, 3, 4]
    return np.array(
        [
            (patient, rater, int(rating) - 1)
            for patient, ratings in enumerate(DAWID_SKENE_1979)
            for rater, rating in zip(raters, ratings, strict=True)
        ]
    )


def test_dawid_skene_on_the_1979_anaesthetist_data_matches_crowdkit_em() -> None:
    triples = _dawid_skene_1979_triples()
    ours = dawid_skene(triples, 4, max_iter=500, tol=1e-12)
    # crowd-kit's own stopping rule can halt after a few rounds (its loss is not monotone),
    # so run it for a fixed number of EM rounds, well past our convergence point.
    theirs = _crowdkit_fit(triples, 4, n_iter=max(ours.n_iter, 100), tol=-np.inf)
    assert ours.converged
    np.testing.assert_allclose(ours.posteriors, theirs, atol=1e-6)
    unanimous = [i for i, r in enumerate(DAWID_SKENE_1979) if len(set(r)) == 1]
    assert [ours.labels[i] + 1 for i in unanimous] == [
        int(DAWID_SKENE_1979[i][0]) for i in unanimous
    ]


def test_dawid_skene_log_likelihood_never_decreases() -> None:
    triples = simulate_crowd(3, n_items=500).triples
    history = [dawid_skene(triples, 4, max_iter=k, tol=0.0).log_likelihood for k in range(1, 40)]
    assert np.all(np.diff(history) >= -1e-12)
    assert history[-1] > history[0]


def test_majority_vote_picks_most_frequent_smallest_on_tie_and_marks_unanswered() -> None:
    triples = np.array(
        [
            [0, 0, 2], [0, 1, 2], [0, 2, 1],  # item 0: 2 wins
            [1, 0, 1], [1, 1, 0],  # item 1: tie 0/1 -> 0
            [3, 2, 3],  # item 2 has no answers; item 3 has one
        ]
    )  # fmt: skip
    assert majority_vote(triples, 4).tolist() == [2, 0, -1, 3]


def test_dawid_skene_recovers_truth_at_least_as_well_as_crowdkit() -> None:
    for seed in range(5):
        crowd = simulate_crowd(seed)
        ours = dawid_skene(crowd.triples, 4)
        theirs = _crowdkit_fit(crowd.triples, 4, n_iter=100, tol=1e-6).argmax(axis=1)
        ours_correct = int((ours.labels == crowd.truth).sum())
        theirs_correct = int((theirs == crowd.truth).sum())
        voted_correct = int((majority_vote(crowd.triples, 4) == crowd.truth).sum())
        # Both stop at a tolerance, so an item sitting on a 50/50 posterior may flip.
        assert ours_correct >= theirs_correct - 1, seed
        assert ours_correct > voted_correct + 0.03 * crowd.truth.size, seed


def test_dawid_skene_posteriors_match_crowdkit_when_converged() -> None:
    crowd = simulate_crowd(11, n_items=1000, n_workers=6, n_classes=3)
    ours = dawid_skene(crowd.triples, 3, max_iter=2000, tol=1e-12)
    theirs = _crowdkit_fit(crowd.triples, 3, n_iter=ours.n_iter + 20, tol=-np.inf)
    assert ours.converged
    np.testing.assert_allclose(ours.posteriors, theirs, atol=1e-4)


def test_dawid_skene_estimates_worker_confusion_matrices() -> None:
    crowd = simulate_crowd(5, n_items=20000, n_workers=5, n_classes=3, missing=0.2)
    result = dawid_skene(crowd.triples, 3)
    assert np.abs(result.confusions - crowd.confusions).max() < 0.05
    expected_accuracy = np.diagonal(crowd.confusions, axis1=1, axis2=2) @ result.priors
    np.testing.assert_allclose(result.worker_accuracy, expected_accuracy, atol=0.03)


def test_dawid_skene_trusts_the_good_workers_over_a_spamming_majority() -> None:
    rng = np.random.default_rng(2)
    n = 3000
    truth = rng.integers(0, 3, n)
    good = [
        np.where(rng.random(n) < 0.9, truth, (truth + rng.integers(1, 3, n)) % 3) for _ in range(3)
    ]
    spam = [rng.integers(0, 3, n) for _ in range(4)]
    triples = np.concatenate(
        [
            np.column_stack([np.arange(n), np.full(n, w), labels])
            for w, labels in enumerate(good + spam)
        ]
    )
    result = dawid_skene(triples, 3)
    # Three independent 90 % workers are right by majority 97.2 % of the time.
    assert (result.labels == truth).mean() > 0.96
    assert (majority_vote(triples, 3) == truth).mean() < 0.9
    assert result.worker_accuracy[:3].min() > 0.85
    assert result.worker_accuracy[3:].max() < 0.4


def test_dawid_skene_result_shapes_and_unanswered_items() -> None:
    triples = np.array([[0, 0, 1], [0, 1, 1], [2, 0, 0], [2, 1, 0], [3, 1, 1]])
    result = dawid_skene(triples, 2)
    assert result.posteriors.shape == (4, 2)
    assert result.confusions.shape == (2, 2, 2)
    np.testing.assert_allclose(result.posteriors.sum(axis=1), 1.0)
    np.testing.assert_allclose(result.confusions.sum(axis=2), 1.0)
    np.testing.assert_allclose(result.posteriors[1], result.priors)
    assert result.labels.tolist() == [1, int(result.priors.argmax()), 0, 1]


def test_dawid_skene_empty_and_invalid_input() -> None:
    empty = dawid_skene(np.zeros((0, 3), dtype=int), 3)
    assert empty.labels.size == 0 and empty.posteriors.shape == (0, 3)
    with pytest.raises(ValueError, match="outside"):
        dawid_skene(np.array([[0, 0, 3]]), 3)
    with pytest.raises(ValueError, match="shape"):
        dawid_skene(np.array([[0, 0]]), 3)
    with pytest.raises(ValueError, match="non-negative"):
        dawid_skene(np.array([[0, -1, 0]]), 3)
    with pytest.raises(ValueError, match="integers"):
        dawid_skene(np.array([[0.0, 1.0, 0.5]]), 3)
    with pytest.raises(ValueError, match="max_iter"):
        dawid_skene(np.array([[0, 0, 0]]), 3, max_iter=0)


def test_item_and_worker_counts_pad_ids_without_answers() -> None:
    triples = np.array([[0, 0, 1], [0, 1, 1], [1, 1, 0]])
    assert majority_vote(triples, 2, n_items=4).tolist() == [1, 0, -1, -1]
    result = dawid_skene(triples, 2, n_items=4, n_workers=3)
    assert result.posteriors.shape == (4, 2) and result.confusions.shape == (3, 2, 2)
    np.testing.assert_allclose(result.posteriors[2:], [result.priors, result.priors])
    np.testing.assert_allclose(result.confusions[2], 0.5)
    with pytest.raises(ValueError, match="n_items = 1"):
        dawid_skene(triples, 2, n_items=1)
    with pytest.raises(ValueError, match="n_workers = 1"):
        dawid_skene(triples, 2, n_workers=1)


def test_dawid_skene_without_answers_is_uniform() -> None:
    result = dawid_skene(np.zeros((0, 3), dtype=int), 2, n_items=3, n_workers=2)
    np.testing.assert_allclose(result.posteriors, 0.5)
    np.testing.assert_allclose(result.confusions, 0.5)


def _contrary_pair() -> tuple[np.ndarray[Any, Any], dict[int, int]]:
    """Two workers on 6 items and 3 check items (6, 7, 8) of 3 classes: worker 0 answers
    the truth, worker 1 always a wrong class; the issue's k = 2 case."""
    truth = [0, 1, 2, 0, 1, 2, 0, 1, 2]
    rows = [(i, 0, t) for i, t in enumerate(truth)] + [
        (i, 1, (t + 1) % 3) for i, t in enumerate(truth)
    ]
    return np.array(rows), {6: 0, 7: 1, 8: 2}


def test_dawid_skene_with_check_items_trusts_the_expert_who_passed_them() -> None:
    rows, known = _contrary_pair()
    anchored = dawid_skene(rows, 3, known=known)
    assert anchored.worker_accuracy[0] > 0.9 > 0.1 > anchored.worker_accuracy[1]
    assert anchored.labels.tolist() == [0, 1, 2, 0, 1, 2, 0, 1, 2]


def test_dawid_skene_refuses_known_classes_out_of_range() -> None:
    rows, _ = _contrary_pair()
    with pytest.raises(ValueError):
        dawid_skene(rows, 3, known={6: 3})
    with pytest.raises(ValueError):
        dawid_skene(rows, 3, known={60: 0})
