"""Agreement between experts on bounding boxes (the ``bbox`` task type).

A box is ``(x_min, y_min, x_max, y_max, label)`` in pixels. ``annotations[e][i]`` is expert
e's list of boxes on image i, or ``None`` when e did not annotate i.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from quality.arrays import FloatArray

Box = tuple[float, float, float, float, str]
ExpertBoxes = Sequence[Sequence[Box] | None]


def _coordinates(boxes: Sequence[Box]) -> FloatArray:
    coords = np.array([box[:4] for box in boxes], dtype=np.float64).reshape(-1, 4)
    positive = (coords[:, 2:] > coords[:, :2]).all()
    if not (np.isfinite(coords).all() and positive):
        raise ValueError("boxes need finite coordinates with x_min < x_max and y_min < y_max")
    return coords


def iou_matrix(a: npt.ArrayLike, b: npt.ArrayLike) -> FloatArray:
    """Intersection over union of every box in ``a`` (n × 4) with every box in ``b`` (m × 4).

    Rows are ``(x_min, y_min, x_max, y_max)``. IoU = area(A ∩ B) / area(A ∪ B) (Jaccard
    index; Everingham et al. 2010, PASCAL VOC). Returns an n × m float matrix.
    """
    left, right = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    low = np.maximum(left[:, None, :2], right[None, :, :2])
    high = np.minimum(left[:, None, 2:], right[None, :, 2:])
    intersection = np.clip(high - low, 0.0, None).prod(axis=2)
    area_l = (left[:, 2:] - left[:, :2]).prod(axis=1)
    area_r = (right[:, 2:] - right[:, :2]).prod(axis=1)
    union = area_l[:, None] + area_r[None, :] - intersection
    return np.asarray(intersection / union, dtype=np.float64)


def match_boxes(a: Sequence[Box], b: Sequence[Box]) -> list[tuple[int, int, float]]:
    """One-to-one matching of ``a`` to ``b`` that maximises the summed IoU (Hungarian method).

    Only boxes with the same label and a positive IoU can be matched; returns
    ``(index in a, index in b, IoU)`` triples. Solved with the Hungarian algorithm (Kuhn
    1955) via ``scipy.optimize.linear_sum_assignment``. Raises ValueError on a bad box and
    ImportError when scipy is not installed.
    """
    # Imported here so that `import quality` works where scipy (only boxes need it) is absent.
    from scipy.optimize import linear_sum_assignment

    if not a or not b:
        return []
    overlap = iou_matrix(_coordinates(a), _coordinates(b))
    same_label = np.array([[x[4] == y[4] for y in b] for x in a])
    overlap = np.where(same_label, overlap, 0.0)
    rows, cols = linear_sum_assignment(overlap, maximize=True)
    pairs = zip(rows.tolist(), cols.tolist(), strict=True)
    return [(i, j, float(overlap[i, j])) for i, j in pairs if overlap[i, j] > 0]


@dataclass(frozen=True)
class BoxAgreement:
    """Agreement of two experts' boxes, summed over the images both annotated.

    ``mean_iou``: mean IoU of matched pairs (nan if none); ``f1``, ``precision``,
    ``recall``: matched pairs with IoU ≥ the threshold count as hits (nan if neither
    expert drew a box); ``hits``, ``boxes_a``, ``boxes_b``: the underlying counts.
    """

    mean_iou: float
    f1: float
    precision: float
    recall: float
    hits: int
    boxes_a: int
    boxes_b: int


def box_agreement(a: ExpertBoxes, b: ExpertBoxes, iou_threshold: float = 0.5) -> BoxAgreement:
    """Compare two experts' boxes image by image: Hungarian matching, mean IoU and F1@IoU.

    ``a[i]`` and ``b[i]`` are the experts' boxes on image i (``None`` = not annotated; such
    images are skipped). Per image, boxes are matched by :func:`match_boxes`; a matched pair
    with IoU ≥ ``iou_threshold`` is a hit. precision = hits / boxes of a, recall = hits /
    boxes of b, F1 = 2 · hits / (boxes of a + boxes of b) (PASCAL VOC criterion, Everingham
    et al. 2010). Raises ValueError for unequal image counts, a bad box or a threshold
    outside (0, 1].
    """
    if not 0.0 < iou_threshold <= 1.0:
        raise ValueError(f"iou_threshold must be in (0, 1], got {iou_threshold}")
    if len(a) != len(b):
        raise ValueError(f"experts cover different image counts: {len(a)} != {len(b)}")
    ious: list[float] = []
    boxes_a = boxes_b = 0
    for boxes_on_a, boxes_on_b in zip(a, b, strict=True):
        if boxes_on_a is None or boxes_on_b is None:
            continue
        _coordinates(boxes_on_a)
        _coordinates(boxes_on_b)
        boxes_a, boxes_b = boxes_a + len(boxes_on_a), boxes_b + len(boxes_on_b)
        ious.extend(iou for _, _, iou in match_boxes(boxes_on_a, boxes_on_b))
    hits = sum(iou >= iou_threshold for iou in ious)
    total = boxes_a + boxes_b
    return BoxAgreement(
        mean_iou=float(np.mean(ious)) if ious else float("nan"),
        f1=2.0 * hits / total if total else float("nan"),
        precision=hits / boxes_a if boxes_a else float("nan"),
        recall=hits / boxes_b if boxes_b else float("nan"),
        hits=hits,
        boxes_a=boxes_a,
        boxes_b=boxes_b,
    )


@dataclass(frozen=True)
class PairwiseBoxAgreement:
    """Experts × experts matrices of :class:`BoxAgreement` mean IoU and F1 (1.0 diagonal)."""

    mean_iou: FloatArray
    f1: FloatArray


def pairwise_box_agreement(
    annotations: Sequence[ExpertBoxes], iou_threshold: float = 0.5
) -> PairwiseBoxAgreement:
    """:func:`box_agreement` between every pair of experts, as two symmetric matrices.

    ``annotations[e][i]`` is expert e's boxes on image i or ``None``. Entries are nan where
    a pair shares no image with a box. Raises ValueError as :func:`box_agreement` does.
    """
    n = len(annotations)
    mean_iou, f1 = np.eye(n), np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            pair = box_agreement(annotations[i], annotations[j], iou_threshold)
            mean_iou[i, j] = mean_iou[j, i] = pair.mean_iou
            f1[i, j] = f1[j, i] = pair.f1
    return PairwiseBoxAgreement(mean_iou=mean_iou, f1=f1)
