"""Multi-label agreement and consensus (quality.multilabel), with worked examples."""

from __future__ import annotations

import math

import pytest

from quality.multilabel import jaccard, label_alpha, mean_pairwise_jaccard, merge_label_sets


def test_jaccard_counts_shared_labels_over_all_chosen() -> None:
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert jaccard(set(), set()) == 1.0
    assert jaccard({"a"}, set()) == 0.0


def test_mean_pairwise_jaccard_needs_two_answers() -> None:
    assert math.isnan(mean_pairwise_jaccard([{"a"}]))
    assert mean_pairwise_jaccard([{"a"}, {"a"}, {"b"}]) == pytest.approx(1 / 3)


def test_label_alpha_is_one_for_full_agreement_and_negative_for_systematic_disagreement() -> None:
    agree = [[{"a"}, set(), {"a"}, set()], [{"a"}, set(), {"a"}, set()]]
    assert label_alpha(agree, "a") == pytest.approx(1.0)
    opposed = [[{"a"}, set(), {"a"}, set()], [set(), {"a"}, set(), {"a"}]]
    assert label_alpha(opposed, "a") < 0
    missing = [[{"a"}, None], [{"a"}, {"a"}]]
    assert math.isnan(label_alpha(missing, "a"))  # every pairable value is the same


def test_the_consensus_is_a_majority_per_label_and_a_tie_has_none() -> None:
    assert merge_label_sets([{"a", "b"}, {"a"}, {"a", "c"}]) == ["a"]
    assert merge_label_sets([{"a"}, {"b"}]) is None  # 1–1 on each label
    assert merge_label_sets([set(), set(), {"a"}]) == []
    assert merge_label_sets([]) is None
