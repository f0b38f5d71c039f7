"""Project quality reports: computed by a background job from the stored answers with
:mod:`quality`, stored, and read by pages and the API (never computed inside a request).

A classification report holds Krippendorff's α (nominal, with a bootstrap interval), α per
label (each label against the rest), per-expert figures (answers, agreement with the
consensus, Dawid–Skene accuracy and confusion diagonal, gold accuracy with a Wilson
interval), the pooled confusion matrix, the items that go to review, and one line per item
(:mod:`app.quality.items`, stored by :mod:`app.quality.item_store`). ``ner``, ``clean``,
``bbox``, multi-label classification and collection have their own reports.
Final label = adjudicated, else the Dawid–Skene consensus, in which the check items' known
answers anchor the experts' confusion matrices (:mod:`app.quality.reliability`); other task
types take the consensus of :mod:`app.quality.consensus` (merge rules in :mod:`quality.merge`),
and an item without one waits in the review queue.

Why every report is a full recomputation of the global figures: α, its bootstrap interval
and Dawid–Skene are functions of all answers at once (one new answer moves every expert's
confusion matrix and so every item's posterior); an "incremental" update would not be
exact. A full report takes about 1–2 s at 700,000 answers (``benchmarks/quality.py``), well
under the 5 s target. What is incremental is the expensive write: only per-item lines whose
figures changed are written.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import case, func, literal, select

from app.database import begin_write
from app.extensions import db
from app.models import Adjudication, Annotation, Project, QualityReport, User
from app.quality.boxes import bbox_report
from app.quality.check_items import gold_by_worker, gold_fields, gold_rows
from app.quality.collection import accepted_item_ids, collection_report
from app.quality.consensus import consensus_answer
from app.quality.item_store import newest_answer_id, raw_rows, store_item_rows
from app.quality.items import ComputedReport, ItemLines, rounded
from app.quality.multilabel import multilabel_report
from app.quality.reliability import anchored_dawid_skene, reliability_warnings
from app.quality.spans import (
    REVIEW_LIST_LIMIT,
    answers_by_item,
    clean_report,
    ner_report,
)
from quality import (
    DawidSkeneResult,
    alpha_bootstrap_ci,
    majority_vote,
    vote_counts,
)
from quality.alpha import alpha_from_coincidences, coincidence_matrix

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
REVIEW_AGREEMENT = 0.7  # share of agreeing expert pairs below which an item is reviewed
REVIEW_POSTERIOR = 0.8  # Dawid–Skene confidence below which an item is reviewed
SPECIAL_REPORTS = {
    "ner": ner_report,
    "clean": clean_report,
    "bbox": bbox_report,
    "collect": collection_report,
}
BOOTSTRAP_ROUNDS = 200
MAX_BOOTSTRAP_CELLS = 20_000_000  # raters × items; larger projects report no interval


@dataclass(frozen=True)
class Answers:
    """A project's non-gold single-label answers as dense codes."""

    item_ids: IntArray  # distinct item ids; item code i is item_ids[i]
    worker_ids: IntArray  # distinct annotator ids
    triples: IntArray  # rows (item code, worker code, label code)
    labels: tuple[str, ...]
    last_annotation_id: int


def _int_rows(stmt: Any, width: int) -> IntArray:
    """Integer columns of a select as an array, read on the raw cursor."""
    rows = raw_rows(stmt)
    flat = np.fromiter(itertools.chain.from_iterable(rows), np.int64, len(rows) * width)
    return flat.reshape(len(rows), width)


def load_answers(project: Project) -> Answers:
    """Read the answers of a classification project, label codes computed in SQL."""
    # Plain-string JSON access: the raw cursor skips SQLAlchemy's JSON-path bind processing.
    if db.session.get_bind().dialect.name == "postgresql":
        label: Any = Annotation.result.op("->>")("label")
    else:
        label = func.json_extract(Annotation.result, "$.label")
    code = (
        case({name: index for index, name in enumerate(project.labels)}, value=label, else_=-1)
        if project.labels
        else literal(-1)
    )
    answered = (Annotation.project_id == project.id, Annotation.gold_score.is_(None))
    rows = _int_rows(select(Annotation.item_id, Annotation.annotator_id, code).where(*answered), 3)
    last = newest_answer_id(project.id)
    items, workers, codes = rows.T
    keep = codes >= 0
    item_ids, item_codes = np.unique(items[keep], return_inverse=True)
    worker_ids, worker_codes = np.unique(workers[keep], return_inverse=True)
    triples = np.column_stack([item_codes, worker_codes, codes[keep]]).astype(np.int64)
    return Answers(item_ids, worker_ids, triples, tuple(project.labels), last)


def _alpha_of_counts(counts: FloatArray) -> float:
    pairable = counts[counts.sum(axis=1) >= 2]
    if not pairable.size:
        return math.nan
    values = np.arange(counts.shape[1], dtype=np.float64)
    return alpha_from_coincidences(coincidence_matrix(pairable), values, "nominal")


def ties(counts: FloatArray) -> BoolArray:
    """Per item: True when two or more labels share the most votes (a 1–1 tie with k = 2)."""
    top = counts.max(axis=1, keepdims=True)
    return np.asarray(((counts == top) & (top > 0)).sum(axis=1) > 1)


def _unit_agreement(counts: FloatArray) -> FloatArray:
    ratings = counts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = (counts * (counts - 1.0)).sum(axis=1) / (ratings * (ratings - 1.0))
    return np.where(ratings >= 2, shares, np.nan)


def _bootstrap(answers: Answers, n_items: int) -> tuple[float | None, float | None]:
    if answers.triples.shape[0] < 4 or answers.worker_ids.size * n_items > MAX_BOOTSTRAP_CELLS:
        return None, None
    matrix = np.full((answers.worker_ids.size, n_items), np.nan)
    matrix[answers.triples[:, 1], answers.triples[:, 0]] = answers.triples[:, 2]
    try:
        low, high = alpha_bootstrap_ci(matrix, "nominal", n=BOOTSTRAP_ROUNDS, seed=0)
    except ValueError:
        return None, None
    return rounded(low), rounded(high)


def _per_label(
    counts: FloatArray, final: IntArray, labels: tuple[str, ...]
) -> list[dict[str, Any]]:
    ratings = counts.sum(axis=1, keepdims=True)
    decided = final[final >= 0]
    shares = np.bincount(decided, minlength=len(labels)) / max(decided.size, 1)
    rows = []
    for code, label in enumerate(labels):
        binary = np.hstack([counts[:, code : code + 1], ratings - counts[:, code : code + 1]])
        rows.append(
            {
                "label": label,
                "alpha": rounded(_alpha_of_counts(binary)),
                "share": rounded(float(shares[code])),
            }
        )
    return rows


def _per_expert(
    project: Project, answers: Answers, final: IntArray, ds: DawidSkeneResult
) -> list[dict[str, Any]]:
    item_codes, worker_codes, codes = answers.triples.T
    given = np.bincount(worker_codes, minlength=answers.worker_ids.size)
    agree = np.bincount(
        worker_codes,
        weights=(codes == final[item_codes]).astype(float),
        minlength=answers.worker_ids.size,
    )
    gold = gold_by_worker(project)
    ids = [int(w) for w in answers.worker_ids] + [
        w for w in gold if w not in set(answers.worker_ids.tolist())
    ]
    names = dict(
        db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).tuples().all()
    )
    rows = []
    for code, worker in enumerate(ids):
        known = code < answers.worker_ids.size
        rows.append(
            {
                "user_id": worker,
                "name": names.get(worker, ""),
                "answers": int(given[code]) if known else 0,
                "agreement_with_consensus": rounded(agree[code] / given[code]) if known else None,
                "ds_accuracy": rounded(float(ds.worker_accuracy[code])) if known else None,
                "ds_diagonal": [rounded(float(p)) for p in np.diagonal(ds.confusions[code])]
                if known
                else None,
                **gold_fields(gold, worker),
            }
        )
    return rows


def _adjudicated(project: Project, answers: Answers) -> dict[int, int]:
    index = {label: code for code, label in enumerate(project.labels)}
    position = {int(item): code for code, item in enumerate(answers.item_ids)}
    rows = db.session.execute(
        select(Adjudication.item_id, Adjudication.result).where(
            Adjudication.project_id == project.id
        )
    ).all()
    return {
        position[item]: index[result["label"]]
        for item, result in rows
        if item in position and result.get("label") in index
    }


def _review_queue(
    answers: Answers,
    agreement: FloatArray,
    posterior: FloatArray,
    majority: IntArray,
    consensus: IntArray,
    adjudicated: dict[int, int],
    tied: BoolArray,
) -> tuple[list[dict[str, Any]], int]:
    doubtful = (agreement < REVIEW_AGREEMENT) | (posterior < REVIEW_POSTERIOR)
    doubtful[list(adjudicated)] = False
    order = np.flatnonzero(doubtful)
    order = order[np.argsort(posterior[order], kind="stable")]
    labels = answers.labels
    queue = [
        {
            "item_id": int(answers.item_ids[i]),
            "agreement": rounded(agreement[i]),
            "posterior": rounded(posterior[i]),
            "majority": None if tied[i] else labels[majority[i]],
            "tie": bool(tied[i]),
            "consensus": labels[consensus[i]],
        }
        for i in order[:REVIEW_LIST_LIMIT]
    ]
    return queue, int(order.size)


def _classify_lines(
    answers: Answers,
    counts: FloatArray,
    agreement: FloatArray,
    ds: DawidSkeneResult,
    adjudicated: dict[int, int],
) -> ItemLines:
    """One line per answered item, column by column."""
    decided = np.zeros(answers.item_ids.size, dtype=bool)
    decided[list(adjudicated)] = True
    return ItemLines(
        answers.item_ids.astype(np.int64),
        counts.sum(axis=1).astype(np.int64),
        np.round(agreement, 4),
        ds.labels.astype(np.int64),
        answers.labels,
        np.round(ds.posteriors.max(axis=1), 4),
        np.zeros(answers.item_ids.size, dtype=bool),
        decided,
    )


def _classify_overall(
    answers: Answers,
    counts: FloatArray,
    agreement: FloatArray,
    alpha: float,
    adjudicated: int,
    ds_iterations: int,
) -> dict[str, Any]:
    """The overall figures of a classification report: α with its bootstrap interval, percent
    agreement, how many items were answered, pairable and adjudicated."""
    n_items = answers.item_ids.size
    low, high = _bootstrap(answers, n_items)
    defined = agreement[~np.isnan(agreement)]
    return {
        "alpha": rounded(alpha),
        "alpha_low": low,
        "alpha_high": high,
        "percent_agreement": rounded(float(defined.mean())) if defined.size else None,
        "items_answered": n_items,
        "items_pairable": int((counts.sum(axis=1) >= 2).sum()),
        "adjudicated": adjudicated,
        "ds_iterations": ds_iterations,
    }


def compute_report(project: Project) -> ComputedReport:
    """Every figure of a project's report, with its per-item lines (see the module doc)."""
    if project.task_type in SPECIAL_REPORTS:
        return SPECIAL_REPORTS[project.task_type](project)
    if project.task_type == "classify" and project.options.get("multi"):
        return multilabel_report(project)
    answers = load_answers(project)
    n_items, k = answers.item_ids.size, len(answers.labels)
    if not answers.triples.size:
        return ComputedReport(
            {"supported": True},
            None,
            0,
            answers.last_annotation_id,
            ItemLines.from_rows(gold_rows(project)),
        )
    counts = vote_counts(answers.triples, k, n_items=n_items)
    alpha = _alpha_of_counts(counts)
    ds = anchored_dawid_skene(project, answers.triples, n_items, answers.worker_ids, answers.labels)
    majority = majority_vote(answers.triples, k, n_items=n_items)
    adjudicated = _adjudicated(project, answers)
    final = ds.labels.copy()
    for code, label in adjudicated.items():
        final[code] = label
    agreement = _unit_agreement(counts)
    item_codes, _, codes = answers.triples.T
    confusion = np.bincount(final[item_codes] * k + codes, minlength=k * k).reshape(k, k)
    queue, queued = _review_queue(
        answers,
        agreement,
        ds.posteriors.max(axis=1),
        majority,
        ds.labels,
        adjudicated,
        ties(counts),
    )
    payload = {
        "supported": True,
        "kind": "classify",
        "labels": list(answers.labels),
        "overall": _classify_overall(
            answers, counts, agreement, alpha, len(adjudicated), ds.n_iter
        ),
        "per_label": _per_label(counts, final, answers.labels),
        "experts": _per_expert(project, answers, final, ds),
        "confusion": confusion.tolist(),
        "review": queue,
        "review_total": queued,
        "warnings": reliability_warnings(project, answers.triples, n_items),
    }
    lines = _classify_lines(answers, counts, agreement, ds, adjudicated) + ItemLines.from_rows(
        gold_rows(project)
    )
    return ComputedReport(
        payload, rounded(alpha), int(answers.triples.shape[0]), answers.last_annotation_id, lines
    )


def refresh_report(project_id: int) -> QualityReport | None:
    """Recompute and store a project's report and per-item lines (the job's body)."""
    project = db.session.get(Project, project_id)
    if project is None:
        return None
    started = time.perf_counter()
    computed = compute_report(project)
    begin_write()
    written = store_item_rows(project.id, computed.items)
    payload = {**computed.payload, "item_lines": {"total": len(computed.items), **written}}
    report = QualityReport(
        project_id=project.id,
        answers=computed.answers,
        last_annotation_id=computed.last_annotation_id,
        seconds=round(time.perf_counter() - started, 3),
        alpha=computed.alpha,
        payload=payload,
    )
    db.session.add(report)
    db.session.commit()
    return report


def final_results(project: Project) -> dict[int, dict[str, Any]]:
    """Final answer per item id: adjudicated, else (single-label classification) the
    Dawid–Skene consensus anchored by the check items, else the consensus answer by the merge
    rules (:mod:`app.quality.consensus`); items without one are absent (they wait in the
    review queue), and so are a collection project's contributions not accepted (yet)."""
    decided = dict(
        db.session.execute(
            select(Adjudication.item_id, Adjudication.result).where(
                Adjudication.project_id == project.id
            )
        )
        .tuples()
        .all()
    )
    if project.task_type == "classify" and not project.options.get("multi"):
        answers = load_answers(project)
        if answers.triples.size:
            ds = anchored_dawid_skene(
                project, answers.triples, answers.item_ids.size, answers.worker_ids, answers.labels
            )
            for code, item in enumerate(answers.item_ids.tolist()):
                decided.setdefault(item, {"label": answers.labels[int(ds.labels[code])]})
        return decided
    answered = answers_by_item(project)
    if project.task_type == "collect":  # only accepted contributions are in the dataset
        accepted = set(db.session.scalars(accepted_item_ids(project.id)))
        answered = {item: results for item, results in answered.items() if item in accepted}
        decided = {item: result for item, result in decided.items() if item in accepted}
    for item, results in answered.items():
        consensus = consensus_answer(project.task_type, results)
        if consensus is not None:
            decided.setdefault(item, consensus)
    return decided
