"""Quality reports for the task types whose answers are not single labels: ``ner`` (span
F1 between experts and character-level α) and ``clean`` (agreement from normalised edit
distance); ``bbox`` lives in :mod:`app.quality.boxes`. Such projects are small, so
their answers are read whole; every figure comes from :mod:`quality`."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from typing import Any

import numpy as np
from sqlalchemy import func, select

from app.extensions import db
from app.models import Annotation, Item, Project, User
from app.quality.check_items import gold_by_worker, gold_fields
from app.quality.consensus import consensus_answer
from app.quality.consensus_lines import adjudicated_items, item_lines
from app.quality.item_store import newest_answer_id
from app.quality.items import ComputedReport, rounded
from quality import (
    normalized_edit_distance,
    pairwise_span_f1,
    span_char_alpha,
    span_f1,
    text_agreement,
)

REVIEW_SIMILARITY = 0.8  # cleaned texts less alike than this go to review
REVIEW_F1 = 0.7  # items whose experts' spans or boxes agree less than this go to review
REVIEW_LIST_LIMIT = 1000  # disputed items a report lists (all are counted), every task type
Grid = dict[tuple[int, int], dict[str, Any]]


def answers_grid(project: Project) -> tuple[list[int], list[int], Grid, int]:
    """(experts, items, answer per (expert, item), newest answer id) of a project."""
    rows = db.session.execute(
        select(Annotation.annotator_id, Annotation.item_id, Annotation.result)
        .where(Annotation.project_id == project.id, Annotation.gold_score.is_(None))
        .order_by(Annotation.id)
    ).all()
    last = newest_answer_id(project.id)
    experts = sorted({r[0] for r in rows})
    items = sorted({r[1] for r in rows})
    return experts, items, {(r[0], r[1]): r[2] for r in rows}, int(last)


def answers_by_item(project: Project) -> dict[int, list[dict[str, Any]]]:
    """Every non-check answer of the project, grouped by item."""
    _, items, answers, _ = answers_grid(project)
    return group_by_item(items, answers)


def mean_off_diagonal(matrix: np.ndarray[Any, Any]) -> list[float | None]:
    """Each expert's mean agreement with the others (nan entries left out)."""
    out = []
    for index in range(matrix.shape[0]):
        others = np.delete(matrix[index], index)
        others = others[~np.isnan(others)]
        out.append(rounded(float(others.mean())) if others.size else None)
    return out


def upper_mean(matrix: np.ndarray[Any, Any]) -> float | None:
    """Mean of the defined entries above the diagonal (one per pair of experts)."""
    values = matrix[np.triu_indices(matrix.shape[0], k=1)]
    values = values[~np.isnan(values)]
    return rounded(float(values.mean())) if values.size else None


def names_of(ids: list[int]) -> dict[int, str]:
    """Display names of users."""
    return dict(
        db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).tuples().all()
    )


def expert_rows(
    project: Project,
    experts: list[int],
    items: list[int],
    answers: Grid,
    **pairwise: np.ndarray[Any, Any],
) -> list[dict[str, Any]]:
    """Each expert's line of an entity, cleaning, box or multi-label report: name, answers
    given, for each keyword of ``pairwise`` (an experts × experts agreement matrix) the
    expert's mean agreement with the others (:func:`mean_off_diagonal`), then the check-item
    figures; experts who answered only check items (a failed qualification test) follow,
    with their check-item figures alone."""
    gold = gold_by_worker(project)
    only_checks = [w for w in gold if w not in set(experts)]
    names = names_of(experts + only_checks)
    means = {key: mean_off_diagonal(matrix) for key, matrix in pairwise.items()}
    rows = [
        {
            "user_id": expert,
            "name": names.get(expert, ""),
            "answers": sum((expert, item) in answers for item in items),
            **{key: column[index] for key, column in means.items()},
            **gold_fields(gold, expert),
        }
        for index, expert in enumerate(experts)
    ]
    return rows + [
        {
            "user_id": expert,
            "name": names.get(expert, ""),
            "answers": 0,
            **dict.fromkeys(means),
            **gold_fields(gold, expert),
        }
        for expert in only_checks
    ]


def per_item_pairs(
    experts: list[int],
    items: list[int],
    answers: Grid,
    pair_score: Callable[[dict[str, Any], dict[str, Any]], float],
) -> dict[int, float | None]:
    """Each item's mean score over the pairs of experts who answered it (None below two)."""
    out: dict[int, float | None] = {}
    for item in items:
        given = [answers[(e, item)] for e in experts if (e, item) in answers]
        scores = [pair_score(a, b) for a, b in itertools.combinations(given, 2)]
        out[item] = rounded(float(np.mean(scores))) if scores else None
    return out


def review_list(
    agreement: dict[int, float | None],
    threshold: float,
    decided: set[int],
    disputed: AbstractSet[int] = frozenset(),
) -> tuple[list[dict[str, Any]], int]:
    """Undecided items whose agreement is below ``threshold`` or that have no consensus
    answer (``disputed``), least agreement first."""
    doubtful = sorted(
        (-1.0 if score is None else score, item)
        for item, score in agreement.items()
        if item not in decided and (item in disputed or (score is not None and score < threshold))
    )
    return (
        [
            {"item_id": item, "agreement": None if score < 0 else score}
            for score, item in doubtful[:REVIEW_LIST_LIMIT]
        ],
        len(doubtful),
    )


def without_consensus(project: Project, by_item: dict[int, list[dict[str, Any]]]) -> set[int]:
    """Items whose answers have no consensus by the merge rules (they go to review)."""
    return {
        item
        for item, results in by_item.items()
        if consensus_answer(project.task_type, results) is None
    }


def _spans(result: dict[str, Any], label: str | None = None) -> list[tuple[int, int, str]]:
    return [
        (int(s[0]), int(s[1]), str(s[2]))
        for s in result.get("spans", [])
        if label is None or s[2] == label
    ]


def _item_span_f1(a: dict[str, Any], b: dict[str, Any]) -> float:
    score = span_f1([_spans(a)], [_spans(b)], "exact")
    return 1.0 if math.isnan(score) else score  # neither marked anything: they agree


def _span_grid(
    experts: list[int], items: list[int], answers: Grid, label: str | None = None
) -> list[list[Sequence[tuple[int, int, str]] | None]]:
    return [
        [_spans(answers[(e, i)], label) if (e, i) in answers else None for i in items]
        for e in experts
    ]


def ner_report(project: Project) -> ComputedReport:
    """Span agreement of a ``ner`` project: character α, exact and overlap span F1 between
    experts overall, per label and per expert, exact span F1 per item, the review list."""
    experts, items, answers, last = answers_grid(project)
    spans = _span_grid(experts, items, answers)
    lengths = dict(
        db.session.execute(select(Item.id, func.length(Item.text)).where(Item.id.in_(items)))
        .tuples()
        .all()
    )
    alpha = span_char_alpha(spans, [lengths[i] for i in items]) if len(experts) > 1 else math.nan
    exact = pairwise_span_f1(spans, "exact") if experts else np.zeros((0, 0))
    overlap = pairwise_span_f1(spans, "overlap") if experts else np.zeros((0, 0))
    seen = {s[2] for result in answers.values() for s in _spans(result)}
    per_label = [
        {
            "label": label,
            "exact_f1": upper_mean(
                pairwise_span_f1(_span_grid(experts, items, answers, label), "exact")
            ),
            "spans": sum(len(_spans(r, label)) for r in answers.values()),
        }
        for label in [*project.labels, *sorted(seen - set(project.labels))]
    ]
    agreement = per_item_pairs(experts, items, answers, _item_span_f1)
    decided = adjudicated_items(project.id)
    by_item = group_by_item(items, answers)
    review, review_total = review_list(
        agreement, REVIEW_F1, decided, without_consensus(project, by_item)
    )
    payload = {
        "supported": True,
        "kind": "ner",
        "overall": {
            "char_alpha": rounded(alpha),
            "exact_f1": upper_mean(exact),
            "overlap_f1": upper_mean(overlap),
            "items_answered": len(items),
            "adjudicated": len(decided & set(items)),
        },
        "per_label": per_label,
        "experts": expert_rows(
            project, experts, items, answers, mean_exact_f1=exact, mean_overlap_f1=overlap
        ),
        "review": review,
        "review_total": review_total,
    }
    lines = item_lines(project, by_item, agreement)
    return ComputedReport(payload, rounded(alpha), len(answers), last, lines)


def group_by_item(items: list[int], answers: Grid) -> dict[int, list[dict[str, Any]]]:
    """The answers of a grid, grouped by item."""
    by_item: dict[int, list[dict[str, Any]]] = {item: [] for item in items}
    for (_, item), result in answers.items():
        by_item[item].append(result)
    return by_item


def _pairwise_similarity(
    experts: list[int], items: list[int], answers: Grid
) -> np.ndarray[Any, Any]:
    n = len(experts)
    matrix = np.eye(n)
    for a, b in itertools.combinations(range(n), 2):
        shared = [i for i in items if (experts[a], i) in answers and (experts[b], i) in answers]
        sims = [
            1.0
            - normalized_edit_distance(
                str(answers[(experts[a], i)].get("text", "")),
                str(answers[(experts[b], i)].get("text", "")),
            )
            for i in shared
        ]
        matrix[a, b] = matrix[b, a] = float(np.mean(sims)) if sims else math.nan
    return matrix


def clean_report(project: Project) -> ComputedReport:
    """Edit-distance agreement of a ``clean`` project: similarity overall, per expert (with
    the others) and per item, and the review list."""
    experts, items, answers, last = answers_grid(project)
    texts = [
        [str(answers[(e, i)].get("text", "")) if (e, i) in answers else None for i in items]
        for e in experts
    ]
    agreement = text_agreement(texts)
    per_item = {
        item: rounded(float(score)) for item, score in zip(items, agreement.per_item, strict=True)
    }
    decided = adjudicated_items(project.id)
    by_item = group_by_item(items, answers)
    review, review_total = review_list(
        per_item, REVIEW_SIMILARITY, decided, without_consensus(project, by_item)
    )
    similarity = _pairwise_similarity(experts, items, answers)
    payload = {
        "supported": True,
        "kind": "clean",
        "overall": {
            "text_similarity": rounded(agreement.mean_similarity),
            "items_answered": len(items),
            "adjudicated": len(decided & set(items)),
        },
        "experts": expert_rows(project, experts, items, answers, mean_similarity=similarity),
        "review": review,
        "review_total": review_total,
    }
    lines = item_lines(project, by_item, per_item)
    return ComputedReport(payload, None, len(answers), last, lines)
