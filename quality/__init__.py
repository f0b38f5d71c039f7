"""Quality metrics for Wanbiao: agreement, consensus and gold scoring on plain numpy data."""

from quality.agreement import cohen_kappa, fleiss_kappa, percent_agreement
from quality.alpha import LEVELS, Level, alpha_bootstrap_ci, krippendorff_alpha
from quality.consensus import DawidSkeneResult, dawid_skene, majority_vote, vote_counts
from quality.gold import (
    GoldAccuracy,
    WorkerGoldAccuracy,
    gold_accuracy,
    gold_accuracy_by_worker,
    wilson_interval,
)

__all__ = [
    "LEVELS",
    "DawidSkeneResult",
    "GoldAccuracy",
    "Level",
    "alpha_bootstrap_ci",
    "cohen_kappa",
    "dawid_skene",
    "fleiss_kappa",
    "gold_accuracy",
    "gold_accuracy_by_worker",
    "krippendorff_alpha",
    "majority_vote",
    "percent_agreement",
    "vote_counts",
    "wilson_interval",
    "WorkerGoldAccuracy",
]
