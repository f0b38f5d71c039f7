"""Agreement between experts on entity spans (the ``ner`` task type).

A span is ``(start, end, label)`` with Python ``str`` offsets, ``end`` exclusive.
``annotations[e][d]`` is expert e's list of spans on document d, or ``None`` when e did not
annotate d — the same raters × units layout as :func:`quality.krippendorff_alpha`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

from quality.alpha import krippendorff_alpha
from quality.arrays import FloatArray

Span = tuple[int, int, str]
SpanMatch = Literal["exact", "overlap"]
ExpertSpans = Sequence[Sequence[Span] | None]


def _check_spans(spans: Sequence[Span]) -> None:
    for start, end, _ in spans:
        if not 0 <= start < end:
            raise ValueError(f"span ({start}, {end}) must satisfy 0 <= start < end")


def _matched(spans: Sequence[Span], others: Sequence[Span], mode: SpanMatch) -> int:
    """Count distinct ``spans`` with a same-label partner in ``others`` (equal or overlapping)."""
    mine = sorted(set(spans))
    if mode == "exact":
        return len(set(mine) & set(others))
    if not mine or not others:
        return 0
    starts, ends = np.array([s[0] for s in mine]), np.array([s[1] for s in mine])
    o_starts, o_ends = np.array([s[0] for s in others]), np.array([s[1] for s in others])
    same_label = np.array([[a[2] == b[2] for b in others] for a in mine])
    overlaps = (starts[:, None] < o_ends[None, :]) & (o_starts[None, :] < ends[:, None])
    return int((overlaps & same_label).any(axis=1).sum())


def span_f1(a: ExpertSpans, b: ExpertSpans, mode: SpanMatch = "exact") -> float:
    """Micro-averaged F1 between two experts' spans over the documents both annotated.

    ``a[d]`` and ``b[d]`` are the two experts' span lists on document d (``None`` = not
    annotated; such documents are skipped). Precision = matched spans of a / spans of a,
    recall = matched spans of b / spans of b, F1 = 2PR / (P + R), counts summed over
    documents (Hripcsak & Rothschild 2005: pairwise F1 as inter-annotator agreement).
    ``exact``: same start, end and label; ``overlap``: same label and overlapping ranges.
    Duplicate spans count once. Returns nan when neither expert marked any span on the
    shared documents. Raises ValueError for unequal lengths, a bad span or unknown mode.
    """
    if mode not in ("exact", "overlap"):
        raise ValueError(f"unknown span match mode {mode!r}; expected 'exact' or 'overlap'")
    if len(a) != len(b):
        raise ValueError(f"experts cover different document counts: {len(a)} != {len(b)}")
    found_a = found_b = matched_a = matched_b = 0
    for spans_a, spans_b in zip(a, b, strict=True):
        if spans_a is None or spans_b is None:
            continue
        _check_spans(spans_a)
        _check_spans(spans_b)
        found_a, found_b = found_a + len(set(spans_a)), found_b + len(set(spans_b))
        matched_a += _matched(spans_a, spans_b, mode)
        matched_b += _matched(spans_b, spans_a, mode)
    if found_a + found_b == 0:
        return float("nan")
    precision = matched_a / found_a if found_a else 0.0
    recall = matched_b / found_b if found_b else 0.0
    if precision + recall == 0.0:
        return 0.0
    return 2.0 * precision * recall / (precision + recall)


def pairwise_span_f1(annotations: Sequence[ExpertSpans], mode: SpanMatch = "exact") -> FloatArray:
    """Experts × experts matrix of :func:`span_f1` between every pair of experts.

    ``annotations[e][d]`` as in the module docstring. The matrix is symmetric with 1.0 on
    the diagonal; an entry is nan when the pair shares no document with a span. Raises
    ValueError as :func:`span_f1` does.
    """
    n = len(annotations)
    matrix = np.eye(n, dtype=np.float64)
    for i in range(n):
        for j in range(i + 1, n):
            matrix[i, j] = matrix[j, i] = span_f1(annotations[i], annotations[j], mode)
    return matrix


def span_char_alpha(annotations: Sequence[ExpertSpans], doc_lengths: Sequence[int]) -> float:
    """Krippendorff's nominal α over characters: each character of each document is a unit.

    Every expert gives each character of a document they annotated the label of the span
    covering it, or "outside" when none does (a later span wins where one expert's spans
    overlap); documents an expert did not annotate are missing. α then follows Krippendorff
    2011 on that experts × characters matrix. Returns nan when α is undefined (e.g. no text
    rated twice, or every character has the same label). Raises ValueError when a span
    leaves its document or the document counts disagree with ``doc_lengths``.
    """
    lengths = np.asarray(doc_lengths, dtype=np.int64)
    labels = sorted({span[2] for expert in annotations for doc in expert if doc for span in doc})
    codes = {label: float(i + 1) for i, label in enumerate(labels)}
    rows = [_character_labels(expert, lengths, codes) for expert in annotations]
    if not rows:
        return float("nan")
    return krippendorff_alpha(np.stack(rows), "nominal")


def _character_labels(
    expert: ExpertSpans, lengths: npt.NDArray[np.int64], codes: dict[str, float]
) -> FloatArray:
    """One expert's label code per character of all documents: 0 outside, nan if not annotated."""
    if len(expert) != lengths.size:
        raise ValueError(f"an expert covers {len(expert)} documents, expected {lengths.size}")
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    row = np.full(int(offsets[-1]), np.nan)
    for d, spans in enumerate(expert):
        if spans is None:
            continue
        _check_spans(spans)
        if any(end > lengths[d] for _, end, _ in spans):
            raise ValueError(f"a span ends past the end of document {d}")
        base = int(offsets[d])
        row[base : base + int(lengths[d])] = 0.0
        for start, end, label in spans:
            row[base + start : base + end] = codes[label]
    return row
