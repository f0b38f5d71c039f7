"""Quality metrics for Wanbiao: agreement, consensus and gold scoring on plain numpy data."""

from quality.agreement import cohen_kappa, fleiss_kappa, percent_agreement
from quality.alpha import LEVELS, Level, alpha_bootstrap_ci, krippendorff_alpha

__all__ = [
    "LEVELS",
    "Level",
    "alpha_bootstrap_ci",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "percent_agreement",
]
