"""Agreement between experts who clean the same texts (the ``clean`` task type).

``annotations[e][i]`` is expert e's cleaned version of item i, or ``None`` when e did not
clean item i — the raters × units layout used across :mod:`quality`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from quality.arrays import FloatArray, IntArray


def _code_points(text: str) -> IntArray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def levenshtein(a: str, b: str) -> int:
    """Edit distance: fewest single-character insertions, deletions and substitutions.

    Levenshtein (1966) distance by the Wagner–Fischer dynamic programme, one numpy row at a
    time (the in-row insertion chain is a running minimum). Works on Unicode code points,
    so a Chinese character counts as one. Returns a non-negative int.
    """
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    target = _code_points(b)
    steps = np.arange(target.size + 1, dtype=np.int64)
    previous = steps.copy()
    for i, char in enumerate(_code_points(a), start=1):
        candidates = np.empty_like(previous)
        candidates[0] = i
        np.minimum(previous[1:] + 1, previous[:-1] + (target != char), out=candidates[1:])
        previous = np.minimum.accumulate(candidates - steps) + steps
    return int(previous[-1])


def normalized_edit_distance(a: str, b: str) -> float:
    """Levenshtein distance divided by the longer length, in [0, 1]; 0.0 for two empty texts.

    d(a, b) = lev(a, b) / max(|a|, |b|) (Yujian & Bo 2007 discuss this normalisation).
    """
    longest = max(len(a), len(b))
    return levenshtein(a, b) / longest if longest else 0.0


@dataclass(frozen=True)
class TextAgreement:
    """``mean_similarity`` over items cleaned at least twice (nan if none); ``per_item``
    holds each item's mean pairwise similarity, nan where fewer than two experts cleaned it."""

    mean_similarity: float
    per_item: FloatArray


def text_agreement(annotations: Sequence[Sequence[str | None]]) -> TextAgreement:
    """Agreement of experts' cleaned texts: mean pairwise similarity 1 − d(a, b).

    d is :func:`normalized_edit_distance`. For every item the similarity is averaged over
    all pairs of experts who cleaned it; ``mean_similarity`` averages those item values
    (each item weighted equally). Raises ValueError when experts cover different item
    counts.
    """
    counts = {len(expert) for expert in annotations}
    if len(counts) > 1:
        raise ValueError(f"experts cover different item counts: {sorted(counts)}")
    n_items = counts.pop() if counts else 0
    per_item = np.full(n_items, np.nan)
    for item in range(n_items):
        texts = [text for expert in annotations if (text := expert[item]) is not None]
        pairs = list(itertools.combinations(texts, 2))
        if pairs:
            per_item[item] = np.mean([1.0 - normalized_edit_distance(x, y) for x, y in pairs])
    defined = per_item[~np.isnan(per_item)]
    mean = float(defined.mean()) if defined.size else float("nan")
    return TextAgreement(mean_similarity=mean, per_item=per_item)
