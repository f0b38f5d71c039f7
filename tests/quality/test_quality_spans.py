"""Span agreement for the `ner` task: exact/overlap F1 and character-level alpha."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quality import pairwise_span_f1, span_char_alpha, span_f1
from quality.spans import ExpertSpans, Span

# Two documents, e.g. "张三在合肥工作" (7 chars) and "李四住在蚌埠市" (7 chars).
EXPERT_A: list[list[Span] | None] = [[(0, 2, "PER"), (3, 5, "LOC")], [(0, 2, "PER"), (4, 7, "LOC")]]
EXPERT_B: list[list[Span] | None] = [[(0, 2, "PER"), (3, 5, "ORG")], [(0, 2, "PER"), (4, 6, "LOC")]]


def test_exact_f1_counts_identical_spans_only() -> None:
    # A has 4 spans, B has 4; only the two PER spans match exactly -> P = R = 0.5.
    assert span_f1(EXPERT_A, EXPERT_B, "exact") == pytest.approx(0.5)


def test_overlap_f1_accepts_boundary_differences_but_not_label_differences() -> None:
    # (4,7,LOC) overlaps (4,6,LOC); (3,5,LOC) vs (3,5,ORG) differ in label -> 3 of 4 each way.
    assert span_f1(EXPERT_A, EXPERT_B, "overlap") == pytest.approx(0.75)


def test_f1_is_asymmetric_only_in_precision_and_recall() -> None:
    a = [[(0, 2, "PER"), (3, 5, "LOC"), (5, 7, "LOC")]]
    b = [[(0, 2, "PER")]]
    # P = 1/3, R = 1 -> F1 = 0.5, and swapping the experts gives the same F1.
    assert span_f1(a, b) == pytest.approx(0.5)
    assert span_f1(b, a) == pytest.approx(0.5)


def test_f1_skips_documents_one_expert_did_not_annotate() -> None:
    a = [[(0, 2, "PER")], [(0, 3, "LOC")]]
    b = [[(0, 2, "PER")], None]
    assert span_f1(a, b) == 1.0
    assert math.isnan(span_f1([[]], [[]]))
    assert span_f1([[(0, 1, "X")]], [[]]) == 0.0


def test_pairwise_matrix_is_symmetric_with_unit_diagonal() -> None:
    expert_c: list[list[Span] | None] = [[(0, 2, "PER"), (3, 5, "LOC")], None]
    matrix = pairwise_span_f1([EXPERT_A, EXPERT_B, expert_c], "exact")
    assert matrix.shape == (3, 3)
    np.testing.assert_allclose(np.diag(matrix), 1.0)
    np.testing.assert_allclose(matrix, matrix.T)
    assert matrix[0, 1] == pytest.approx(0.5)
    assert matrix[0, 2] == pytest.approx(1.0)  # only document 0 is shared
    assert matrix[1, 2] == pytest.approx(0.5)


def test_span_validation() -> None:
    with pytest.raises(ValueError, match="start < end"):
        span_f1([[(3, 3, "PER")]], [[]])
    with pytest.raises(ValueError, match="different document counts"):
        span_f1([[]], [[], []])
    with pytest.raises(ValueError, match="unknown span match mode"):
        span_f1([[]], [[]], "fuzzy")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="past the end"):
        span_char_alpha([[[(0, 9, "PER")]]], [7])


def _character_matrix_by_hand(annotations: list[ExpertSpans], lengths: list[int]) -> np.ndarray:
    labels = sorted({s[2] for expert in annotations for doc in expert if doc for s in doc})
    rows = []
    for expert in annotations:
        row: list[float] = []
        for spans, length in zip(expert, lengths, strict=True):
            for position in range(length):
                if spans is None:
                    row.append(np.nan)
                    continue
                value = 0.0
                for start, end, label in spans:
                    if start <= position < end:
                        value = labels.index(label) + 1.0
                row.append(value)
        rows.append(row)
    return np.array(rows)


def test_char_alpha_equals_reference_alpha_on_the_character_matrix() -> None:
    krippendorff = pytest.importorskip("krippendorff")
    expert_c: list[list[Span] | None] = [[(0, 2, "PER"), (3, 5, "LOC")], None]
    annotations: list[ExpertSpans] = [EXPERT_A, EXPERT_B, expert_c]
    matrix = _character_matrix_by_hand(annotations, [7, 7])
    expected = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert span_char_alpha(annotations, [7, 7]) == pytest.approx(expected, abs=1e-12)


def test_char_alpha_rewards_boundary_slips_more_than_label_swaps() -> None:
    base = [[(0, 2, "PER"), (3, 5, "LOC")]] * 3
    slipped = [[(0, 2, "PER"), (3, 6, "LOC")]] * 3
    swapped = [[(0, 2, "LOC"), (3, 5, "PER")]] * 3
    lengths = [9, 9, 9]
    assert span_char_alpha([base, base], lengths) == 1.0
    slip = span_char_alpha([base, slipped], lengths)
    swap = span_char_alpha([base, swapped], lengths)
    assert 0.5 < slip < 1.0
    assert swap < slip
