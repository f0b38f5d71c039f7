"""Quality report of a ``bbox`` project: box agreement between experts overall, per label,
per expert and per image, from one-to-one IoU matching (:func:`quality.match_boxes`).

Every pair of experts who boxed the same image is matched once; the counts are pooled the
way :func:`quality.box_agreement` pools them over images: F1 at IoU 0.5 =
2 · hits / (boxes of both), mean IoU = mean over matched pairs (PASCAL VOC criterion,
Everingham et al. 2010). An image on which no expert drew a box counts as full agreement.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.models import Project
from app.quality.consensus_lines import adjudicated_items, item_lines
from app.quality.items import ComputedReport, rounded
from app.quality.spans import (
    REVIEW_F1,
    Grid,
    answers_grid,
    expert_rows,
    group_by_item,
    review_list,
    upper_mean,
    without_consensus,
)
from quality import Box, match_boxes

IOU_THRESHOLD = 0.5


@dataclass
class Tally:
    """Pooled matching counts: hits at the threshold, boxes on both sides, IoU sum, matches."""

    hits: int = 0
    boxes: int = 0
    iou_sum: float = 0.0
    matched: int = 0

    def f1(self, empty: float = float("nan")) -> float:
        """2 · hits / boxes; ``empty`` when no box was drawn."""
        return 2.0 * self.hits / self.boxes if self.boxes else empty

    def mean_iou(self) -> float:
        """Mean IoU of the matched pairs (nan without a match)."""
        return self.iou_sum / self.matched if self.matched else float("nan")


def _corners(result: dict[str, Any]) -> list[Box]:
    """Stored (x, y, w, h, label) boxes as (x_min, y_min, x_max, y_max, label)."""
    return [
        (float(x), float(y), float(x) + float(w), float(y) + float(h), str(label))
        for x, y, w, h, label in result.get("boxes", [])
    ]


@dataclass
class _Tallies:
    pairs: dict[tuple[int, int], Tally]
    labels: dict[str, Tally]
    items: dict[int, Tally]
    overall: Tally


def _match_all(experts: list[int], items: list[int], answers: Grid) -> _Tallies:
    tallies = _Tallies({}, {}, {}, Tally())
    for item in items:
        boxed = [(e, _corners(answers[(e, item)])) for e in experts if (e, item) in answers]
        on_item = tallies.items.setdefault(item, Tally())
        for (ea, a), (eb, b) in itertools.combinations(boxed, 2):
            matches = match_boxes(a, b)
            by_label = [box[4] for box in a] + [box[4] for box in b]
            for label in by_label:
                tallies.labels.setdefault(label, Tally()).boxes += 1
            for i, _, iou in matches:  # matched boxes share their label
                label_tally = tallies.labels[a[i][4]]
                label_tally.hits += iou >= IOU_THRESHOLD
                label_tally.iou_sum += iou
                label_tally.matched += 1
            hits = sum(iou >= IOU_THRESHOLD for _, _, iou in matches)
            for tally in (tallies.pairs.setdefault((ea, eb), Tally()), on_item, tallies.overall):
                tally.hits += hits
                tally.boxes += len(a) + len(b)
                tally.iou_sum += sum(iou for _, _, iou in matches)
                tally.matched += len(matches)
    return tallies


def _pair_matrices(
    experts: list[int], pairs: dict[tuple[int, int], Tally]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    n = len(experts)
    f1, iou = np.full((n, n), np.nan), np.full((n, n), np.nan)
    for (a, b), tally in pairs.items():
        i, j = experts.index(a), experts.index(b)
        f1[i, j] = f1[j, i] = tally.f1()
        iou[i, j] = iou[j, i] = tally.mean_iou()
    np.fill_diagonal(f1, 1.0)
    np.fill_diagonal(iou, 1.0)
    return f1, iou


def bbox_report(project: Project) -> ComputedReport:
    """Box agreement of a ``bbox`` project: F1 at IoU 0.5 and mean IoU overall, per label
    (with its box count), per expert (with the others) and per image; the review list."""
    experts, items, answers, last = answers_grid(project)
    tallies = _match_all(experts, items, answers)
    answered = Counter(item for _, item in answers)
    per_item = {
        item: rounded(t.f1(empty=1.0)) if answered[item] > 1 else None
        for item, t in tallies.items.items()
    }
    decided = adjudicated_items(project.id)
    by_item = group_by_item(items, answers)
    review, review_total = review_list(
        per_item, REVIEW_F1, decided, without_consensus(project, by_item)
    )
    f1, iou = _pair_matrices(experts, tallies.pairs)
    drawn = Counter(str(box[4]) for result in answers.values() for box in result.get("boxes", []))
    labels = [*project.labels, *sorted(set(drawn) - set(project.labels))]
    payload = {
        "supported": True,
        "kind": "bbox",
        "overall": {
            "box_f1": rounded(tallies.overall.f1()),
            "mean_iou": rounded(tallies.overall.mean_iou()),
            "pairs_f1": upper_mean(f1),
            "iou_threshold": IOU_THRESHOLD,
            "items_answered": len(items),
            "adjudicated": len(decided & set(items)),
        },
        "per_label": [
            {
                "label": label,
                "box_f1": rounded(tallies.labels.get(label, Tally()).f1()),
                "mean_iou": rounded(tallies.labels.get(label, Tally()).mean_iou()),
                "boxes": drawn[label],
            }
            for label in labels
        ],
        "experts": expert_rows(project, experts, items, answers, mean_box_f1=f1, mean_iou=iou),
        "review": review,
        "review_total": review_total,
    }
    lines = item_lines(project, by_item, per_item)
    return ComputedReport(payload, None, len(answers), last, lines)
