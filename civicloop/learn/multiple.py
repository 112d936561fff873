"""Many indicators at once: adjusting p-values across a review.

A review looks at dozens of indicators; at alpha = 0.05, one in twenty flat indicators
would be flagged "improving" or "worsening" by chance alone. Flags therefore carry
Benjamini-Hochberg adjusted p-values (the false discovery rate across the review), the
same numbers as statsmodels' ``multipletests(p, method="fdr_bh")``.

>>> benjamini_hochberg([0.01, 0.04, 0.03, 0.5]).tolist()
[0.04, 0.05333333333333334, 0.05333333333333334, 0.5]
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["benjamini_hochberg", "significant_after_adjustment"]


def benjamini_hochberg(p: ArrayLike) -> np.ndarray:
    """BH-adjusted p-values; NaN entries (no test) are left out of the count and stay NaN.

    p_adj(i) = min over j >= i of p(j) * m / j for the sorted p-values, capped at 1.

    >>> benjamini_hochberg([0.2, np.nan, 0.01]).tolist()
    [0.2, nan, 0.02]
    """
    p = np.asarray(p, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    tested = ~np.isnan(p)
    values = p[tested]
    m = values.size
    if m == 0:
        return out
    order = np.argsort(values, kind="mergesort")
    ranked = values[order]
    # Written as statsmodels writes it (p / (i/m)) so the numbers match to the last bit.
    raw = ranked / (np.arange(1, m + 1) / float(m))
    adjusted = np.minimum.accumulate(raw[::-1])[::-1]
    adjusted = np.minimum(adjusted, 1.0)
    result = np.empty(m)
    result[order] = adjusted
    out[tested] = result
    return out


def significant_after_adjustment(p: ArrayLike, alpha: float = 0.05) -> np.ndarray:
    """Which tests stay significant at `alpha` after the Benjamini-Hochberg adjustment.

    >>> significant_after_adjustment([0.01, 0.04, 0.03, 0.5]).tolist()
    [True, False, False, False]
    """
    adjusted = benjamini_hochberg(p)
    with np.errstate(invalid="ignore"):
        return adjusted <= alpha
