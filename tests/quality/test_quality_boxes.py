"""Box agreement for the `bbox` task: IoU, Hungarian matching, mean IoU and F1 at IoU 0.5."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from quality import box_agreement, iou_matrix, match_boxes, pairwise_box_agreement
from quality.boxes import Box, ExpertBoxes


def _iou_by_hand(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union


def test_iou_of_known_boxes() -> None:
    matrix = iou_matrix([[0, 0, 2, 2]], [[1, 1, 3, 3], [0, 0, 2, 2], [2, 0, 4, 2], [5, 5, 6, 6]])
    np.testing.assert_allclose(matrix, [[1 / 7, 1.0, 0.0, 0.0]])


def test_iou_matrix_matches_pairwise_formula_on_random_boxes() -> None:
    rng = np.random.default_rng(0)
    corners = rng.uniform(0, 100, (2, 12, 2))
    sizes = rng.uniform(1, 40, (2, 12, 2))
    a, b = (np.hstack([corners[k], corners[k] + sizes[k]]) for k in range(2))
    expected = [[_iou_by_hand(tuple(x), tuple(y)) for y in b] for x in a]
    np.testing.assert_allclose(iou_matrix(a, b), expected, rtol=1e-12)


def _random_boxes(rng: np.random.Generator, n: int) -> list[Box]:
    boxes: list[Box] = []
    for x, y, w, h in rng.uniform(0, 30, (n, 4)):
        boxes.append((float(x), float(y), float(x + w + 1), float(y + h + 1), "car"))
    return boxes


@pytest.mark.parametrize("seed", range(10))
def test_matching_maximises_total_iou_like_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    a, b = _random_boxes(rng, 5), _random_boxes(rng, 4)
    overlap = iou_matrix([x[:4] for x in a], [y[:4] for y in b])
    best = max(
        sum(overlap[i, j] for i, j in zip(rows, range(4), strict=False))
        for rows in itertools.permutations(range(5), 4)
    )
    matched = match_boxes(a, b)
    assert sum(iou for _, _, iou in matched) == pytest.approx(best)
    assert len({i for i, _, _ in matched}) == len(matched) == len({j for _, j, _ in matched})


def test_matching_never_pairs_different_labels() -> None:
    a: list[Box] = [(0, 0, 10, 10, "car")]
    b: list[Box] = [(0, 0, 10, 10, "truck"), (2, 2, 10, 10, "car")]
    [(i, j, iou)] = match_boxes(a, b)
    assert (i, j) == (0, 1)
    assert iou == pytest.approx(0.64)


def test_box_agreement_counts_hits_at_the_threshold() -> None:
    a: ExpertBoxes = [
        [(0, 0, 10, 10, "car"), (20, 20, 30, 30, "car"), (50, 50, 60, 60, "person")],
        None,
    ]
    b: ExpertBoxes = [
        [(0, 0, 10, 10, "car"), (24, 20, 34, 30, "car")],  # IoU 1.0 and 60/140
        [(0, 0, 1, 1, "car")],
    ]
    result = box_agreement(a, b)
    assert (result.hits, result.boxes_a, result.boxes_b) == (1, 3, 2)
    assert result.mean_iou == pytest.approx((1.0 + 60 / 140) / 2)
    assert result.f1 == pytest.approx(2 * 1 / 5)
    assert (result.precision, result.recall) == pytest.approx((1 / 3, 1 / 2))
    assert box_agreement(a, b, iou_threshold=0.4).hits == 2


def test_box_agreement_without_boxes_and_invalid_input() -> None:
    empty = box_agreement([[]], [[]])
    assert math.isnan(empty.f1) and math.isnan(empty.mean_iou)
    with pytest.raises(ValueError, match="x_min < x_max"):
        box_agreement([[(5, 0, 1, 1, "car")]], [[]])
    with pytest.raises(ValueError, match="iou_threshold"):
        box_agreement([[]], [[]], iou_threshold=0.0)
    with pytest.raises(ValueError, match="different image counts"):
        box_agreement([[]], [[], []])


def test_pairwise_matrices_are_symmetric() -> None:
    one: ExpertBoxes = [[(0, 0, 10, 10, "car")]]
    two: ExpertBoxes = [[(1, 0, 11, 10, "car")]]
    three: ExpertBoxes = [None]
    result = pairwise_box_agreement([one, two, three])
    np.testing.assert_allclose(result.f1, result.f1.T)
    assert result.f1[0, 1] == 1.0
    assert result.mean_iou[0, 1] == pytest.approx(90 / 110)
    assert math.isnan(result.f1[0, 2])
    np.testing.assert_allclose(np.diag(result.mean_iou), 1.0)
