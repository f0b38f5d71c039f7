"""How far the figures can be trusted: Dawid–Skene anchored by the check items, whose known
answers pin the experts' confusion matrices, and the caveats a report shows when the data
cannot identify the experts' reliabilities."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select

from app.extensions import db
from app.models import Annotation, Project, Task
from quality import DawidSkeneResult, dawid_skene

IntArray = np.ndarray[Any, np.dtype[np.int64]]


def _gold_answers(
    project: Project, n_items: int, worker_ids: IntArray, labels: Sequence[str]
) -> tuple[IntArray, dict[int, int]]:
    """The check items' answers as extra ``(item, worker, label)`` rows (items numbered after
    the answered items) and the known class of each such item. Experts who answered only
    check items are left out: they answered nothing the consensus decides."""
    index = {label: code for code, label in enumerate(labels)}
    workers = {int(w): code for code, w in enumerate(worker_ids)}
    rows = db.session.execute(
        select(Annotation.item_id, Annotation.annotator_id, Annotation.result, Task.gold_answer)
        .join(Task, Task.id == Annotation.task_id)
        .where(Annotation.project_id == project.id, Annotation.gold_score.is_not(None))
    ).all()
    codes: dict[int, int] = {}
    known: dict[int, int] = {}
    triples = []
    for item, worker, result, truth in rows:
        label = index.get(str(result.get("label")))
        true_label = index.get(str((truth or {}).get("label")))
        if worker not in workers or label is None or true_label is None:
            continue
        code = codes.setdefault(item, n_items + len(codes))
        known[code] = true_label
        triples.append((code, workers[worker], label))
    return np.array(triples, dtype=np.int64).reshape(-1, 3), known


def anchored_dawid_skene(
    project: Project, triples: IntArray, n_items: int, worker_ids: IntArray, labels: Sequence[str]
) -> DawidSkeneResult:
    """Dawid–Skene over a classification project's coded answers ``(item, worker, label)``
    (items ``0 .. n_items - 1``, workers coded by position in ``worker_ids``), with the
    check items' answers as known truth: they anchor the confusion matrices
    (:func:`quality.dawid_skene` with ``known``). The result covers the answered items only."""
    gold, known = _gold_answers(project, n_items, worker_ids, labels)
    ds = dawid_skene(
        np.vstack([triples, gold]),
        len(labels),
        n_items=n_items + len(known),
        n_workers=worker_ids.size,
        known=known,
    )
    return dataclasses.replace(ds, labels=ds.labels[:n_items], posteriors=ds.posteriors[:n_items])


def reliability_warnings(project: Project, triples: IntArray, n_items: int) -> list[str]:
    """Codes of the caveats a report shows: ``reliability_unidentified`` when at most two
    experts answer each item and no check item was answered (with k = 2 the data cannot tell
    which of two disagreeing experts is the reliable one)."""
    per_item = np.bincount(triples[:, 0], minlength=n_items)
    has_gold = db.session.scalar(
        select(Annotation.id)
        .where(Annotation.project_id == project.id, Annotation.gold_score.is_not(None))
        .limit(1)
    )
    return ["reliability_unidentified"] if per_item.max(initial=0) <= 2 and has_gold is None else []
