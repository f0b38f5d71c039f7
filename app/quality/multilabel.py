"""The quality report of a multi-label classification project: Jaccard agreement between
experts (overall, per expert, per item) and Krippendorff's α per label, from
:mod:`quality.multilabel`; items whose experts agree less than ``REVIEW_JACCARD`` or that have
no per-label majority go to review."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from app.models import Project
from app.quality.consensus_lines import adjudicated_items, item_lines
from app.quality.items import ComputedReport, rounded
from app.quality.spans import (
    Grid,
    answers_grid,
    expert_rows,
    group_by_item,
    review_list,
    upper_mean,
    without_consensus,
)
from quality.multilabel import jaccard, label_alpha, mean_pairwise_jaccard

REVIEW_JACCARD = 0.5  # items whose experts' label sets agree less than this go to review


def _labels(result: dict[str, Any]) -> frozenset[str]:
    return frozenset(str(label) for label in result.get("labels", []))


def _pairwise_jaccard(experts: list[int], items: list[int], answers: Grid) -> np.ndarray[Any, Any]:
    """Experts × experts: the mean Jaccard agreement over the items both answered."""
    n = len(experts)
    matrix = np.eye(n)
    for a, b in itertools.combinations(range(n), 2):
        scores = [
            jaccard(_labels(answers[(experts[a], i)]), _labels(answers[(experts[b], i)]))
            for i in items
            if (experts[a], i) in answers and (experts[b], i) in answers
        ]
        matrix[a, b] = matrix[b, a] = float(np.mean(scores)) if scores else math.nan
    return matrix


def _per_item(by_item: dict[int, list[dict[str, Any]]]) -> dict[int, float | None]:
    out: dict[int, float | None] = {}
    for item, results in by_item.items():
        score = mean_pairwise_jaccard([_labels(r) for r in results])
        out[item] = None if math.isnan(score) else rounded(score)
    return out


def _per_label(
    project: Project, experts: list[int], items: list[int], answers: Grid
) -> list[dict[str, Any]]:
    grid = [
        [_labels(answers[(e, i)]) if (e, i) in answers else None for i in items] for e in experts
    ]
    return [
        {
            "label": label,
            "alpha": rounded(label_alpha(grid, label)) if len(experts) > 1 else None,
            "chosen": sum(label in _labels(r) for r in answers.values()),
        }
        for label in project.labels
    ]


def multilabel_report(project: Project) -> ComputedReport:
    """Every figure of a multi-label classification report, with its per-item lines."""
    experts, items, answers, last = answers_grid(project)
    by_item = group_by_item(items, answers)
    per_item = _per_item(by_item)
    decided = adjudicated_items(project.id)
    review, review_total = review_list(
        per_item, REVIEW_JACCARD, decided, without_consensus(project, by_item)
    )
    pairwise = _pairwise_jaccard(experts, items, answers)
    defined = [score for score in per_item.values() if score is not None]
    payload = {
        "supported": True,
        "kind": "multi",
        "labels": list(project.labels),
        "overall": {
            "jaccard": rounded(float(np.mean(defined))) if defined else None,
            "expert_pairs_jaccard": upper_mean(pairwise),
            "items_answered": len(items),
            "items_pairable": len(defined),
            "adjudicated": len(decided & set(items)),
        },
        "per_label": _per_label(project, experts, items, answers),
        "experts": expert_rows(project, experts, items, answers, mean_jaccard=pairwise),
        "review": review,
        "review_total": review_total,
    }
    lines = item_lines(project, by_item, per_item)
    return ComputedReport(payload, None, len(answers), last, lines)
