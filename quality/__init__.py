"""Quality metrics for Wanbiao: agreement, consensus and gold scoring on plain numpy data."""

from quality.agreement import (
    cohen_kappa,
    fleiss_kappa,
    fleiss_kappa_by_category,
    percent_agreement,
    unit_agreement,
)
from quality.alpha import LEVELS, Level, alpha_bootstrap_ci, krippendorff_alpha
from quality.boxes import (
    Box,
    BoxAgreement,
    PairwiseBoxAgreement,
    box_agreement,
    iou_matrix,
    match_boxes,
    pairwise_box_agreement,
)
from quality.consensus import DawidSkeneResult, dawid_skene, majority_vote, vote_counts
from quality.gold import (
    GoldAccuracy,
    WorkerGoldAccuracy,
    gold_accuracy,
    gold_accuracy_by_worker,
    wilson_interval,
)
from quality.metrics import (
    AGREEMENT_METRICS,
    AgreementMetric,
    agreement_metric,
    agreement_report,
    cohen_kappa_of_ratings,
    fleiss_kappa_of_ratings,
)
from quality.spans import Span, pairwise_span_f1, span_char_alpha, span_f1
from quality.text import TextAgreement, levenshtein, normalized_edit_distance, text_agreement

__all__ = [
    "agreement_metric",
    "AGREEMENT_METRICS",
    "agreement_report",
    "AgreementMetric",
    "alpha_bootstrap_ci",
    "Box",
    "box_agreement",
    "BoxAgreement",
    "cohen_kappa",
    "cohen_kappa_of_ratings",
    "dawid_skene",
    "DawidSkeneResult",
    "fleiss_kappa",
    "fleiss_kappa_by_category",
    "fleiss_kappa_of_ratings",
    "gold_accuracy",
    "gold_accuracy_by_worker",
    "GoldAccuracy",
    "iou_matrix",
    "krippendorff_alpha",
    "Level",
    "LEVELS",
    "levenshtein",
    "majority_vote",
    "match_boxes",
    "normalized_edit_distance",
    "pairwise_box_agreement",
    "pairwise_span_f1",
    "PairwiseBoxAgreement",
    "percent_agreement",
    "Span",
    "span_char_alpha",
    "span_f1",
    "text_agreement",
    "TextAgreement",
    "unit_agreement",
    "vote_counts",
    "wilson_interval",
    "WorkerGoldAccuracy",
]
