"""Quality reports for the task types whose answers are not single labels: ``ner`` (span
F1 between experts and character-level α) and ``clean`` (agreement from normalised edit
distance). Small projects' answers are read whole; the figures come from :mod:`quality`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sqlalchemy import func, select

from app.extensions import db
from app.models import Annotation, Item, Project, User
from quality import pairwise_span_f1, span_char_alpha, text_agreement

REVIEW_SIMILARITY = 0.8
REVIEW_LIST_LIMIT = 1000


def _rounded(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def _grid(project: Project) -> tuple[list[int], list[int], dict[tuple[int, int], Any], int]:
    rows = db.session.execute(
        select(Annotation.annotator_id, Annotation.item_id, Annotation.result)
        .where(Annotation.project_id == project.id, Annotation.gold_score.is_(None))).all()
    last = db.session.scalar(select(func.max(Annotation.id)).where(
        Annotation.project_id == project.id, Annotation.gold_score.is_(None))) or 0
    experts = sorted({r[0] for r in rows})
    items = sorted({r[1] for r in rows})
    return experts, items, {(r[0], r[1]): r[2] for r in rows}, int(last)


def _mean_off_diagonal(matrix: np.ndarray[Any, Any]) -> list[float | None]:
    out = []
    for index in range(matrix.shape[0]):
        others = np.delete(matrix[index], index)
        others = others[~np.isnan(others)]
        out.append(_rounded(float(others.mean())) if others.size else None)
    return out


def _names(ids: list[int]) -> dict[int, str]:
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def ner_report(project: Project) -> tuple[dict[str, Any], float | None, int, int]:
    """Span agreement of a ``ner`` project: (payload, character α, answers, last id)."""
    experts, items, answers, last = _grid(project)
    spans = [[[tuple(s) for s in answers[(e, i)]["spans"]] if (e, i) in answers else None
              for i in items] for e in experts]
    lengths = dict(db.session.execute(select(Item.id, func.length(Item.text))
                                      .where(Item.id.in_(items))).all())
    alpha = span_char_alpha(spans, [lengths[i] for i in items]) if len(experts) > 1 \
        else math.nan
    exact = pairwise_span_f1(spans, "exact") if experts else np.zeros((0, 0))
    overlap = pairwise_span_f1(spans, "overlap") if experts else np.zeros((0, 0))
    upper = np.triu_indices(len(experts), k=1)
    names = _names(experts)
    payload = {
        "supported": True, "kind": "ner",
        "overall": {"char_alpha": _rounded(alpha),
                    "exact_f1": _rounded(float(np.nanmean(exact[upper])))
                    if upper[0].size and not np.isnan(exact[upper]).all() else None,
                    "overlap_f1": _rounded(float(np.nanmean(overlap[upper])))
                    if upper[0].size and not np.isnan(overlap[upper]).all() else None,
                    "items_answered": len(items)},
        "experts": [{"user_id": e, "name": names.get(e, ""),
                     "answers": sum((e, i) in answers for i in items), "mean_exact_f1": f1}
                    for e, f1 in zip(experts, _mean_off_diagonal(exact), strict=True)],
        "review": [], "review_total": 0,
    }
    return payload, _rounded(alpha), len(answers), last


def clean_report(project: Project) -> tuple[dict[str, Any], float | None, int, int]:
    """Edit-distance agreement of a ``clean`` project: (payload, None, answers, last id)."""
    experts, items, answers, last = _grid(project)
    texts = [[answers[(e, i)]["text"] if (e, i) in answers else None for i in items]
             for e in experts]
    agreement = text_agreement(texts)
    doubtful = [(float(s), items[k]) for k, s in enumerate(agreement.per_item)
                if not math.isnan(s) and s < REVIEW_SIMILARITY]
    doubtful.sort()
    names = _names(experts)
    payload = {
        "supported": True, "kind": "clean",
        "overall": {"text_similarity": _rounded(agreement.mean_similarity),
                    "items_answered": len(items)},
        "experts": [{"user_id": e, "name": names.get(e, ""),
                     "answers": sum((e, i) in answers for i in items)} for e in experts],
        "review": [{"item_id": item, "agreement": _rounded(score)}
                   for score, item in doubtful[:REVIEW_LIST_LIMIT]],
        "review_total": len(doubtful),
    }
    return payload, None, len(answers), last
