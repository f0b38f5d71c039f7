"""The stratified review sample and the exact Poisson bound on identifiers left."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest
from scipy.stats import poisson

from app.releases.sampling import (
    DocumentFindings,
    allocate,
    band,
    poisson_upper,
    residual_bound,
    sample_size,
    strata_summary,
    stratified_sample,
)

# Gehrels (1986), ApJ 303:336, table 1, one-sided upper limits at CL 0.95 (S = 1.645).
GEHRELS_95 = {0: 3.000, 1: 4.744, 2: 6.296, 3: 7.754, 4: 9.154, 5: 10.51, 10: 16.96}


@pytest.mark.parametrize(("missed", "upper"), sorted(GEHRELS_95.items()))
def test_poisson_upper_matches_the_published_table(missed: int, upper: float) -> None:
    assert poisson_upper(missed) == pytest.approx(upper, abs=0.006)


@pytest.mark.parametrize("missed", [0, 1, 4, 17, 250])
def test_poisson_upper_leaves_five_percent_below_the_observation(missed: int) -> None:
    # The defining property of the exact limit: P(X <= x | mean = upper) = 0.05.
    assert poisson.cdf(missed, poisson_upper(missed)) == pytest.approx(0.05, abs=1e-9)


def test_rule_of_three_none_missed_in_300_documents() -> None:
    bound = residual_bound(missed=0, sampled=300)
    assert bound.per_1000 == pytest.approx(9.986, abs=0.001)
    assert round(bound.per_1000) == 10


def test_bound_counts_only_documents_nobody_reviewed() -> None:
    bound = residual_bound(missed=2, sampled=1_000, population=100_000)
    assert bound.per_document == pytest.approx(6.296 / 1000, abs=1e-5)
    assert bound.left == pytest.approx(6.296 / 1000 * 99_000, rel=1e-3)
    assert bound.per_1000 == pytest.approx(6.233, abs=0.002)
    everything = residual_bound(missed=3, sampled=40, population=40)
    assert everything.left == 0 and everything.per_1000 == 0


def test_more_missed_identifiers_give_a_higher_bound() -> None:
    bounds = [residual_bound(x, 500, 20_000).per_1000 for x in range(6)]
    assert bounds == sorted(bounds) and len(set(bounds)) == 6


@pytest.mark.parametrize(
    ("missed", "sampled", "population"), [(-1, 10, None), (0, 0, None), (0, 11, 10)]
)
def test_impossible_counts_are_refused(missed: int, sampled: int, population: int | None) -> None:
    with pytest.raises(ValueError):
        residual_bound(missed, sampled, population)


@pytest.mark.parametrize("population", [1, 7, 50, 299, 300, 1_000, 100_000, 2_000_000])
def test_sample_size_is_the_least_that_can_meet_the_bound(population: int) -> None:
    n = sample_size(population, rate=0.001, bound_per_1000=10)
    assert 1 <= n <= population
    assert residual_bound(0, n, population).per_1000 <= 10
    if n > max(1, math.ceil(0.001 * population)):  # the bound, not the rate, set n
        assert residual_bound(0, n - 1, population).per_1000 > 10
    assert sample_size(100_000, rate=0.01, bound_per_1000=10) == 1_000
    assert sample_size(0, rate=0.01, bound_per_1000=10) == 0


def test_confidence_bands() -> None:
    assert [band(s) for s in (0.35, 0.59, 0.6, 0.84, 0.85, 1.0)] == [
        "low",
        "low",
        "mid",
        "mid",
        "high",
        "high",
    ]


def corpus(seed: int = 1, size: int = 2_000) -> list[DocumentFindings]:
    rng = random.Random(seed)
    documents = []
    for number in range(size):
        kind = rng.random()
        if kind < 0.5:
            findings: tuple[tuple[str, float], ...] = ()
        elif kind < 0.98:
            findings = tuple(
                ("PERSON", rng.choice([0.4, 0.7, 0.95])) for _ in range(rng.randint(1, 3))
            )
        else:
            findings = (("PERSON", 0.9), ("CN_PASSPORT", 0.99))
        documents.append(DocumentFindings(f"doc-{number}", findings))
    return documents


def test_sample_is_deterministic_given_the_seed_and_not_the_order() -> None:
    documents = corpus()
    first = stratified_sample(documents, 200, seed=42)
    shuffled = documents[:]
    random.Random(5).shuffle(shuffled)
    assert stratified_sample(shuffled, 200, seed=42) == first
    assert stratified_sample(documents, 200, seed=43) != first
    assert len(first) == len(set(first)) == 200


def test_sample_covers_every_stratum_in_proportion() -> None:
    documents = corpus()
    by_id = {d.document_id: d for d in documents}
    chosen = [by_id[i] for i in stratified_sample(documents, 200, seed=7)]
    summary, picked = strata_summary(documents), strata_summary(chosen)
    assert set(picked) == set(summary)  # rare passports and finding-free documents alike
    assert "CN_PASSPORT/high" in picked and "NONE" in picked
    for stratum, size in summary.items():
        assert abs(picked[stratum] - 200 * size / len(documents)) <= 1.5


def test_a_sample_as_large_as_the_release_takes_everything() -> None:
    documents = corpus(size=30)
    assert sorted(stratified_sample(documents, 50, seed=1)) == sorted(
        d.document_id for d in documents
    )


@pytest.mark.parametrize("seed", range(40))
def test_allocation_always_adds_up(seed: int) -> None:
    rng = random.Random(seed)
    sizes = {(f"T{k}", ""): rng.choice([1, 1, 2, 5, 40, 900]) for k in range(rng.randint(1, 9))}
    total = rng.randint(1, sum(sizes.values()))
    counts = allocate(sizes, total)
    assert sum(counts.values()) == total
    assert all(0 <= counts[k] <= sizes[k] for k in counts)
    if total >= len(sizes):
        assert min(counts.values()) >= 1
    assert Counter(counts) == Counter(allocate(dict(reversed(sizes.items())), total))
