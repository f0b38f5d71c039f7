"""The review sample and the residual bound it proves.

Reviewers cannot read every document of a large release, so they read a sample stratified
by entity type and by finding confidence (documents without findings are a stratum of their
own: that is where missed identifiers hide).  Every identifier a reviewer adds to a sampled
document is one the analyser missed; from ``x`` missed in ``n`` sampled documents follows an
exact upper 95 % bound on the identifiers left per 1,000 documents of the release.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

NO_FINDINGS = "NONE"
# Confidence bands (upper edges): findings the analyser was least sure of form their own
# strata, so they are reviewed even when they are rare.
BANDS: tuple[tuple[str, float], ...] = (("low", 0.6), ("mid", 0.85), ("high", math.inf))
CONFIDENCE = 0.95


@dataclass(frozen=True)
class DocumentFindings:
    """What the sampler needs of one analysed document: its id and ``(entity_type, score)``
    of each finding."""

    document_id: Hashable
    findings: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class ResidualBound:
    """An upper bound on missed identifiers: ``per_document`` is the one-sided upper bound
    on the analyser's miss rate per document; ``left`` the identifiers that may remain in
    the documents nobody reviewed; ``per_1000`` that over the whole release, per 1,000
    documents (what a policy's ``residual_bound`` is compared with)."""

    missed: int
    sampled: int
    population: int | None
    confidence: float
    per_document: float
    left: float | None
    per_1000: float


def band(score: float) -> str:
    """The confidence band (``low`` < 0.6 ≤ ``mid`` < 0.85 ≤ ``high``) of a finding score."""
    return next(name for name, upper in BANDS if score < upper)


def stratum_of(document: DocumentFindings, rarity: Counter[str]) -> tuple[str, str]:
    """The stratum ``(entity type, band)`` of a document: its entity type that is rarest in
    the release (so a rare type is not drowned by names), with the band of its least
    confident finding; ``(NONE, "")`` for a document without findings."""
    if not document.findings:
        return (NO_FINDINGS, "")
    entity = min({e for e, _ in document.findings}, key=lambda e: (rarity[e], e))
    return (entity, band(min(score for _, score in document.findings)))


def _poisson_tail(count: int, mean: float) -> tuple[float, float]:
    """``(P(X ≤ count), P(X = count))`` for X ~ Poisson(``mean``), in log space."""
    step, logs = math.log(mean), [-mean]
    for k in range(1, count + 1):
        logs.append(logs[-1] + step - math.log(k))
    top = max(logs)
    return min(1.0, math.exp(top) * math.fsum(math.exp(v - top) for v in logs)), math.exp(logs[-1])


def poisson_upper(missed: int, confidence: float = CONFIDENCE) -> float:
    """Exact one-sided upper confidence limit of a Poisson mean after observing ``missed``
    events: the mean μ with P(X ≤ missed; μ) = 1 − confidence, which equals
    ``chi2.ppf(confidence, 2 (missed + 1)) / 2`` (Garwood 1936, Biometrika 28:437;
    tabulated by Gehrels 1986, ApJ 303:336: 3.00, 4.74, 6.30, 7.75 … at 95 % for 0, 1, 2,
    3 …).  ``missed = 0`` gives −ln 0.05 ≈ 3, the "rule of three".  Solved by Newton's
    method (d/dμ P(X ≤ x) = −P(X = x)) kept inside a shrinking bracket, so the web app
    needs no scipy.  Raises ``ValueError`` for a negative count or a confidence outside
    (0, 1)."""
    if missed < 0 or not 0 < confidence < 1:
        raise ValueError("missed must be ≥ 0 and confidence in (0, 1)")
    alpha = 1 - confidence
    if missed == 0:
        return -math.log(alpha)
    low, high = 0.0, missed + 10.0 * math.sqrt(missed) - 10.0 * math.log(alpha)
    mean = (low + high) / 2
    for _ in range(200):
        below, mass = _poisson_tail(missed, mean)
        low, high = (mean, high) if below > alpha else (low, mean)
        step = mean + (below - alpha) / mass if mass > 0 else math.nan
        previous, mean = mean, step if low < step < high else (low + high) / 2
        if abs(mean - previous) <= 1e-13 * mean:
            break
    return mean


def residual_bound(
    missed: int, sampled: int, population: int | None = None, confidence: float = CONFIDENCE
) -> ResidualBound:
    """Upper bound on identifiers left per 1,000 documents, from ``missed`` identifiers the
    reviewers added in ``sampled`` documents of a release of ``population`` documents.

    The missed count in the sample is taken as Poisson with mean ``n λ``; the exact upper
    limit (``poisson_upper``, Garwood) divided by ``n`` bounds λ, the misses per document.
    Reviewed documents are corrected by their reviewers, so only the ``N − n`` unreviewed
    ones carry residual identifiers: ``left = λ_U (N − n)`` and ``per_1000 = 1000 left / N``.
    Without a population (an unbounded release) ``per_1000 = 1000 λ_U``; x = 0 of n = 300
    gives ≈ 9.99.  Raises ``ValueError`` when ``sampled`` is not positive or exceeds the
    population."""
    if sampled <= 0 or (population is not None and sampled > population):
        raise ValueError("sampled must be positive and at most the population")
    per_document = poisson_upper(missed, confidence) / sampled
    if population is None:
        return ResidualBound(
            missed, sampled, None, confidence, per_document, None, 1000 * per_document
        )
    left = per_document * (population - sampled)
    return ResidualBound(
        missed, sampled, population, confidence, per_document, left, 1000 * left / population
    )


def sample_size(
    population: int, rate: float, bound_per_1000: float, confidence: float = CONFIDENCE
) -> int:
    """Documents to review: ``ceil(rate N)``, but at least the smallest ``n`` for which no
    miss (x = 0) meets ``bound_per_1000`` through ``residual_bound`` — solving
    ``1000 U (N − n) / (n N) ≤ B`` with ``U = poisson_upper(0)`` gives
    ``n ≥ 1000 U N / (B N + 1000 U)`` — and never more than ``N``."""
    if population <= 0:
        return 0
    upper = poisson_upper(0, confidence)
    needed = math.ceil(1000 * upper * population / (bound_per_1000 * population + 1000 * upper))
    return min(population, max(math.ceil(rate * population), needed, 1))


def allocate(sizes: dict[tuple[str, str], int], total: int) -> dict[tuple[str, str], int]:
    """Split ``total`` over strata in proportion to ``sizes`` (largest remainders, ties by
    stratum name), giving every non-empty stratum at least one when ``total`` allows."""
    strata = sorted(k for k, size in sizes.items() if size > 0)
    population = sum(sizes[k] for k in strata)
    if total >= population:
        return {k: sizes[k] for k in strata}
    floor = 1 if total >= len(strata) else 0
    shares = {k: total * sizes[k] / population for k in strata}
    counts = {k: max(floor, math.floor(shares[k])) for k in strata}
    by_remainder = sorted(strata, key=lambda k: (-(shares[k] - math.floor(shares[k])), k))
    while sum(counts.values()) < total:
        for k in (k for k in by_remainder if counts[k] < sizes[k]):
            counts[k] += 1
            if sum(counts.values()) == total:
                break
    while sum(counts.values()) > total:  # the floors overshot: take from the largest
        k = max(strata, key=lambda s: (counts[s], s))
        counts[k] -= 1
    return counts


def stratified_sample(
    documents: Sequence[DocumentFindings], size: int, seed: int | str
) -> list[Hashable]:
    """Choose ``size`` document ids, stratified by ``stratum_of`` with proportional
    allocation (``allocate``) and a simple random sample within each stratum.

    Deterministic: the same documents (in any order), size and ``seed`` give the same
    sample.  Returns the ids sorted by stratum, then by their order within the draw."""
    rarity: Counter[str] = Counter(e for d in documents for e in {e for e, _ in d.findings})
    strata: dict[tuple[str, str], list[DocumentFindings]] = {}
    for document in documents:
        strata.setdefault(stratum_of(document, rarity), []).append(document)
    counts = allocate({k: len(v) for k, v in strata.items()}, size)
    chosen: list[Hashable] = []
    for key in sorted(counts):
        members = sorted(strata[key], key=lambda d: repr(d.document_id))
        rng = random.Random(f"{seed}:{key[0]}:{key[1]}")
        chosen += [d.document_id for d in rng.sample(members, counts[key])]
    return chosen


def strata_summary(documents: Iterable[DocumentFindings]) -> dict[str, int]:
    """Documents per stratum, keyed ``"PERSON/low"`` … and ``"NONE"``, for the review page."""
    documents = list(documents)
    rarity: Counter[str] = Counter(e for d in documents for e in {e for e, _ in d.findings})
    summary: Counter[str] = Counter()
    for document in documents:
        entity, level = stratum_of(document, rarity)
        summary[f"{entity}/{level}" if level else entity] += 1
    return dict(sorted(summary.items()))
