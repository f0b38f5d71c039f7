"""Agreement of multi-label classification: each expert picks a set of labels per item.

- Jaccard agreement of two answers is |A ∩ B| / |A ∪ B|, and 1 when both chose nothing.
- Per label, Krippendorff's α (nominal) over "chosen / not chosen" for every expert and
  item: how well the experts agree on that label alone, corrected for chance.
- The consensus is taken label by label: a label is in it when more than half of the item's
  experts chose it; exactly half on any label is a tie, and the item goes to review.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

import numpy as np

from quality.alpha import krippendorff_alpha

LabelSet = AbstractSet[str]


def jaccard(a: LabelSet, b: LabelSet) -> float:
    """|a ∩ b| / |a ∪ b|; 1.0 when both are empty (they agree that nothing applies)."""
    union = len(a | b)
    return 1.0 if union == 0 else len(a & b) / union


def mean_pairwise_jaccard(answers: Sequence[LabelSet]) -> float:
    """The mean Jaccard agreement over every pair of answers; nan below two answers."""
    scores = [jaccard(a, b) for a, b in itertools.combinations(answers, 2)]
    return float(np.mean(scores)) if scores else math.nan


def label_alpha(grid: Sequence[Sequence[LabelSet | None]], label: str) -> float:
    """Krippendorff's α (nominal) of one label over an experts × items grid of answers (None
    where the expert did not answer the item); nan when undefined."""
    matrix = np.array(
        [[math.nan if cell is None else float(label in cell) for cell in row] for row in grid],
        dtype=np.float64,
    )
    if matrix.size == 0:
        return math.nan
    return krippendorff_alpha(matrix, "nominal")


def merge_label_sets(answers: Sequence[LabelSet]) -> list[str] | None:
    """The labels more than half of the answers chose, sorted; None on a tie (exactly half
    of the answers chose some label) or without answers."""
    if not answers:
        return None
    voters = len(answers)
    votes: dict[str, int] = {}
    for answer in answers:
        for label in answer:
            votes[label] = votes.get(label, 0) + 1
    if any(2 * count == voters for count in votes.values()):
        return None
    return sorted(label for label, count in votes.items() if 2 * count > voters)
