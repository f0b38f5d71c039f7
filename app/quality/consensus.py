"""The consensus answer of an item's experts for the task types whose answers are not single
labels, by the merge rules of :mod:`quality.merge`: entities (spans grouped by label and
character IoU), boxes (grouped by label and IoU ≥ 0.5, coordinates averaged) and cleaned text
(the text a majority gave) and multi-label classification (each label a majority chose; a
tie on any label means no consensus). Collection takes the answer more than half of the
experts gave identically. None means no consensus: the item
goes to the review queue."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from quality.merge import merge_boxes, merge_spans, merge_texts
from quality.multilabel import merge_label_sets

COORDINATE_PLACES = 2


def _spans(result: dict[str, Any]) -> list[tuple[int, int, str]]:
    return [(int(s[0]), int(s[1]), str(s[2])) for s in result.get("spans", [])]


def _corners(result: dict[str, Any]) -> list[tuple[float, float, float, float, str]]:
    return [
        (float(x), float(y), float(x) + float(w), float(y) + float(h), str(label))
        for x, y, w, h, label in result.get("boxes", [])
    ]


def _merged_spans(results: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    spans = merge_spans([_spans(r) for r in results])
    return None if spans is None else {"spans": [list(span) for span in spans]}


def _merged_boxes(results: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    boxes = merge_boxes([_corners(r) for r in results])
    if boxes is None:
        return None
    places = COORDINATE_PLACES
    return {
        "boxes": [
            [
                round(x0, places),
                round(y0, places),
                round(x1 - x0, places),
                round(y1 - y0, places),
                label,
            ]
            for x0, y0, x1, y1, label in boxes
        ]
    }


def _merged_text(results: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    texts = [str(r.get("text", "")) for r in results]
    merged = merge_texts(texts, [list(r.get("flags", [])) for r in results])
    if merged is None:
        return None
    text, flags = merged
    # The diff of the original against the text depends on the text only.
    return {**results[texts.index(text)], "flags": flags}


def majority_answer(results: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The answer more than half of the experts gave identically, else None."""
    if not results:
        return None
    keys = [json.dumps(result, sort_keys=True, ensure_ascii=False) for result in results]
    key, votes = Counter(keys).most_common(1)[0]
    return results[keys.index(key)] if 2 * votes > len(results) else None


def _merged_labels(results: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Multi-label answers (``labels`` lists) by a majority per label; a single-label answer
    by the answer more than half gave (single-label projects take Dawid–Skene instead)."""
    if not all(isinstance(r.get("labels"), list) for r in results):
        return majority_answer(results)
    labels = merge_label_sets([{str(label) for label in r["labels"]} for r in results])
    return None if labels is None else {"labels": labels}


MERGES = {
    "ner": _merged_spans,
    "bbox": _merged_boxes,
    "clean": _merged_text,
    "classify": _merged_labels,
}


def consensus_answer(task_type: str, results: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The item's consensus answer for ``task_type`` from its experts' ``results`` (see the
    module doc), or None when there is none (no answers, a tie, no majority)."""
    if not results:
        return None
    merge = MERGES.get(task_type)
    return majority_answer(results) if merge is None else merge(results)
