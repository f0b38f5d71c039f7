"""Quality metrics for Wanbiao: agreement, consensus and gold scoring on plain numpy data."""

from quality.agreement import cohen_kappa, fleiss_kappa, percent_agreement
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

__all__ = [
    "Box",
    "BoxAgreement",
    "box_agreement",
    "iou_matrix",
    "match_boxes",
    "PairwiseBoxAgreement",
    "pairwise_box_agreement",
    "agreement_metric",
    "AGREEMENT_METRICS",
    "agreement_report",
    "AgreementMetric",
    "alpha_bootstrap_ci",
    "cohen_kappa",
    "cohen_kappa_of_ratings",
    "dawid_skene",
    "DawidSkeneResult",
    "fleiss_kappa",
    "fleiss_kappa_of_ratings",
    "gold_accuracy",
    "gold_accuracy_by_worker",
    "GoldAccuracy",
    "krippendorff_alpha",
    "Level",
    "LEVELS",
    "majority_vote",
    "percent_agreement",
    "Span",
    "span_char_alpha",
    "span_f1",
    "pairwise_span_f1",
    "vote_counts",
    "wilson_interval",
    "WorkerGoldAccuracy",
]
