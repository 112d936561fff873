"""Survey margins of error: is a change real, and how uncertain is a derived estimate?

Survey estimates (the American Community Survey above all) come with a margin of error
(MOE) at a stated confidence level, 90% for the ACS. The formulas here are those of the
Census Bureau's "Understanding and Using American Community Survey Data" (2020),
chapter 8 ("Calculating Measures of Error for Derived Estimates") and its appendix on
comparing estimates:

- standard error from a MOE: SE = MOE / z, with z = 1.645 for 90%, 1.96 for 95% and
  2.576 for 99% (the rounded values the Bureau uses);
- a difference between two estimates is significant when
  |z| = |X2 - X1| / sqrt(SE1^2 + SE2^2) exceeds the critical value of the level;
- sums and differences: MOE = sqrt(sum of MOE^2); when several summed estimates are
  zero, only the largest of their MOEs is counted (their errors are not independent);
- proportions (X a subset of Y, p = X / Y): MOE = sqrt(MOE_X^2 - p^2 MOE_Y^2) / Y, and
  when the radicand is negative the ratio formula below is used instead;
- ratios (R = X / Y): MOE = sqrt(MOE_X^2 + R^2 MOE_Y^2) / Y;
- products: MOE = sqrt(A^2 MOE_B^2 + B^2 MOE_A^2);
- percent change 100 (X2 - X1) / X1: 100 times the ratio MOE of X2 / X1.

All functions take arrays and broadcast, so a whole batch is handled at once.

>>> round(float(standard_error(1645.0)), 6)
1000.0
>>> change = change_significance(52.0, 3.0, 57.0, 2.5)
>>> bool(change.significant[0]), round(float(change.z[0]), 3)
(True, 2.106)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtr, ndtri

from civicloop.learn.batch import BatchResult, series_keys

__all__ = [
    "ACS_Z",
    "Change",
    "change_significance",
    "moe_percent_change",
    "moe_product",
    "moe_proportion",
    "moe_ratio",
    "moe_sum",
    "standard_error",
    "z_for_level",
]

# The rounded critical values the Census Bureau publishes and uses in its worked examples.
ACS_Z: dict[float, float] = {0.90: 1.645, 0.95: 1.96, 0.99: 2.576}


def z_for_level(level: float) -> float:
    """Two-sided critical value of a confidence level (the ACS's rounded ones when known).

    >>> z_for_level(0.90), z_for_level(0.95), round(z_for_level(0.80), 4)
    (1.645, 1.96, 1.2816)
    """
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, got {level}")
    for known, z in ACS_Z.items():
        if abs(level - known) < 1e-9:
            return z
    return float(ndtri(0.5 + level / 2))


def standard_error(moe: ArrayLike, level: float = 0.90) -> np.ndarray:
    """SE = MOE / z of the MOE's confidence level (1.645 for the ACS's 90%)."""
    return np.abs(np.asarray(moe, dtype=np.float64)) / z_for_level(level)


@dataclass(frozen=True)
class Change(BatchResult):
    """Whether X2 - X1 is statistically significant given both margins of error."""

    difference: np.ndarray
    se: np.ndarray
    z: np.ndarray
    p: np.ndarray
    significant: np.ndarray
    level: float = 0.90


def change_significance(
    estimate1: ArrayLike,
    moe1: ArrayLike,
    estimate2: ArrayLike,
    moe2: ArrayLike,
    *,
    level: float = 0.90,
    keys: list[str] | None = None,
) -> Change:
    """Test X2 - X1 with z = (X2 - X1) / sqrt(SE1^2 + SE2^2), SE = MOE / z_level.

    The test is two-sided at the MOEs' own confidence level, as the ACS handbook does
    (|z| > 1.645 for 90% margins). A change with no margin on either side (both MOEs 0) is
    significant whenever it is not zero.

    >>> c = change_significance([10.0, 10.0], [1.0, 4.0], [12.0, 12.0], [1.0, 4.0])
    >>> c.significant.tolist()
    [True, False]
    """
    e1, m1, e2, m2 = np.broadcast_arrays(
        *(
            np.atleast_1d(np.asarray(a, dtype=np.float64))
            for a in (estimate1, moe1, estimate2, moe2)
        )
    )
    se = np.hypot(standard_error(m1, level), standard_error(m2, level))
    difference = e2 - e1
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(se > 0, difference / se, np.sign(difference) * np.inf)
        z = np.where(difference == 0, 0.0, z)
        p = 2 * (1 - ndtr(np.abs(z)))
    significant = np.abs(z) > z_for_level(level)
    return Change(
        keys=series_keys(keys, difference.shape[0]),
        difference=difference,
        se=se,
        z=z,
        p=np.where(np.isnan(difference), np.nan, p),
        significant=significant & ~np.isnan(difference),
        level=level,
    )


def moe_sum(moes: ArrayLike, estimates: ArrayLike | None = None, axis: int = -1) -> np.ndarray:
    """MOE of a sum or difference of estimates along `axis`: sqrt(sum MOE^2).

    Given `estimates`, zero estimates contribute only the largest of their MOEs, as the
    ACS handbook recommends.

    >>> float(moe_sum([3.0, 4.0]))
    5.0
    >>> float(moe_sum([3.0, 20.0, 25.0], estimates=[7.0, 0.0, 0.0]))
    25.179356624028344
    """
    m = np.asarray(moes, dtype=np.float64)
    if estimates is None:
        return np.sqrt(np.sum(m * m, axis=axis))
    zero = np.asarray(estimates, dtype=np.float64) == 0
    zero, m = np.broadcast_arrays(zero, m)
    nonzero_part = np.sum(np.where(zero, 0.0, m * m), axis=axis)
    largest_zero = np.max(np.where(zero, np.abs(m), 0.0), axis=axis)
    return np.sqrt(nonzero_part + largest_zero**2)


def moe_ratio(
    numerator: ArrayLike,
    denominator: ArrayLike,
    moe_numerator: ArrayLike,
    moe_denominator: ArrayLike,
) -> np.ndarray:
    """MOE of R = X / Y when X is not a subset of Y: sqrt(MOE_X^2 + R^2 MOE_Y^2) / Y.

    >>> round(float(moe_ratio(200.0, 1000.0, 30.0, 60.0)), 6)
    0.032311
    """
    x, y, mx, my = (
        np.asarray(a, dtype=np.float64)
        for a in (numerator, denominator, moe_numerator, moe_denominator)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        r = x / y
        return np.sqrt(mx * mx + r * r * my * my) / np.abs(y)


def moe_proportion(
    numerator: ArrayLike,
    denominator: ArrayLike,
    moe_numerator: ArrayLike,
    moe_denominator: ArrayLike,
) -> np.ndarray:
    """MOE of p = X / Y when X is a subset of Y: sqrt(MOE_X^2 - p^2 MOE_Y^2) / Y.

    When the quantity under the root is negative, the ratio formula is used instead, as
    the ACS handbook instructs.

    >>> round(float(moe_proportion(200.0, 1000.0, 30.0, 60.0)), 6)
    0.027495
    >>> float(moe_proportion(900.0, 1000.0, 20.0, 60.0)) == float(moe_ratio(900.0, 1000.0, 20.0, 60.0))
    True
    """
    x, y, mx, my = (
        np.asarray(a, dtype=np.float64)
        for a in (numerator, denominator, moe_numerator, moe_denominator)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        p = x / y
        radicand = mx * mx - p * p * my * my
        radicand = np.where(radicand < 0, mx * mx + p * p * my * my, radicand)
        return np.sqrt(radicand) / np.abs(y)


def moe_product(a: ArrayLike, b: ArrayLike, moe_a: ArrayLike, moe_b: ArrayLike) -> np.ndarray:
    """MOE of A x B: sqrt(A^2 MOE_B^2 + B^2 MOE_A^2).

    >>> float(moe_product(10.0, 2.0, 1.0, 0.5))
    5.385164807134504
    """
    a, b, ma, mb = (np.asarray(v, dtype=np.float64) for v in (a, b, moe_a, moe_b))
    return np.sqrt(a * a * mb * mb + b * b * ma * ma)


def moe_percent_change(
    earlier: ArrayLike, later: ArrayLike, moe_earlier: ArrayLike, moe_later: ArrayLike
) -> np.ndarray:
    """MOE of 100 (X2 - X1) / X1: 100 x the ratio MOE of X2 / X1.

    >>> round(float(moe_percent_change(1000.0, 1100.0, 50.0, 60.0)), 4)
    8.1394
    """
    return 100 * moe_ratio(later, earlier, moe_later, moe_earlier)
