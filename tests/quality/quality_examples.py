"""Published worked examples shared by the quality tests."""

from __future__ import annotations

import numpy as np

NAN = np.nan

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C:
# 4 observers × 12 units, nan where an observer gave no value. Published α: nominal 0.743,
# ordinal 0.815, interval 0.849, ratio 0.797.
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
        [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
    ]
)
