"""Quality metrics for Wanbiao: agreement, consensus and gold scoring on plain numpy data."""

from quality.agreement import cohen_kappa, fleiss_kappa, percent_agreement
from quality.alpha import LEVELS, Level, alpha_bootstrap_ci, krippendorff_alpha
from quality.consensus import DawidSkeneResult, dawid_skene, majority_vote, vote_counts

__all__ = [
    "LEVELS",
    "DawidSkeneResult",
    "Level",
    "alpha_bootstrap_ci",
    "cohen_kappa",
    "dawid_skene",
    "fleiss_kappa",
    "krippendorff_alpha",
    "majority_vote",
    "percent_agreement",
    "vote_counts",
]
