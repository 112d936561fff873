"""Prioritisation arithmetic with no Django: weighted scores, spread, and the table's agreement.

A round gives, for each voting organisation (rater) and candidate strategy (item), either a
score per criterion (1-5) or a number of dots. ``weighted`` turns criterion scores into one
score per rater and item; ``spread`` summarises each item's scores across raters; and
``kendall_w`` measures how far the raters agree on the order of the items.

Kendall's coefficient of concordance W (Kendall & Babington Smith 1939; the tie correction
as in Siegel & Castellan 1988, sec. 9.4): each rater's scores are turned into ranks (ties
get their mean rank), R_i is the sum of item i's ranks and S = sum (R_i - mean R)^2, then

    W = 12 S / (m^2 (n^3 - n) - m sum_j T_j),   T_j = sum over rater j's ties of (t^3 - t)

for m raters and n items. W is 0 with no agreement and 1 when every rater orders the items
alike. Its significance uses the chi-square approximation: m (n - 1) W follows chi-square
with n - 1 degrees of freedom under the null hypothesis of no agreement (this equals
Friedman's tie-corrected statistic).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


def weighted(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """raters x items x criteria scores -> raters x items, the weighted mean over criteria."""
    weights = np.asarray(weights, dtype=np.float64)
    return np.asarray(scores, dtype=np.float64) @ (weights / weights.sum())


@dataclass(frozen=True)
class Spread:
    mean: float
    sd: float
    low: float
    q1: float
    median: float
    q3: float
    high: float


def spread(matrix: np.ndarray) -> list[Spread]:
    """For each item (column), how its raters' scores spread."""
    matrix = np.asarray(matrix, dtype=np.float64)
    out = []
    for column in matrix.T:
        q1, median, q3 = np.percentile(column, [25, 50, 75])
        out.append(
            Spread(
                mean=float(column.mean()),
                sd=float(column.std(ddof=1)) if len(column) > 1 else 0.0,
                low=float(column.min()),
                q1=float(q1),
                median=float(median),
                q3=float(q3),
                high=float(column.max()),
            )
        )
    return out


def ranking(totals: np.ndarray) -> np.ndarray:
    """Competition ranks, 1 = highest total; equal totals share a rank (1, 2, 2, 4)."""
    totals = np.asarray(totals, dtype=np.float64)
    return stats.rankdata(-totals, method="min").astype(int)


@dataclass(frozen=True)
class Agreement:
    w: float
    chi2: float
    df: int
    p_value: float
    raters: int
    items: int

    @property
    def strength(self) -> str:
        """A plain-language reading of W (the usual rule of thumb)."""
        if self.w >= 0.7:
            return "strong"
        if self.w >= 0.5:
            return "moderate"
        if self.w >= 0.3:
            return "fair"
        return "weak"


def kendall_w(matrix: np.ndarray) -> Agreement | None:
    """Kendall's W for raters (rows) scoring items (columns); higher score = better.

    None when it is not defined: fewer than two raters or items, or every rater tied every
    item.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    m, n = matrix.shape if matrix.ndim == 2 else (0, 0)
    if m < 2 or n < 2:
        return None
    ranks = stats.rankdata(matrix, axis=1)  # ties get their mean rank
    totals = ranks.sum(axis=0)
    s = float(((totals - totals.mean()) ** 2).sum())
    ties = 0.0
    for row in matrix:
        _, counts = np.unique(row, return_counts=True)
        ties += float((counts**3 - counts).sum())
    denominator = m**2 * (n**3 - n) - m * ties
    if denominator <= 0:
        return None
    w = 12.0 * s / denominator
    chi2 = m * (n - 1) * w
    return Agreement(
        w=w, chi2=chi2, df=n - 1, p_value=float(stats.chi2.sf(chi2, n - 1)), raters=m, items=n
    )
